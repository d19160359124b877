// The editors' desk: submit an article's versions, review and correct how they were aligned,
// see what the memory covers, publish. Talks to tetraglot's own API; no build step.

const LANGS = ["en", "hy", "az", "ru"];
const $ = (id) => document.getElementById(id);
const state = { ui: "en", messages: {}, article: null, beads: [], lang: null };

function t(id, fallback) {
  return state.messages[id] ?? fallback ?? "";
}

async function loadMessages(lang) {
  const response = await fetch(`/v1/l10n/${lang}/messages.json`, { headers: authHeaders() });
  if (!response.ok) return;
  const doc = await response.json();
  state.messages = doc.messages || {};
  state.ui = lang;
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-l10n]")) {
    const text = state.messages[el.dataset.l10n];
    if (text) el.textContent = text;
  }
}

function authHeaders() {
  const key = $("api-key").value.trim();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

function say(text) {
  $("status").textContent = text;
}

function fail(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = false;
  say("");
}

async function api(method, path, body, accept) {
  $("error").hidden = true;
  const headers = { "Accept-Language": state.ui, ...authHeaders() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (accept) headers.Accept = accept;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!response.ok) {
    const message = data && data.error ? data.error.message : `${response.status}`;
    throw new Error(message);
  }
  return data;
}

// The tabs follow WAI-ARIA's tabs pattern: the selected tab alone is in the Tab order, and
// the arrow keys, Home and End move between tabs (and select them).
function showTab(name) {
  for (const button of document.querySelectorAll(".tabs button")) {
    const selected = button.dataset.tab === name;
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
  }
  for (const section of document.querySelectorAll("main > section")) {
    section.hidden = section.id !== `tab-${name}`;
  }
}

function versionFields() {
  const box = $("versions");
  for (const lang of LANGS) {
    const set = document.createElement("fieldset");
    set.innerHTML = `<legend>${lang}</legend>
      <label for="v-${lang}-title" data-l10n="desk-version-title">Title</label>
      <input id="v-${lang}-title">
      <label for="v-${lang}-lead" data-l10n="desk-version-lead">Lead</label>
      <input id="v-${lang}-lead">
      <label for="v-${lang}-body" data-l10n="desk-version-body">Text or HTML</label>
      <textarea id="v-${lang}-body"></textarea>`;
    box.appendChild(set);
  }
}

function articleFromForm() {
  const value = (id) => $(id).value.trim();
  const article = {
    id: value("f-id"),
    source: value("f-source"),
    versions: {},
  };
  for (const field of ["outlet", "section", "published"]) {
    if (value(`f-${field}`)) article[field] = value(`f-${field}`);
  }
  const authors = value("f-authors");
  if (authors) article.authors = authors.split(",").map((a) => a.trim()).filter(Boolean);
  for (const lang of LANGS) {
    const title = value(`v-${lang}-title`);
    const body = $(`v-${lang}-body`).value;
    if (!title && !body.trim()) continue;
    const version = { title };
    const lead = value(`v-${lang}-lead`);
    if (lead) version.lead = lead;
    if (body.trim().startsWith("<")) version.html = body; else version.body = body;
    article.versions[lang] = version;
  }
  return article;
}

async function submitArticle(event) {
  event.preventDefault();
  say(t("desk-working", "Aligning…"));
  try {
    const saved = await api("POST", "/v1/articles", articleFromForm());
    say(t("desk-saved", "Saved and aligned."));
    await openArticle(saved.id);
    showTab("review");
  } catch (error) {
    // The form keeps everything typed: only the message changes.
    fail(error.message);
  }
}

async function openArticle(id) {
  state.article = await api("GET", `/v1/articles/${encodeURIComponent(id)}`);
  const targets = Object.keys(state.article.versions).filter(
    (tag) => state.article.versions[tag].alignment,
  );
  const select = $("review-lang");
  select.innerHTML = "";
  for (const tag of targets) select.add(new Option(tag, tag));
  if (targets.length) selectTarget(targets[0]);
  const langs = $("publish-langs");
  langs.querySelectorAll("label").forEach((l) => l.remove());
  for (const tag of Object.keys(state.article.versions)) {
    const label = document.createElement("label");
    label.innerHTML = `<input type="checkbox" value="${tag}" checked> ${tag}`;
    langs.appendChild(label);
  }
  location.hash = `article=${encodeURIComponent(id)}`;
}

function selectTarget(tag) {
  state.lang = tag;
  $("review-lang").value = tag;
  const alignment = state.article.versions[tag].alignment;
  state.beads = alignment.map((b) => ({ ...b, source: [...b.source], target: [...b.target] }));
  renderBeads();
}

function confidenceClass(c) {
  return c >= 0.75 ? "high" : c >= 0.5 ? "mid" : "low";
}

function renderBeads() {
  const source = state.article.versions[state.article.source].sentences;
  const target = state.article.versions[state.lang].sentences;
  const body = $("beads").querySelector("tbody");
  body.innerHTML = "";
  let order = state.beads.map((_, k) => k);
  if ($("review-first").checked) {
    order = [...order.filter((k) => state.beads[k].review), ...order.filter((k) => !state.beads[k].review)];
  }
  for (const k of order) {
    const bead = state.beads[k];
    const row = body.insertRow();
    row.className = `${confidenceClass(bead.confidence)}${bead.review ? " review" : ""}`;
    row.dataset.bead = k;
    row.insertCell().textContent = String(k + 1);
    row.insertCell().textContent = bead.source.map((i) => source[i].text).join(" ");
    row.insertCell().textContent = bead.target.map((j) => target[j].text).join(" ");
    const conf = row.insertCell();
    conf.className = "conf";
    conf.textContent = `${Math.round(bead.confidence * 100)}%${bead.state === "confirmed" ? " ✓" : ""}`;
    const actions = row.insertCell();
    actions.className = "actions";
    const action = (id, fallback, run, enabled) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = t(id, fallback);
      button.dataset.action = id;
      button.disabled = !enabled;
      button.addEventListener("click", () => {
        run(k);
        renderBeads();
        refocus(k, id);
      });
      actions.appendChild(button);
    };
    action("desk-merge", "Merge with next", mergeNext, k + 1 < state.beads.length);
    action("desk-split", "Split", split, bead.source.length + bead.target.length > 2);
    const last = k + 1 < state.beads.length;
    action("desk-move-down", "Last translation sentence to next", (k) => move("target", k, 1), bead.target.length > 0 && last);
    action("desk-move-up", "First translation sentence to previous", (k) => move("target", k, -1), bead.target.length > 0 && k > 0);
    action("desk-source-down", "Last source sentence to next", (k) => move("source", k, 1), bead.source.length > 0 && last);
    action("desk-source-up", "First source sentence to previous", (k) => move("source", k, -1), bead.source.length > 0 && k > 0);
  }
}

