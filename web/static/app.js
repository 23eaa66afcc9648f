/*
 * Bildungslotse chat page (ES module entry; the parts are in ./js/).
 * Talks to Rasa over socket.io (channel "socketio", session persistence) and falls back to
 * Rasa's REST channel when socket.io cannot connect in time. Texts and labels come from the
 * message catalogue (GET /i18n/{style}.json); all text is inserted as text, never as HTML.
 */
import { el, setStatus } from "./js/dom.js";
import { handleBotMessage, renderSystem, renderUserText } from "./js/messages.js";
import { loadSessionId, newSessionId, storeSessionId } from "./js/session.js";
import { loadTexts, t } from "./js/text.js";

const state = {
  config: null,
  senderId: null,
  socket: null,
  transport: null, // Promise resolving to "socket", "rest" or null (no configuration)
  texts: null, // Promise: the catalogue texts are loaded (or could not be)
};

/* The page renders the structured payloads (cards, learning path) itself; it says so to the
   bot's channels, which then send the lead text + payload instead of the complete text form
   that other clients get (rendering/, docs/channels.md). */
const RICH = "page";

const actions = {
  send: (text, shownText) => sendMessage(text, shownText),
  deleteConversation: () => deleteConversation(),
};

function onBotMessage(message) {
  handleBotMessage(message, actions);
}

// ---------------------------------------------------------------- transport

/** Resolves to "socket" once Rasa confirmed the session, or "rest" after the timeout. */
function connect() {
  const config = state.config;
  return new Promise((resolve) => {
    if (typeof window.io !== "function") {
      resolve("rest");
      return;
    }
    let settled = false;
    const socket = window.io(config.rasaUrl, {
      path: config.socketPath,
      transports: ["websocket", "polling"],
      timeout: config.connectTimeoutMs,
    });
    const timer = window.setTimeout(() => {
      if (settled) return;
      settled = true;
      socket.close();
      resolve("rest");
    }, config.connectTimeoutMs);

    socket.on("connect", () => {
      setStatus("");
      socket.emit("session_request", { session_id: state.senderId, rich: RICH });
    });
    socket.on("session_confirm", () => {
      if (settled) return;
      settled = true;
      window.clearTimeout(timer);
      state.socket = socket;
      resolve("socket");
    });
    socket.on("disconnect", () => { if (state.socket) setStatus(t("reconnecting")); });
    socket.on("bot_uttered", onBotMessage);
  });
}

async function sendRest(text) {
  setStatus(t("answering"));
  try {
    const response = await fetch(`${state.config.rasaUrl}/webhooks/rest/webhook`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.senderId, message: text, rich: RICH }),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const messages = await response.json();
    setStatus("");
    (Array.isArray(messages) ? messages : []).forEach(onBotMessage);
  } catch (e) {
    setStatus("");
    renderSystem(t("unreachable"));
  }
}

async function sendMessage(text, shownText) {
  await state.texts;
  renderUserText(shownText || text);
  const transport = await state.transport;
  if (!transport) {
    renderSystem(t("unreachable"));
  } else if (transport === "socket") {
    state.socket.emit("user_uttered", { message: text, session_id: state.senderId });
  } else {
    await sendRest(text);
  }
}

// ---------------------------------------------------------------- deletion

async function deleteConversation() {
  try {
    const response = await fetch(`/api/conversations/${encodeURIComponent(state.senderId)}`, {
      method: "DELETE",
    });
    if (response.status !== 204) throw new Error(`HTTP ${response.status}`);
  } catch (e) {
    renderSystem(t("delete_failed"));
    return;
  }
  state.senderId = storeSessionId(newSessionId());
  if (state.socket) state.socket.emit("session_request", { session_id: state.senderId, rich: RICH });
  el.log.replaceChildren();
  renderSystem(t("deleted"));
}

// ---------------------------------------------------------------- start

function onSubmit(event) {
  event.preventDefault();
  const text = el.input.value.trim();
  if (!text) return;
  el.input.value = "";
  sendMessage(text);
}

async function start() {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  await state.texts;
  state.config = await response.json();
  return connect();
}

function init() {
  state.senderId = loadSessionId();
  state.texts = loadTexts(document.documentElement.lang || "de").catch(() => null);
  el.form.addEventListener("submit", onSubmit);
  el.deleteButton.addEventListener("click", deleteConversation);
  state.transport = start().catch(() => null);
  state.transport.then((transport) => {
    document.body.dataset.transport = transport || "none"; // for diagnostics and tests
  });
}

init();
