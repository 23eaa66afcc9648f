/*
 * Bildungslotse chat page.
 * Talks to Rasa over socket.io (channel "socketio", session persistence) and falls back to
 * Rasa's REST channel when socket.io cannot connect in time. All text – the user's and the
 * bot's – is inserted with textContent / text nodes, never as HTML.
 */
(function () {
  "use strict";

  const SESSION_KEY = "bildungslotse.sessionId";
  const PAYLOAD_TYPES = ["recommendations", "learning_path", "delete_conversation"];
  const TEXT = {
    you: "Sie: ",
    bot: "Bildungslotse: ",
    choices: "Antwortmöglichkeiten",
    offers: "Passende Angebote",
    provider: "Anbieter",
    place: "Ort",
    format: "Format",
    timeModel: "Zeitmodell",
    nextStart: "Nächster Start",
    reasons: "Warum dieses Angebot passt:",
    shortage: "Engpassberuf – Fachkräfte gesucht",
    link: "Zum Angebot",
    newWindow: " (öffnet in einem neuen Fenster)",
    online: "online (ortsunabhängig)",
    notGiven: "nicht angegeben",
    answering: "Der Assistent antwortet …",
    reconnecting: "Verbindung unterbrochen – sie wird wiederhergestellt …",
    unreachable: "Der Assistent ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal.",
    deleted: "Ihr Gespräch und Ihre Angaben wurden gelöscht. Sie können jederzeit ein neues Gespräch beginnen.",
    path: "Lernweg",
    pathStart: "Ausgangspunkt",
    pathTarget: "Ziel",
    pathTotal: "Dauer insgesamt",
    pathSteps: "Schritte des Lernwegs",
    step: "Schritt",
    optional: "(optional, später)",
    courseType: "Art",
    duration: "Dauer",
    dqr: "Qualifikationsniveau",
    funding: "Förderung möglich",
    noFunding: "keine Förderung angegeben",
    pathOffers: "Passende Angebote im Katalog:",
    moreOffers: (n) => `und ${n} weitere im Katalog`,
    decides: "Wer über die Förderung entscheidet",
    sources: "Quellen",
    source: "Quelle",
    stand: "Stand",
    exampleData: "Beispieldaten",
    deleteFailed: "Das Gespräch konnte gerade nicht gelöscht werden. Bitte versuchen Sie es später noch einmal.",
  };

  const el = {
    conversation: document.getElementById("conversation"),
    log: document.getElementById("log"),
    status: document.getElementById("status"),
    form: document.getElementById("composer"),
    input: document.getElementById("message"),
    deleteButton: document.getElementById("delete-button"),
  };

  const state = {
    config: null,
    senderId: null,
    socket: null,
    transport: null, // Promise resolving to "socket", "rest" or null (no configuration)
  };

  // ---------------------------------------------------------------- session id

  /** 128 random bits as 32 lowercase hex digits (the only form Rasa's channels accept). */
  function newSessionId() {
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function loadSessionId() {
    try {
      const stored = window.sessionStorage.getItem(SESSION_KEY);
      if (stored && /^[0-9a-f]{32}$/.test(stored)) return stored;
    } catch (e) { /* storage blocked: use a fresh id */ }
    return storeSessionId(newSessionId());
  }

  function storeSessionId(id) {
    try { window.sessionStorage.setItem(SESSION_KEY, id); } catch (e) { /* ignore */ }
    return id;
  }

  // ---------------------------------------------------------------- rendering

  function create(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function hidden(text) {
    return create("span", "visually-hidden", text);
  }

  function append(node) {
    el.log.appendChild(node);
    el.conversation.scrollTop = el.conversation.scrollHeight;
  }

  function setStatus(text) {
    el.status.textContent = text || "";
  }

  /** Appends text to a node, turning http(s) URLs into links (built as elements, not HTML). */
  function appendLinkified(node, text) {
    const pattern = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g;
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      node.appendChild(document.createTextNode(text.slice(last, match.index)));
      const link = create("a", null, match[0]);
      link.href = match[0];
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      node.appendChild(link);
      last = match.index + match[0].length;
    }
    node.appendChild(document.createTextNode(text.slice(last)));
  }

  function renderUserText(text) {
    const bubble = create("p", "message message--user");
    bubble.appendChild(hidden(TEXT.you));
    bubble.appendChild(document.createTextNode(text));
    append(bubble);
  }

  function renderBotText(text) {
    const bubble = create("p", "message message--bot");
    bubble.appendChild(hidden(TEXT.bot));
    appendLinkified(bubble, String(text));
    append(bubble);
  }

  function renderSystem(text) {
    append(create("p", "message message--system", text));
  }

  function renderChoices(buttons) {
    const group = create("div", "choices");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", TEXT.choices);
    buttons.forEach((choice) => {
      if (!choice || !choice.title) return;
      const button = create("button", "button button--secondary", choice.title);
      button.type = "button";
      button.addEventListener("click", () => {
        group.querySelectorAll("button").forEach((b) => { b.disabled = true; });
        el.input.focus();
        sendMessage(String(choice.payload || choice.title), String(choice.title));
      });
      group.appendChild(button);
    });
    if (group.childElementCount) append(group);
  }

  function label(kind, value) {
    const labels = (state.config && state.config.labels && state.config.labels[kind]) || {};
    return labels[value] || value;
  }

  function formatDate(value) {
    const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value || ""));
    return match ? `${match[3]}.${match[2]}.${match[1]}` : value;
  }

  function safeUrl(value) {
    try {
      const url = new URL(String(value), window.location.href);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function renderCard(item) {
    const card = create("article", "card");
    card.appendChild(create("h3", null, item.title || TEXT.offers));
    if (item.shortage_occupation === true) card.appendChild(create("p", "card__badge", TEXT.shortage));

    const facts = create("dl", "card__facts");
    const place = item.municipality === "online" ? TEXT.online : item.municipality;
    [
      [TEXT.provider, item.provider],
      [TEXT.place, place],
      [TEXT.format, item.format && label("format", item.format)],
      [TEXT.timeModel, item.time_model && label("time_model", item.time_model)],
      [TEXT.nextStart, item.next_start ? formatDate(item.next_start) : TEXT.notGiven],
    ].forEach(([term, value]) => {
      if (!value) return;
      facts.appendChild(create("dt", null, term));
      facts.appendChild(create("dd", null, value));
    });
    card.appendChild(facts);

    const reasons = (Array.isArray(item.reasons) ? item.reasons : []).filter((r) => r && r.text);
    if (reasons.length) {
      card.appendChild(create("p", "card__reasons-title", TEXT.reasons));
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
      const link = create("a", "card__link", TEXT.link);
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.appendChild(hidden(`: ${item.title || ""}${TEXT.newWindow}`));
      card.appendChild(link);
    }
    return card;
  }

  function renderRecommendations(items) {
    const list = create("ul", "cards");
    list.setAttribute("aria-label", TEXT.offers);
    items.forEach((item) => {
      if (!item || typeof item !== "object") return;
      const entry = create("li");
      entry.appendChild(renderCard(item));
      list.appendChild(entry);
    });
    if (list.childElementCount) append(list);
  }

  function appendLink(parent, href, text, hiddenSuffix) {
    const safe = safeUrl(href);
    if (!safe) {
      parent.appendChild(document.createTextNode(text));
      return;
    }
    const link = create("a", null, text);
    link.href = safe;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.appendChild(hidden(hiddenSuffix || TEXT.newWindow));
    parent.appendChild(link);
  }

  function renderPathOffer(offer) {
    const entry = create("li");
    appendLink(entry, offer.url, offer.title || TEXT.offers);
    const details = [offer.provider, offer.place || offer.municipality];
    if (offer.next_start) details.push(`${TEXT.nextStart}: ${formatDate(offer.next_start)}`);
    if (offer.example_data === true) details.push(TEXT.exampleData);
    entry.appendChild(document.createTextNode(` – ${details.filter(Boolean).join(", ")}`));
    return entry;
  }

  function renderPathStep(step) {
    const entry = create("li", "path__step");
    const heading = create("h4", null, `${TEXT.step} ${step.number}: ${step.title || ""}`);
    if (step.optional === true) heading.appendChild(document.createTextNode(` ${TEXT.optional}`));
    entry.appendChild(heading);

    const facts = create("dl", "path__facts");
    const funding = (Array.isArray(step.funding) ? step.funding : []).map((f) => f && f.label).filter(Boolean);
    const types = Array.isArray(step.course_types) ? step.course_types.filter(Boolean) : [];
    [
      [TEXT.courseType, types.join(" oder ")],
      [TEXT.duration, step.duration],
      [TEXT.dqr, step.dqr],
      [TEXT.funding, funding.length ? funding.join("; ") : TEXT.noFunding],
    ].forEach(([term, value]) => {
      if (!value) return;
      facts.appendChild(create("dt", null, term));
      facts.appendChild(create("dd", null, value));
    });
    entry.appendChild(facts);
    if (step.note) entry.appendChild(create("p", "path__note", step.note));

    const offers = (Array.isArray(step.offers) ? step.offers : []).filter((o) => o && typeof o === "object");
    if (offers.length) {
      entry.appendChild(create("p", "path__offers-title", TEXT.pathOffers));
      const list = create("ul", "path__offers");
      offers.forEach((offer) => list.appendChild(renderPathOffer(offer)));
      if (Number(step.more_offers) > 0) list.appendChild(create("li", null, TEXT.moreOffers(Number(step.more_offers))));
      entry.appendChild(list);
    } else if (step.no_offer_note) {
      entry.appendChild(create("p", "path__note", step.no_offer_note));
    }
    return entry;
  }

  /** Renders a learning path: summary, an ordered list of steps, who decides, sources. */
  function renderLearningPath(path) {
    const section = create("section", "path");
    const title = path.title || TEXT.path;
    section.setAttribute("aria-label", `${TEXT.path}: ${title}`);
    section.appendChild(create("h3", null, `${TEXT.path}: ${title}`));
    if (path.summary) section.appendChild(create("p", null, path.summary));

    const meta = create("dl", "path__facts path__meta");
    [[TEXT.pathStart, path.start], [TEXT.pathTarget, path.target], [TEXT.pathTotal, path.total]]
      .forEach(([term, value]) => {
        if (!value) return;
        meta.appendChild(create("dt", null, term));
        meta.appendChild(create("dd", null, value));
      });
    section.appendChild(meta);

    const steps = create("ol", "path__steps");
    steps.setAttribute("aria-label", TEXT.pathSteps);
    (Array.isArray(path.steps) ? path.steps : []).forEach((step) => {
      if (step && typeof step === "object") steps.appendChild(renderPathStep(step));
    });
    section.appendChild(steps);

    const funding = (Array.isArray(path.funding) ? path.funding : []).filter((f) => f && f.label);
    if (funding.length) {
      section.appendChild(create("h4", null, TEXT.decides));
      const list = create("ul", "path__funding");
      funding.forEach((note) => {
        const entry = create("li");
        entry.appendChild(create("strong", null, `${note.label}: `));
        entry.appendChild(document.createTextNode(`${note.office || ""} `));
        (Array.isArray(note.sources) ? note.sources : []).forEach((src, index) => {
          if (index) entry.appendChild(document.createTextNode("; "));
          appendLink(entry, src.url, `${TEXT.source} ${index + 1}`, `: ${src.url}${TEXT.newWindow}`);
          if (src.stand) entry.appendChild(document.createTextNode(` (${TEXT.stand}: ${formatDate(src.stand)})`));
        });
        list.appendChild(entry);
      });
      section.appendChild(list);
    }

    const sources = (Array.isArray(path.sources) ? path.sources : []).filter((s) => s && s.url);
    if (sources.length) {
      section.appendChild(create("h4", null, TEXT.sources));
      const list = create("ul", "path__sources");
      sources.forEach((src) => {
        const entry = create("li");
        appendLink(entry, src.url, src.title || src.url);
        if (src.stand) entry.appendChild(document.createTextNode(` (${TEXT.stand}: ${formatDate(src.stand)})`));
        list.appendChild(entry);
      });
      section.appendChild(list);
    }
    if (path.disclaimer) section.appendChild(create("p", "path__disclaimer", path.disclaimer));
    append(section);
  }

  /**
   * Finds a structured payload ({type: ...}) in a bot message. Rasa delivers it as "custom"
   * (REST), as "attachment" (socket.io), or – for custom JSON of the form {"data": {...}} on
   * socket.io – as the message itself.
   */
  function findPayload(message) {
    const custom = message.custom;
    const attachment = message.attachment;
    const candidates = [
      custom, custom && custom.data, custom && custom.payload,
      attachment, attachment && attachment.payload, message,
    ];
    return candidates.find((c) => c && typeof c === "object" && typeof c.type === "string"
      && PAYLOAD_TYPES.includes(c.type)) || null;
  }

  function handleBotMessage(message) {
    if (!message || typeof message !== "object") return;
    setStatus("");
    if (typeof message.text === "string" && message.text.trim()) renderBotText(message.text);
    const buttons = message.quick_replies || message.buttons;
    if (Array.isArray(buttons) && buttons.length) renderChoices(buttons);
    const payload = findPayload(message);
    if (!payload) return; // unknown structured content is never shown raw
    if (payload.type === "recommendations" && Array.isArray(payload.items)) {
      renderRecommendations(payload.items);
    } else if (payload.type === "learning_path" && Array.isArray(payload.steps)) {
      renderLearningPath(payload);
    } else if (payload.type === "delete_conversation") {
      deleteConversation();
    }
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
        socket.emit("session_request", { session_id: state.senderId });
      });
      socket.on("session_confirm", () => {
        if (settled) return;
        settled = true;
        window.clearTimeout(timer);
        state.socket = socket;
        resolve("socket");
      });
      socket.on("disconnect", () => { if (state.socket) setStatus(TEXT.reconnecting); });
      socket.on("bot_uttered", handleBotMessage);
    });
  }

  async function sendRest(text) {
    setStatus(TEXT.answering);
    try {
      const response = await fetch(`${state.config.rasaUrl}/webhooks/rest/webhook`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: state.senderId, message: text }),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const messages = await response.json();
      setStatus("");
      (Array.isArray(messages) ? messages : []).forEach(handleBotMessage);
    } catch (e) {
      setStatus("");
      renderSystem(TEXT.unreachable);
    }
  }

  async function sendMessage(text, shownText) {
    renderUserText(shownText || text);
    const transport = await state.transport;
    if (!transport) {
      renderSystem(TEXT.unreachable);
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
      renderSystem(TEXT.deleteFailed);
      return;
    }
    state.senderId = storeSessionId(newSessionId());
    if (state.socket) state.socket.emit("session_request", { session_id: state.senderId });
    el.log.replaceChildren();
    renderSystem(TEXT.deleted);
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
    state.config = await response.json();
    return connect();
  }

  function init() {
    state.senderId = loadSessionId();
    el.form.addEventListener("submit", onSubmit);
    el.deleteButton.addEventListener("click", deleteConversation);
    state.transport = start().catch(() => null);
    state.transport.then((transport) => {
      document.body.dataset.transport = transport || "none"; // for diagnostics and tests
    });
  }

  init();
})();
