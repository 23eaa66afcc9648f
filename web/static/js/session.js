/* The conversation id (sender id), kept in sessionStorage for the tab's lifetime. */
const SESSION_KEY = "bildungslotse.sessionId";

/** 128 random bits as 32 lowercase hex digits (the only form Rasa's channels accept). */
export function newSessionId() {
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function storeSessionId(id) {
  try { window.sessionStorage.setItem(SESSION_KEY, id); } catch (e) { /* ignore */ }
  return id;
}

export function loadSessionId() {
  try {
    const stored = window.sessionStorage.getItem(SESSION_KEY);
    if (stored && /^[0-9a-f]{32}$/.test(stored)) return stored;
  } catch (e) { /* storage blocked: use a fresh id */ }
  return storeSessionId(newSessionId());
}
