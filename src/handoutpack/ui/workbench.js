// The workbench's page (templates/workbench.html): the forms, kept in this browser until the user
// clears them; builds and mailings, which the server runs and keeps (a reloaded page finds them);
// uploads, previews and the sent table. Every word comes from the page's own language.
"use strict";
const token = document.querySelector('meta[name="handoutpack-token"]').content;
const lang = document.documentElement.lang;
const words = JSON.parse(document.getElementById("words").textContent);
const $ = (id) => document.getElementById(id);
const STORE = `handoutpack-workbench:${location.pathname}`;
const LANGUAGES = [...document.querySelectorAll("input[name=languages]")].map((el) => el.value);
let profiles = {};

const ISOLATE = document.documentElement.dir === "rtl";  // a name or an address keeps its own direction
function nodes(key, values) {  // the words with each value in a <bdi>: it keeps its own direction
  return (words[key] || key).split(/(\{\w+\})/).map((part) => {
    const name = part.slice(1, -1);
    if (!(part.startsWith("{") && name in values)) return document.createTextNode(part);
    const isolated = document.createElement("bdi"); isolated.textContent = values[name]; return isolated;
  });
}

function t(key, values = {}) {
  const put = (value) => (ISOLATE ? `\u2068${value}\u2069` : String(value));
  return (words[key] || key).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? put(values[name]) : whole));
}

// ------------------------------------------------------------------ the forms

function value(key) {
  const el = document.querySelector(`[data-key="${key}"]`);
  return el ? el.value.trim() : "";
}

function translatable(key) {  // one text, or a text per language when some are given
  const each = Object.fromEntries(LANGUAGES.map((code) => [code, value(`${key}.${code}`)]).filter(([, text]) => text));
  return Object.keys(each).length ? {"*": value(key), ...each} : value(key);
}

function form() {
  const checked = (name) => [...document.querySelectorAll(`input[name=${name}]:checked`)].map((el) => el.value);
  return {
    packs: checked("packs"), languages: checked("languages"),
    event: {name: translatable("event.name"), date: value("event.date"), place: translatable("event.place")},
    presenter: {name: value("presenter.name"), role: translatable("presenter.role"),
                organisation: value("presenter.organisation"), email: value("presenter.email"),
                phone: value("presenter.phone"), photo: value("presenter.photo")},
    partners: [0, 1].map((n) => ({name: value(`partners.${n}.name`), logo: value(`partners.${n}.logo`)})),
    personalise: $("personalise").checked,
    mail_pack: $("mail-pack").value,
  };
}

function setValue(key, text) {
  const el = document.querySelector(`[data-key="${key}"]`);
  if (!el) return;
  if (el.tagName === "SELECT" && text && ![...el.options].some((o) => o.value === text)) el.add(new Option(text, text));
  el.value = text || "";
}

function setTranslatable(key, given) {
  const texts = given && typeof given === "object" ? given : {"*": given || ""};
  setValue(key, texts["*"] || "");
  let open = false;
  for (const code of LANGUAGES) { setValue(`${key}.${code}`, texts[code] || ""); open = open || !!texts[code]; }
  const box = document.querySelector(`details[data-for="${key}"]`);
  if (box && open) box.open = true;
}

function fill(values) {
  const event = values.event || {}, presenter = values.presenter || {};
  setTranslatable("event.name", event.name); setValue("event.date", event.date); setTranslatable("event.place", event.place);
  for (const key of ["name", "organisation", "email", "phone", "photo"]) setValue(`presenter.${key}`, presenter[key]);
  setTranslatable("presenter.role", presenter.role);
  [0, 1].forEach((n) => { const partner = (values.partners || [])[n] || {}; setValue(`partners.${n}.name`, partner.name); setValue(`partners.${n}.logo`, partner.logo); });
  for (const name of ["packs", "languages"]) {
    if (Array.isArray(values[name])) for (const el of document.querySelectorAll(`input[name=${name}]`)) el.checked = values[name].includes(el.value);
  }
  if ("personalise" in values) $("personalise").checked = !!values.personalise;
  if (values.mail_pack && [...$("mail-pack").options].some((o) => o.value === values.mail_pack)) $("mail-pack").value = values.mail_pack;
  showThumbs(); changed();
}

function keep() { localStorage.setItem(STORE, JSON.stringify(form())); }

