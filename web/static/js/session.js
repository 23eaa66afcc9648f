/* The conversation id (sender id), kept in sessionStorage for the tab's lifetime. */
const SESSION_KEY = "bildungslotse.sessionId";

export function newSessionId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
}

export function storeSessionId(id) {
  try { window.sessionStorage.setItem(SESSION_KEY, id); } catch (e) { /* ignore */ }
  return id;
}

export function loadSessionId() {
  try {
    const stored = window.sessionStorage.getItem(SESSION_KEY);
    if (stored && /^[0-9a-f-]{32,36}$/i.test(stored)) return stored;
  } catch (e) { /* storage blocked: use a fresh id */ }
  return storeSessionId(newSessionId());
}
