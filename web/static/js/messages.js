/* Chat bubbles, answer buttons and the structured payloads inside bot messages. */
import { renderRecommendations } from "./cards.js";
import { append, appendLinkified, create, el, hidden, setStatus } from "./dom.js";
import { renderLearningPath } from "./path.js";
import { t } from "./text.js";

const PAYLOAD_TYPES = ["recommendations", "learning_path", "delete_conversation"];

export function renderUserText(text) {
  const bubble = create("p", "message message--user");
  bubble.appendChild(hidden(t("you")));
  bubble.appendChild(document.createTextNode(text));
  append(bubble);
}

export function renderBotText(text) {
  const bubble = create("p", "message message--bot");
  bubble.appendChild(hidden(t("bot")));
  appendLinkified(bubble, String(text));
  append(bubble);
}

export function renderSystem(text) {
  append(create("p", "message message--system", text));
}

/** Answer buttons; `onChoose(payload, title)` sends the choice. */
export function renderChoices(buttons, onChoose) {
  const group = create("div", "choices");
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", t("choices"));
  buttons.forEach((choice) => {
    if (!choice || !choice.title) return;
    const button = create("button", "button button--secondary", choice.title);
    button.type = "button";
    button.addEventListener("click", () => {
      group.querySelectorAll("button").forEach((b) => { b.disabled = true; });
      el.input.focus();
      onChoose(String(choice.payload || choice.title), String(choice.title));
    });
    group.appendChild(button);
  });
  if (group.childElementCount) append(group);
}

/**
 * Finds a structured payload ({type: ...}) in a bot message. The bot's channels send it as
 * "custom" next to the lead text (socket.io and REST, once the page declared "rich": "page");
 * "custom.data", "attachment" and the message itself are the shapes of older Rasa channels.
 */
export function findPayload(message) {
  const custom = message.custom;
  const attachment = message.attachment;
  const candidates = [
    custom, custom && custom.data, custom && custom.payload,
    attachment, attachment && attachment.payload, message,
  ];
  return candidates.find((c) => c && typeof c === "object" && typeof c.type === "string"
    && PAYLOAD_TYPES.includes(c.type)) || null;
}

/** Shows one bot message; `actions` = {send(payload, title), deleteConversation()}. */
export function handleBotMessage(message, actions) {
  if (!message || typeof message !== "object") return;
  setStatus("");
  if (typeof message.text === "string" && message.text.trim()) renderBotText(message.text);
  const buttons = message.quick_replies || message.buttons;
  if (Array.isArray(buttons) && buttons.length) renderChoices(buttons, actions.send);
  const payload = findPayload(message);
  if (!payload) return; // unknown structured content is never shown raw
  if (payload.type === "recommendations" && Array.isArray(payload.items)) {
    renderRecommendations(payload.items);
  } else if (payload.type === "learning_path" && Array.isArray(payload.steps)) {
    renderLearningPath(payload);
  } else if (payload.type === "delete_conversation") {
    actions.deleteConversation();
  }
}