async function post(route, body, raw) {
  const headers = {"X-Handoutpack-Token": token, "X-Handoutpack-Lang": lang,
                   "Content-Type": raw ? "application/octet-stream" : "application/json"};
  if (raw && raw.name) headers["X-File-Name"] = encodeURIComponent(raw.name);
  if (raw && raw.replace) headers["X-Replace"] = "yes";
  const response = await fetch(`/workbench/${route}`, {method: "POST", body: raw ? body : JSON.stringify(body), headers});
  const answer = await response.json();
  if (response.status === 409) return {question: answer.question};
  if (!response.ok) throw new Error(answer.error || response.statusText);
  return answer;
}

let checking = null;
function changed() {
  keep();
  clearTimeout(checking);
  checking = setTimeout(async () => {
    const {problems} = await post("check", form());
    for (const el of document.querySelectorAll(".error[id^=err-]")) {
      const key = el.id.slice(4);
      if (["list", "logo", "photo"].includes(key)) continue;
      el.textContent = problems[key] || "";
      const input = document.querySelector(`[data-key="${key}"]`);
      if (input) input.setAttribute("aria-invalid", problems[key] ? "true" : "false");
    }
  }, 250);
}
document.querySelectorAll("main input:not([type=file]), main select").forEach((el) => el.addEventListener("input", changed));

function showThumbs() {
  for (const image of document.querySelectorAll("img[data-thumb-for]")) {
    const path = value(image.dataset.thumbFor);
    image.hidden = !path;
    if (path) { image.src = `/workbench/picture/${path}`; image.alt = t("wb_thumb_alt", {name: path}); } else image.removeAttribute("src");
  }
}
document.querySelectorAll("select[data-pictures]").forEach((el) => el.addEventListener("change", showThumbs));

$("use-profile").addEventListener("click", () => {
  const name = $("profile-load").value;
  if (profiles[name]) { fill(profiles[name]); $("start-status").textContent = t("wb_profile_used", {name}); }
});
$("clear-form").addEventListener("click", () => {
  localStorage.removeItem(STORE);
  document.querySelectorAll("main input[type=text], main input[type=email], main input[type=tel]").forEach((el) => { el.value = ""; });
  document.querySelectorAll("select[data-key]").forEach((el) => { el.value = ""; });
  document.querySelectorAll("input[name=packs]").forEach((el, index) => { el.checked = index === 0; });
  document.querySelectorAll("input[name=languages]").forEach((el) => { el.checked = el.value === lang; });
  $("personalise").checked = false;
  showThumbs(); changed();
  $("start-status").textContent = t("wb_form_cleared");
});

$("save-profile").addEventListener("click", async () => {
  try {
    const {saved, name} = await post("profile", {name: $("profile-name").value, form: form()});
    $("profile-status").textContent = t("wb_profile_saved", {name: saved});
    await loadProfiles();
    $("profile-load").value = name;
  } catch (problem) { $("profile-status").textContent = problem.message; }
});

async function loadProfiles() {
  profiles = await (await fetch("/workbench/profiles")).json();
  const select = $("profile-load");
  for (const name of Object.keys(profiles)) if (![...select.options].some((o) => o.value === name)) select.add(new Option(name, name));
}

// ------------------------------------------------------------------ uploads

async function upload(kind, file, error) {
  error.textContent = "";
  const data = await file.arrayBuffer();
  let answer = await post(kind, data, {name: file.name});
  if (answer.question) {
    if (!confirm(answer.question)) return null;
    answer = await post(kind, data, {name: file.name, replace: true});
  }
  return answer.saved;
}

for (const input of document.querySelectorAll("input[data-upload]")) {
  input.addEventListener("change", async () => {
    const kind = input.dataset.upload, file = input.files[0], error = $(`err-${kind}`);
    if (!file) return;
    try {
      const saved = await upload(kind, file, error);
      if (!saved) return;
      const selects = [...document.querySelectorAll(`select[data-pictures="${kind}"]`)];
      for (const select of selects) if (![...select.options].some((o) => o.value === saved)) select.add(new Option(saved, saved));
      const target = selects.find((s) => !s.value || s.value === saved) || selects[0];
      target.value = saved;
      showThumbs(); changed();
    } catch (problem) { error.textContent = problem.message; } finally { input.value = ""; }
  });
}

// ------------------------------------------------------------------ jobs the server runs

const JOBS = {
  build: {bar: $("build-progress"), status: $("build-status"), error: $("build-error"), done: showFiles},
  mail: {bar: $("mail-progress"), status: $("mail-status"), error: $("mail-error"), done: showMailing},
};

