/* The recommendations payload as offer cards. */
import {
  append, appendLinkified, create, createBreakable, factList, formatDate, hidden, safeUrl,
} from "./dom.js";
import { label, t } from "./text.js";

export function renderCard(item) {
  const card = create("article", "card");
  card.appendChild(createBreakable("h3", null, item.title || t("offers")));
  if (item.shortage_occupation === true) card.appendChild(create("p", "card__badge", t("shortage")));

  const place = item.municipality === "online" ? t("online") : item.municipality;
  card.appendChild(factList("card__facts", [
    [t("provider"), item.provider],
    [t("place"), place],
    [t("format"), item.format && label("format", item.format)],
    [t("time_model"), item.time_model && label("time_model", item.time_model)],
    [t("next_start"), item.next_start ? formatDate(item.next_start) : t("not_given")],
  ]));

  const reasons = (Array.isArray(item.reasons) ? item.reasons : []).filter((r) => r && r.text);
  if (reasons.length) {
    card.appendChild(create("p", "card__reasons-title", t("reasons")));
    const list = create("ul", "card__reasons");
    reasons.forEach((reason) => {
      const entry = create("li");
      appendLinkified(entry, String(reason.text)); // reasons may cite a source URL
      list.appendChild(entry);
    });
    card.appendChild(list);
  }

  const href = safeUrl(item.url);
  if (href) {
    const link = create("a", "card__link", t("link"));
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.appendChild(hidden(`: ${item.title || ""}${t("new_window")}`));
    card.appendChild(link);
  }
  return card;
}

export function renderRecommendations(items) {
  const list = create("ul", "cards");
  list.setAttribute("aria-label", t("offers"));
  items.forEach((item) => {
    if (!item || typeof item !== "object") return;
    const entry = create("li");
    entry.appendChild(renderCard(item));
    list.appendChild(entry);
  });
  if (list.childElementCount) append(list);
}
