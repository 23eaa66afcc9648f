/*
 * The page's texts and labels: loaded from the message catalogue of the server
 * (GET /i18n/{style}.json, the same .po catalogue the bot uses, see i18n/).
 */
const texts = { text: {}, labels: {} };

/** Loads the catalogue of the page's language (<html lang>; "de" = formal German). */
export async function loadTexts(style) {
  const response = await fetch(`/i18n/${encodeURIComponent(style)}.json`, { cache: "no-store" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const body = await response.json();
  texts.text = body.text || {};
  texts.labels = body.labels || {};
}

/** The text `key`, its {placeholders} filled from `params`; the key itself if unknown. */
export function t(key, params) {
  const template = Object.prototype.hasOwnProperty.call(texts.text, key) ? texts.text[key] : key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

/** Readable label of a canonical format / time model value. */
export function label(kind, value) {
  const labels = texts.labels[kind] || {};
  return labels[value] || value;
}