async function follow(kind, job) {
  const place = JOBS[kind];
  place.bar.hidden = false;
  for (;;) {
    const state = await (await fetch(`/workbench/job/${job}`)).json();
    show(kind, state);
    if (state.state !== "running") return state;
    if (kind === "mail") refreshSent();
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

function show(kind, state) {
  const place = JOBS[kind];
  const running = state.state === "running";
  place.status.dataset.state = state.state;  // what tests and assistive scripts can wait for
  place.bar.hidden = !running;
  place.bar.max = Math.max(state.total, 1); place.bar.value = state.done;
  for (const id of kind === "build" ? ["build"] : ["prepare", "send"]) $(id).disabled = running;
  place.error.textContent = state.error || "";
  if (running) {
    place.status.textContent = state.total ? t("wb_progress", {done: state.done, total: state.total, doing: state.doing}) : (state.doing || t("wb_working"));
  } else {
    place.status.textContent = state.state === "done" ? (state.summary || t("wb_done")) : t("wb_stopped");
    if (state.state === "done") place.done(state.result, state);
  }
}

async function start(kind, route, confirmed = {}) {
  const place = JOBS[kind];
  place.error.textContent = ""; place.status.textContent = t("wb_starting");
  place.status.dataset.state = "starting";
  try {
    const answer = await post(route, {...form(), ...confirmed});
    if (answer.question) {
      if (confirm(answer.question)) return start(kind, route, {...confirmed, [answer.confirm || "replace"]: true});
      place.status.textContent = ""; delete place.status.dataset.state;
      return;
    }
    await follow(kind, answer.job);
  } catch (problem) {
    place.error.textContent = problem.message; place.status.textContent = "";
    place.status.dataset.state = "failed";
  }
}

function cell(row, label, text, always = false) {  // the label shows on a narrow screen, where rows are cards
  const td = row.insertCell();
  const value = document.createElement("bdi"); value.textContent = text;  // an Arabic name in an English list, or the reverse
  td.append(value);
  if (always || text !== "") td.dataset.label = label;
  return td;
}

function showFiles({files, warnings}) {
  $("build-warnings").textContent = warnings && warnings.length ? `${t("wb_warnings")} ${warnings.join("\n")}` : "";
  const body = $("files").querySelector("tbody"); body.replaceChildren();
  for (const file of files) {
    const row = body.insertRow();
    cell(row, t("wb_col_file"), file.title);
    cell(row, t("wb_col_language"), file.lang_name || file.lang).firstChild.lang = file.lang;
    cell(row, t("wb_col_pages"), file.pages || "");
    const actions = cell(row, t("wb_col_actions"), "", true);
    if (file.kind !== "zip") {
      const view = document.createElement("button");
      view.type = "button"; view.className = "secondary"; view.textContent = t("wb_show");
      view.setAttribute("aria-label", `${t("wb_show")}: ${file.title}`);
      view.addEventListener("click", () => preview(file));
      actions.append(view, " ");
    }
    const link = document.createElement("a");
    link.href = `/workbench/file/${file.path}`; link.download = file.download;
    link.textContent = file.kind === "zip" ? t("wb_download_zip") : t("wb_download_pdf");
    link.setAttribute("aria-label", `${link.textContent}: ${file.title}`);
    actions.append(link);
  }
  $("files").hidden = false;
  if (files.length) preview(files[0]);
}

let shown = null;
function preview(file, page = 1) {
  shown = {file, page};
  $("preview").hidden = false;
  $("preview-title").textContent = file.title;
  let image = $("page");
  if (!image) { image = document.createElement("img"); image.id = "page"; $("viewer").append(image); }
  image.src = `/workbench/page/${page}/${file.path}?v=${file.version}`;
  image.alt = t("wb_page_alt", {title: file.title, page});
  $("page-number").textContent = t("wb_page_of", {page, pages: file.pages});
  $("preview-download").href = `/workbench/file/${file.path}`;
  $("preview-download").download = file.download;
  $("prev").disabled = page <= 1; $("next").disabled = page >= file.pages;
}
$("prev").addEventListener("click", () => preview(shown.file, shown.page - 1));
$("next").addEventListener("click", () => preview(shown.file, shown.page + 1));
$("build").addEventListener("click", () => start("build", "build"));

// ------------------------------------------------------------------ the list and the mailing

function showPeople({people, problems}) {
  $("list-problems").textContent = problems.join("\n");
  const body = $("people").querySelector("tbody"); body.replaceChildren();
  for (const person of people) {
    const row = body.insertRow();
    cell(row, t("wb_col_row"), person.line);
    cell(row, t("wb_col_prepared_for"), person.prepared_for);
    cell(row, t("wb_col_email"), person.email);
    cell(row, t("wb_col_language"), person.lang_name || person.lang).firstChild.lang = person.lang;
  }
  $("people").hidden = !people.length;
}

$("list-file").addEventListener("change", async (event) => {
  const file = event.target.files[0]; if (!file) return;
  $("err-list").textContent = "";
  try { showPeople(await post("list", await file.text(), {name: file.name})); } catch (problem) { $("err-list").textContent = problem.message; }
});

let due = 0;
function showMailing(result) {
  const {messages, problems} = result;
  const box = $("messages"); box.replaceChildren();
  if (problems.length) { const p = document.createElement("p"); p.className = "warn"; p.textContent = problems.join("\n"); box.append(p); }
  for (const message of messages) {
    const item = document.createElement("article"); item.className = "message";
    item.setAttribute("aria-label", t("wb_message_to", {to: message.to}));
    const cover = document.createElement("a");
    cover.href = `/workbench/file/${message.pack}`; cover.download = message.attachment;
    const image = document.createElement("img");
    image.src = `/workbench/page/1/${message.pack}`; image.alt = t("wb_cover_alt", {to: message.to});
    cover.append(image);
    const text = document.createElement("div");
    const head = document.createElement("p");
    const subject = document.createElement("strong"); subject.textContent = message.subject;
    head.append(subject, document.createElement("br"), ...nodes("wb_to_attached", {to: message.to, attachment: message.attachment}));
    const shownMessage = document.createElement("div"); shownMessage.className = "shown"; shownMessage.lang = message.lang; shownMessage.dir = message.dir;
    shownMessage.attachShadow({mode: "open"}).innerHTML = message.html;  // its own styles stay inside
    text.append(head, shownMessage); item.append(cover, text); box.append(item);
  }
  due = result.due || 0;
  $("send").disabled = !messages.length;
  if (result.sent) {
    const sent = result.sent;
    $("mail-status").textContent = t("wb_sent_summary", {sent: sent.sent.length, earlier: sent.earlier.length, refused: sent.refused.length});
  }
  refreshSent();
}
$("prepare").addEventListener("click", () => start("mail", "prepare"));
$("send").addEventListener("click", () => {
  if (!due) { $("mail-status").textContent = t("wb_nobody_due"); return; }
  if (confirm(t("wb_send_q", {count: due}))) start("mail", "send", {due});
});

const when = new Intl.DateTimeFormat(lang, {dateStyle: "medium", timeStyle: "short"});
const STATUS_WORDS = {sent: "wb_status_sent", sending: "wb_status_sending", refused: "wb_status_refused", deferred: "wb_status_deferred"};
async function refreshSent() {
  const {sent} = await (await fetch(`/workbench/sent/${$("mail-pack").value}`)).json();
  const body = $("sent").querySelector("tbody"); body.replaceChildren();
  for (const entry of sent) {
    const row = body.insertRow();
    cell(row, t("wb_col_email"), entry.email || "");
    cell(row, t("wb_col_language"), entry.lang || "");
    cell(row, t("wb_col_status"), STATUS_WORDS[entry.status] ? t(STATUS_WORDS[entry.status]) : entry.status || "");
    const at = entry.at ? new Date(entry.at) : null;
    const time = document.createElement("time");
    if (at && !isNaN(at)) { time.dateTime = entry.at; time.textContent = when.format(at); }
    cell(row, t("wb_col_when"), "", true).append(time);
  }
}
$("mail-pack").addEventListener("change", refreshSent);

// ------------------------------------------------------------------ on opening the page

async function resume() {
  const jobs = await (await fetch("/workbench/jobs")).json();
  for (const kind of ["build", "mail"]) {
    const job = jobs[kind];
    if (!job) continue;
    if (job.state === "running") follow(kind, job.id); else show(kind, job);
  }
}

const kept = localStorage.getItem(STORE);
if (kept) { try { fill(JSON.parse(kept)); } catch (ignored) { localStorage.removeItem(STORE); } }
loadProfiles();
refreshSent();
resume();
showThumbs();
changed();
