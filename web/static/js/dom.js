/*
 * Element helpers. All text – the user's and the bot's – is inserted with textContent / text
 * nodes, never as HTML.
 */
import { t } from "./text.js";

export const el = {
  conversation: document.getElementById("conversation"),
  log: document.getElementById("log"),
  status: document.getElementById("status"),
  form: document.getElementById("composer"),
  input: document.getElementById("message"),
  deleteButton: document.getElementById("delete-button"),
};

export function create(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/**
 * Text with a line-break opportunity (<wbr>) after every slash, so that narrow screens break
 * "Pflegefachfrau/Pflegefachmann" or a URL at the slash rather than inside a word.
 */
export function breakable(text) {
  const fragment = document.createDocumentFragment();
  const parts = String(text).split("/");
  parts.forEach((part, index) => {
    const last = index === parts.length - 1;
    fragment.appendChild(document.createTextNode(last ? part : `${part}/`));
    if (!last && parts[index + 1]) fragment.appendChild(document.createElement("wbr")); // not inside "//"
  });
  return fragment;
}

/** An element whose text may break after slashes (see breakable). */
export function createBreakable(tag, className, text) {
  const node = create(tag, className);
  node.appendChild(breakable(text));
  return node;
}

export function hidden(text) {
  return create("span", "visually-hidden", text);
}

export function append(node) {
  el.log.appendChild(node);
  el.conversation.scrollTop = el.conversation.scrollHeight;
  // on short viewports the page itself scrolls (styles.css); elsewhere it has nothing to scroll
  const page = document.scrollingElement;
  if (page) page.scrollTop = page.scrollHeight;
}

export function setStatus(text) {
  el.status.textContent = text || "";
}

export function safeUrl(value) {
  try {
    const url = new URL(String(value), window.location.href);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch (e) {
    return null;
  }
}

export function formatDate(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value || ""));
  return match ? `${match[3]}.${match[2]}.${match[1]}` : value;
}

/** Appends text to a node, turning http(s) URLs into links (built as elements, not HTML). */
export function appendLinkified(node, text) {
  const pattern = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    node.appendChild(document.createTextNode(text.slice(last, match.index)));
    const link = createBreakable("a", null, match[0]);
    link.href = match[0];
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    node.appendChild(link);
    last = match.index + match[0].length;
  }
  node.appendChild(document.createTextNode(text.slice(last)));
}

export function appendLink(parent, href, text, hiddenSuffix) {
  const safe = safeUrl(href);
  if (!safe) {
    parent.appendChild(document.createTextNode(text));
    return;
  }
  const link = createBreakable("a", null, text);
  link.href = safe;
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  link.appendChild(hidden(hiddenSuffix || t("new_window")));
  parent.appendChild(link);
}

/** A <dl> of [term, value] pairs (pairs without value are left out). */
export function factList(className, pairs) {
  const facts = create("dl", className);
  pairs.forEach(([term, value]) => {
    if (!value) return;
    facts.appendChild(create("dt", null, term));
    facts.appendChild(create("dd", null, value));
  });
  return facts;
}