function edited(bead) {
  bead.state = "confirmed";
  bead.review = false;
  bead.confidence = 1;
}

function mergeNext(k) {
  const [a, b] = [state.beads[k], state.beads[k + 1]];
  a.source.push(...b.source);
  a.target.push(...b.target);
  state.beads.splice(k + 1, 1);
  edited(a);
}

function split(k) {
  const bead = state.beads[k];
  const first = { source: bead.source.slice(0, 1), target: bead.target.slice(0, 1) };
  const rest = { source: bead.source.slice(1), target: bead.target.slice(1) };
  edited(first);
  edited(rest);
  state.beads.splice(k, 1, first, rest);
}

// Moves the last sentence of bead k's `side` to the start of the next bead (dir 1), or its
// first to the end of the previous one (dir -1): reading order is kept on both sides.
function move(side, k, dir) {
  const [from, to] = [state.beads[k], state.beads[k + dir]];
  if (dir > 0) to[side].unshift(from[side].pop());
  else to[side].push(from[side].shift());
  edited(from);
  edited(to);
  if (!from.source.length && !from.target.length) state.beads.splice(k, 1);
}

// A keyboard user keeps their place after an action redraws the table: the focus goes back
// to the same action in the bead now at k, or to another of that bead's actions where that
// one no longer applies (a split bead cannot be split again), or to the nearest bead that
// still offers it.
function refocus(k, action) {
  const rows = [...document.querySelectorAll("#beads tbody tr")];
  const same = (row) => row.querySelector(`button[data-action='${action}']:not(:disabled)`);
  const here = rows.find((row) => Number(row.dataset.bead) === k);
  const near = (row) => Math.abs(Number(row.dataset.bead) - k);
  const button = (here && (same(here) || here.querySelector("button:not(:disabled)")))
    || rows.sort((a, b) => near(a) - near(b)).map(same).find(Boolean);
  (button || $("confirm")).focus();
}

async function confirmBeads() {
  say(t("desk-working", "Aligning…"));
  try {
    const beads = state.beads
      .filter((b) => b.source.length || b.target.length)
      .map((b) => ({ source: b.source, target: b.target }));
    await api("PUT", `/v1/articles/${encodeURIComponent(state.article.id)}/alignment/${state.lang}`, { beads });
    const lang = state.lang;
    await openArticle(state.article.id);
    selectTarget(lang);
    say(t("desk-confirmed", "The alignment is confirmed."));
  } catch (error) {
    fail(error.message);
  }
}

