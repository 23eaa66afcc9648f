/* The learning_path payload as an ordered list of steps, who decides and sources. */
import { append, appendLink, create, createBreakable, factList, formatDate } from "./dom.js";
import { t } from "./text.js";

function renderPathOffer(offer) {
  const entry = create("li");
  appendLink(entry, offer.url, offer.title || t("offers"));
  const details = [offer.provider, offer.place || offer.municipality];
  if (offer.next_start) details.push(`${t("next_start")}: ${formatDate(offer.next_start)}`);
  if (offer.example_data === true) details.push(t("example_data"));
  entry.appendChild(document.createTextNode(` – ${details.filter(Boolean).join(", ")}`));
  return entry;
}

function renderPathStep(step) {
  const entry = create("li", "path__step");
  const heading = createBreakable("h4", null, `${t("step")} ${step.number}: ${step.title || ""}`);
  if (step.optional === true) heading.appendChild(document.createTextNode(` ${t("optional")}`));
  entry.appendChild(heading);

  const funding = (Array.isArray(step.funding) ? step.funding : []).map((f) => f && f.label).filter(Boolean);
  const types = Array.isArray(step.course_types) ? step.course_types.filter(Boolean) : [];
  entry.appendChild(factList("path__facts", [
    [t("course_type"), types.join(t("or"))],
    [t("duration"), step.duration],
    [t("dqr"), step.dqr],
    [t("funding"), funding.length ? funding.join("; ") : t("no_funding")],
  ]));
  if (step.note) entry.appendChild(create("p", "path__note", step.note));

  const offers = (Array.isArray(step.offers) ? step.offers : []).filter((o) => o && typeof o === "object");
  if (offers.length) {
    entry.appendChild(create("p", "path__offers-title", t("path_offers")));
    const list = create("ul", "path__offers");
    offers.forEach((offer) => list.appendChild(renderPathOffer(offer)));
    const more = Number(step.more_offers);
    if (more > 0) list.appendChild(create("li", null, t("more_offers", { count: more })));
    entry.appendChild(list);
  } else if (step.no_offer_note) {
    entry.appendChild(create("p", "path__note", step.no_offer_note));
  }
  return entry;
}

function sourceStand(entry, stand) {
  if (stand) entry.appendChild(document.createTextNode(` (${t("stand")}: ${formatDate(stand)})`));
}

function renderFunding(section, path) {
  const funding = (Array.isArray(path.funding) ? path.funding : []).filter((f) => f && f.label);
  if (!funding.length) return;
  section.appendChild(create("h4", null, t("decides")));
  const list = create("ul", "path__funding");
  funding.forEach((note) => {
    const entry = create("li");
    entry.appendChild(create("strong", null, `${note.label}: `));
    entry.appendChild(document.createTextNode(`${note.office || ""} `));
    (Array.isArray(note.sources) ? note.sources : []).forEach((src, index) => {
      if (index) entry.appendChild(document.createTextNode("; "));
      appendLink(entry, src.url, `${t("source")} ${index + 1}`, `: ${src.url}${t("new_window")}`);
      sourceStand(entry, src.stand);
    });
    list.appendChild(entry);
  });
  section.appendChild(list);
}

function renderSources(section, path) {
  const sources = (Array.isArray(path.sources) ? path.sources : []).filter((s) => s && s.url);
  if (!sources.length) return;
  section.appendChild(create("h4", null, t("sources")));
  const list = create("ul", "path__sources");
  sources.forEach((src) => {
    const entry = create("li");
    appendLink(entry, src.url, src.title || src.url);
    sourceStand(entry, src.stand);
    list.appendChild(entry);
  });
  section.appendChild(list);
}

/** Renders a learning path: summary, an ordered list of steps, who decides, sources. */
export function renderLearningPath(path) {
  const section = create("section", "path");
  const title = path.title || t("path");
  section.setAttribute("aria-label", `${t("path")}: ${title}`);
  section.appendChild(createBreakable("h3", null, `${t("path")}: ${title}`));
  if (path.summary) section.appendChild(create("p", null, path.summary));
  section.appendChild(factList("path__facts path__meta", [
    [t("path_start"), path.start], [t("path_target"), path.target], [t("path_total"), path.total],
  ]));

  const steps = create("ol", "path__steps");
  steps.setAttribute("aria-label", t("path_steps"));
  (Array.isArray(path.steps) ? path.steps : []).forEach((step) => {
    if (step && typeof step === "object") steps.appendChild(renderPathStep(step));
  });
  section.appendChild(steps);
  renderFunding(section, path);
  renderSources(section, path);
  if (path.disclaimer) section.appendChild(create("p", "path__disclaimer", path.disclaimer));
  append(section);
}