async function analyse() {
  if (!state.article) return;
  say(t("desk-working", "Working…"));
  try {
    const targets = Object.keys(state.article.versions).filter((tag) => tag !== state.article.source);
    const report = await api("POST", "/v1/analysis", { article: state.article.id, targets });
    const box = $("coverage");
    box.innerHTML = "";
    for (const [tag, target] of Object.entries(report.targets)) {
      const heading = document.createElement("h3");
      heading.textContent = tag;
      box.appendChild(heading);
      const chart = document.createElement("div");
      chart.className = "bar-chart";
      chart.setAttribute("role", "img");
      chart.setAttribute("aria-label", target.bands.map((b) => `${b.band}: ${b.percent_words}%`).join(", "));
      for (const band of target.bands) {
        const part = document.createElement("span");
        part.className = `band-${band.band}`;
        part.style.width = `${band.percent_words}%`;
        part.title = `${band.band}: ${band.percent_words}%`;
        chart.appendChild(part);
      }
      box.appendChild(chart);
      const table = document.createElement("table");
      table.className = "bands";
      table.innerHTML = `<thead><tr><th scope="col">${t("desk-band", "Band")}</th><th scope="col">${t("desk-segments", "Segments")}</th><th scope="col">${t("desk-words", "Words")}</th><th scope="col">%</th></tr></thead>`;
      const rows = table.createTBody();
      for (const band of target.bands) {
        const row = rows.insertRow();
        row.insertCell().innerHTML = `<span class="legend"><span class="band-${band.band}"></span></span>${band.band}`;
        row.insertCell().textContent = band.segments;
        row.insertCell().textContent = band.words;
        row.insertCell().textContent = band.percent_words;
      }
      box.appendChild(table);
    }
    say("");
  } catch (error) {
    fail(error.message);
  }
}

async function publish() {
  if (!state.article) return;
  const langs = [...$("publish-langs").querySelectorAll("input:checked")].map((i) => i.value);
  try {
    await api("POST", `/v1/articles/${encodeURIComponent(state.article.id)}/publish`, { langs });
    const list = $("edition-links");
    list.innerHTML = "";
    for (const tag of langs) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `/editions/${encodeURIComponent(state.article.id)}/${tag}`;
      link.textContent = `${state.article.versions[tag].title} (${tag})`;
      link.lang = tag;
      item.appendChild(link);
      list.appendChild(item);
    }
    say(t("desk-published-done", "Published."));
  } catch (error) {
    fail(error.message);
  }
}

async function start() {
  versionFields();
  $("api-key").value = sessionStorage.getItem("tetraglot-key") || "";
  $("api-key").addEventListener("change", () => sessionStorage.setItem("tetraglot-key", $("api-key").value));
  // ?lang= (a link to the desk in a language), else the editor's last choice, else the
  // browser's languages, else English.
  const asked = new URLSearchParams(location.search).get("lang");
  const stored = localStorage.getItem("tetraglot-desk-lang");
  const preferred = (navigator.languages || [navigator.language])
    .map((l) => LANGS.find((ours) => l.toLowerCase().startsWith(ours)))
    .find(Boolean);
  const lang = [asked, stored, preferred].find((l) => LANGS.includes(l)) || "en";
  $("ui-lang").value = lang;
  $("ui-lang").addEventListener("change", async () => {
    localStorage.setItem("tetraglot-desk-lang", $("ui-lang").value);
    await loadMessages($("ui-lang").value);
    if (state.article) renderBeads();
  });
  await loadMessages(lang);
  const tabs = [...document.querySelectorAll(".tabs button")];
  for (const [k, button] of tabs.entries()) {
    button.addEventListener("click", () => showTab(button.dataset.tab));
    button.addEventListener("keydown", (event) => {
      const to = { ArrowRight: k + 1, ArrowLeft: k - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      const next = tabs[(to + tabs.length) % tabs.length];
      showTab(next.dataset.tab);
      next.focus();
    });
  }
  $("article-form").addEventListener("submit", submitArticle);
  $("review-lang").addEventListener("change", () => selectTarget($("review-lang").value));
  $("review-first").addEventListener("change", renderBeads);
  $("confirm").addEventListener("click", confirmBeads);
  $("analyse").addEventListener("click", analyse);
  $("publish").addEventListener("click", publish);
  showTab("new");
  const match = location.hash.match(/article=([^&]+)/);
  const coverage = location.hash.includes("tab=coverage");
  if (match) {
    try {
      await openArticle(decodeURIComponent(match[1]));
      showTab(coverage ? "coverage" : "review");
      if (coverage) await analyse();
    } catch (error) {
      fail(error.message);
    }
  }
  document.body.dataset.ready = "true";
}

start();
