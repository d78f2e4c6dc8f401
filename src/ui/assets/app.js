// yarc ui: the page. Plain script, no build step; everything it shows comes from the JSON API
// of the yarc process that served it, with the session token it was opened with.
"use strict";

// The token: given in the page (opened by a one-time key), in the URL, or kept for this tab.
const token = (() => {
  const given = document.querySelector('meta[name="yarc-token"]')?.content
    || new URLSearchParams(location.search).get("token")
    || sessionStorage.getItem("yarc-token") || "";
  sessionStorage.setItem("yarc-token", given);
  if (location.search) history.replaceState(null, "", "/");
  return given;
})();
const $ = (id) => document.getElementById(id);
const state = { env: null, generation: 0, tree: null, selected: null, last: null, history: [] };

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

async function api(path, body) {
  const init = { headers: { "x-yarc-token": token } };
  if (body !== undefined) {
    init.method = "POST";
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const r = await fetch(path, init);
  const data = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
  if (!r.ok) throw new Error(data.error || `HTTP ${r.status}`);
  return data;
}

function banner(text) {
  const b = $("banner");
  b.hidden = !text;
  b.textContent = text || "";
}

// ---- left: environments, tree, variables -------------------------------------------------

async function loadState(force) {
  const q = new URLSearchParams();
  if (state.env !== null) q.set("env", state.env);
  if (!force) q.set("since", state.generation);
  let s;
  try { s = await api(`/api/state?${q}`); } catch (e) { banner(e.message); return; }
  if (s.unchanged) return;
  state.generation = s.generation;
  if (state.env === null) state.env = s.environment || "";
  fillEnvs(s.environments);
  if (s.error) {
    banner(s.error); // the last good tree stays
  } else {
    banner("");
    state.tree = s.collections;
    drawTree();
    if (state.selected) preview();
  }
  loadVars();
}

function fillEnvs(names) {
  const sel = $("env");
  const want = ["", ...names];
  if ([...sel.options].map((o) => o.value).join("\n") !== want.join("\n")) {
    sel.replaceChildren(...want.map((n) => el("option", { value: n }, n || "(no environment)")));
  }
  sel.value = state.env;
}

function matches(item, f) {
  if (!f) return true;
  const hay = [item.name, item.full_name, item.method, item.url, ...(item.tags || [])].join(" ").toLowerCase();
  return hay.includes(f);
}

function drawItems(file, items, f) {
  const out = [];
  for (const it of items) {
    if (it.kind === "group") {
      const inner = drawItems(file, it.items, matches(it, f) ? "" : f);
      if (inner.length) out.push(el("li", { class: "group" }, it.name, ...(it.tags || []).map((t) => el("span", { class: "tag" }, t)), el("ul", {}, inner)));
    } else if (matches(it, f)) {
      const sel = state.selected && state.selected.file === file && state.selected.name === it.full_name;
      out.push(el("li", {
        class: "req" + (sel ? " selected" : ""),
        "data-name": it.full_name,
        onclick: () => select(file, it),
      }, el("span", { class: "method" }, it.method), it.name, ...(it.tags || []).map((t) => el("span", { class: "tag" }, t))));
    }
  }
  return out;
}

function drawTree() {
  const f = $("filter").value.trim().toLowerCase();
  // A collection's own name or tags match all its requests.
  const lists = (state.tree || []).map((c) => ({ c, items: drawItems(c.file, c.items, matches(c, f) ? "" : f) }))
    .filter(({ items }) => items.length || !f)
    .map(({ c, items }) => el("li", {},
      el("div", { class: "file", title: c.file }, c.name, ...(c.tags || []).map((t) => el("span", { class: "tag" }, t)),
        el("span", { class: "muted" }, `  ${c.file}`)),
      el("ul", {}, items)));
  $("tree").replaceChildren(el("ul", {}, lists));
}

async function loadVars() {
  const q = state.env ? `?env=${encodeURIComponent(state.env)}` : "";
  try {
    const v = await api(`/api/vars${q}`);
    $("vars").replaceChildren(...v.collections.map((c) => el("div", {},
      el("h3", {}, c.name),
      el("table", {}, el("tr", {}, el("th", {}, "name"), el("th", {}, "value"), el("th", {}, "source")),
        c.variables.map((x) => el("tr", {}, el("td", {}, x.name), el("td", {}, x.value), el("td", { class: "muted" }, x.source)))))));
  } catch (e) {
    $("vars").replaceChildren(el("pre", { class: "banner" }, e.message));
  }
}

// ---- middle: the request -------------------------------------------------------------------

function select(file, item) {
  const same = state.selected && state.selected.file === file && state.selected.name === item.full_name;
  if (!same) clearChange();
  state.selected = { file, name: item.full_name, item };
  drawTree();
  $("request-head").replaceChildren(
    el("div", {}, el("span", { class: "method" }, item.method), el("code", {}, item.url)),
    el("div", { class: "muted" }, `${item.full_name} — ${file}:${item.line}`));
  for (const id of ["send", "send-deps", "run-file"]) $(id).disabled = false;
  preview();
}

// ---- middle: a change for this send only (the file is never edited) ------------------------

function pairs(id, sep) {
  return $(id).value.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
    const i = l.indexOf(sep);
    return i < 0 ? [l, ""] : [l.slice(0, i).trim(), l.slice(i + 1).trim()];
  });
}

function change() {
  const c = { variables: pairs("change-vars", "="), query: pairs("change-query", "="), headers: pairs("change-headers", ":") };
  if ($("change-body").value !== "") c.body = $("change-body").value;
  const empty = !c.variables.length && !c.query.length && !c.headers.length && c.body === undefined;
  $("change-note").hidden = empty;
  return empty ? undefined : c;
}

function clearChange() {
  for (const id of ["change-vars", "change-query", "change-headers", "change-body"]) $(id).value = "";
  change();
}

async function preview() {
  const s = state.selected;
  if (!s) return;
  try {
    const r = await api("/api/send", { env: state.env, file: s.file, name: s.name, preview: true, change: change() });
    const rec = r.records[r.records.length - 1];
    $("preview").textContent = rec ? (rec.curl || rec.message || rec.state) : "";
  } catch (e) {
    $("preview").textContent = e.message;
  }
}

async function send(body) {
  for (const id of ["send", "send-deps", "run-file", "run-all"]) $(id).disabled = true;
  $("response").replaceChildren(el("em", {}, "Sending…"));
  try {
    const r = await api("/api/send", { env: state.env, ...body });
    state.history.push(r);
    drawHistory();
    showSend(r);
  } catch (e) {
    $("results").replaceChildren();
    $("response").replaceChildren(el("pre", { class: "banner" }, e.message));
  } finally {
    $("run-all").disabled = false;
    if (state.selected) for (const id of ["send", "send-deps", "run-file"]) $(id).disabled = false;
    // What this send captured may be what the preview lacked.
    preview();
  }
}

// ---- right: the response -------------------------------------------------------------------

function showSend(r) {
  const recs = r.records || [];
  const passed = recs.filter((x) => x.state === "passed").length;
  const rows = recs.length > 1 ? [el("table", {}, recs.map((x) => el("tr", { class: "record-row", onclick: () => showRecord(x) },
    el("td", { class: x.state }, x.state), el("td", {}, x.full_name), el("td", {}, x.status ?? ""), el("td", {}, `${x.duration_ms} ms`))))] : [];
  $("results").replaceChildren(el("div", { class: "muted" }, `#${r.id} ${r.label}: ${passed} of ${recs.length} passed`), ...rows);
  // A run of many opens its first failure; otherwise the last request (the one asked for).
  const bad = recs.find((x) => ["failed", "errored", "invalid"].includes(x.state));
  if (recs.length) showRecord(bad || recs[recs.length - 1]);
}

function showRecord(x) {
  const resp = x.response || {};
  const body = x.body ?? resp.body ?? "";
  const parts = [
    el("div", {}, el("span", { class: "status " + x.state, id: "status" }, x.status ?? x.state), " ",
      el("span", { class: x.state, id: "state" }, x.state), " ",
      el("span", { class: "muted" }, `${x.duration_ms} ms · ${resp.body_length ?? 0} bytes · ${x.method} ${x.url}`)),
  ];
  if (x.message) parts.push(el("pre", { class: "banner" }, x.message));
  const timing = (x.steps || []).map(stepText);
  if (x.wire) timing.push(`${x.wire.version}`, `connection: ${x.wire.connection}`, `first byte ${x.wire.first_byte_ms} ms`);
  if (timing.length) parts.push(el("div", { class: "muted", id: "timing" }, timing.join(" · ")));
  if (x.assertions.length) {
    parts.push(el("h3", {}, "Assertions"), el("table", { id: "assertions" },
      x.assertions.map((a) => el("tr", {}, el("td", { class: a.passed ? "ok" : "bad" }, a.passed ? "✓" : "✗"),
        el("td", {}, a.assertion), el("td", {}, `expected ${a.expected}`), el("td", {}, `actual ${a.actual}`)))));
  }
  const caps = Object.entries(x.captures || {});
  if (caps.length) {
    parts.push(el("h3", {}, "Captured"), el("table", {}, caps.map(([k, v]) => el("tr", {}, el("td", {}, k), el("td", {}, JSON.stringify(v))))));
  }
  if (x.snapshot) parts.push(snapshotView(x.snapshot));
  if (resp.headers) {
    parts.push(el("details", {}, el("summary", {}, `Headers (${resp.headers.length})`),
      el("table", {}, resp.headers.map(([k, v]) => el("tr", {}, el("td", {}, k), el("td", {}, v))))));
  }
  if (x.wire && x.wire.sent.length) {
    parts.push(el("details", {}, el("summary", {}, `Sent headers (${x.wire.sent.length})`),
      el("table", {}, x.wire.sent.map(([k, v]) => el("tr", {}, el("td", {}, k), el("td", {}, v))))));
  }
  parts.push(el("h3", {}, "Body"), bodyView(body, x.body_cut));
  $("response").replaceChildren(...parts);
  $("response").dataset.name = x.full_name;
}

function stepText(s) {
  return s.step === "token" ? `token ${s.source} ${s.duration_ms} ms` : `sent #${s.attempt}: ${s.status} in ${s.duration_ms} ms`;
}

function snapshotView(s) {
  const box = el("div", { id: "snapshot" }, el("h3", {}, `Snapshot: ${s.outcome}`), el("div", { class: "muted" }, s.file));
  if (s.diff) box.append(el("pre", { class: "code" }, s.diff));
  if (s.pending) {
    const act = async (accept) => {
      try {
        await api("/api/snapshot", { pending: s.pending, accept });
        box.append(el("div", { class: "ok", id: "snapshot-done" }, accept ? "accepted" : "rejected"));
      } catch (e) { box.append(el("pre", { class: "banner" }, e.message)); }
    };
    box.append(el("button", { id: "accept", onclick: () => act(true) }, "Accept"), " ",
      el("button", { id: "reject", onclick: () => act(false) }, "Reject"));
  }
  return box;
}

function bodyView(text, cut) {
  let json;
  try { json = JSON.parse(text); } catch (_) { json = undefined; }
  const raw = el("pre", { class: "code" }, text + (cut ? "\n… (cut at 2 MiB)" : ""));
  if (json === undefined) return raw;
  const tree = el("div", { class: "jt code", id: "json" }, node("$", null, json, true));
  const wrap = el("div", {}, tree);
  const tabs = el("div", { class: "tabs" },
    el("button", { class: "on", onclick: (e) => { wrap.replaceChildren(tree); on(e); } }, "Tree"),
    el("button", { onclick: (e) => { wrap.replaceChildren(raw); on(e); } }, "Raw"),
    el("span", { class: "muted", id: "copied" }));
  function on(e) { for (const b of tabs.querySelectorAll("button")) b.classList.toggle("on", b === e.target); }
  return el("div", {}, tabs, wrap);
}

function childPath(path, key) {
  if (typeof key === "number") return `${path}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}['${key.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}']`;
}

function copyButton(path) {
  return el("button", {
    class: "copy", title: `copy ${path}`, "data-path": path,
    onclick: (e) => {
      e.preventDefault();
      $("copied").textContent = `copied ${path}`;
      if (navigator.clipboard) navigator.clipboard.writeText(path).catch(() => {});
    },
  }, "copy path");
}

function node(path, key, value, open) {
  const label = key === null ? "" : el("span", { class: "key" }, `${JSON.stringify(key)}: `);
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    const shown = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
    const d = el("details", { open: open || entries.length <= 20 ? true : null },
      el("summary", {}, label, shown, copyButton(path)));
    // Large arrays open lazily: a 10,000-item list does not build 10,000 rows up front.
    const fill = () => { if (d.dataset.filled) return; d.dataset.filled = "1"; d.append(...entries.map(([k, v]) => node(childPath(path, k), k, v, false))); };
    if (d.open) fill(); else d.addEventListener("toggle", fill);
    return d;
  }
  const cls = typeof value === "string" ? "str" : "num";
  return el("div", { class: "leaf" }, label, el("span", { class: cls }, JSON.stringify(value)), copyButton(path));
}

// ---- history -------------------------------------------------------------------------------

function drawHistory() {
  $("history").replaceChildren(...state.history.slice().reverse().map((h) => {
    const recs = h.records || [];
    const passed = recs.filter((x) => x.state === "passed").length;
    return el("label", {},
      el("input", { type: "checkbox", value: h.id, onchange: diffButton }), " ",
      el("a", { href: "#", onclick: (e) => { e.preventDefault(); showSend(h); } }, `#${h.id} ${h.label}`),
      el("span", { class: "muted" }, ` ${h.environment || "no environment"} · ${passed}/${recs.length} passed`));
  }));
}

function checked() { return [...$("history").querySelectorAll("input:checked")].map((i) => i.value); }
function diffButton() { $("diff").disabled = checked().length !== 2; }

async function showDiff() {
  const [b, a] = checked();
  try {
    const d = await api(`/api/diff?a=${a}&b=${b}`);
    $("diff-out").hidden = false;
    $("diff-out").textContent = d.diff || "(the same)";
  } catch (e) { $("diff-out").hidden = false; $("diff-out").textContent = e.message; }
}

// ---- wiring --------------------------------------------------------------------------------

function start() {
  $("env").addEventListener("change", () => { state.env = $("env").value; loadState(true); });
  $("filter").addEventListener("input", drawTree);
  $("send").addEventListener("click", () => send({ file: state.selected.file, name: state.selected.name, change: change() }));
  $("send-deps").addEventListener("click", () => send({ file: state.selected.file, name: state.selected.name, deps: true, change: change() }));
  let typing;
  for (const id of ["change-vars", "change-query", "change-headers", "change-body"]) {
    $(id).addEventListener("input", () => { change(); clearTimeout(typing); typing = setTimeout(preview, 300); });
  }
  $("change-clear").addEventListener("click", () => { clearChange(); preview(); });
  $("run-file").addEventListener("click", () => send({ file: state.selected.file }));
  $("run-all").addEventListener("click", () => send({}));
  $("reset").addEventListener("click", async () => { await api("/api/reset", {}); banner(""); loadVars(); preview(); });
  $("diff").addEventListener("click", showDiff);
  // The history is the session's, kept by yarc: a reload shows it again.
  api("/api/history").then((h) => { state.history = h.sends || []; drawHistory(); }).catch(() => {});
  loadState(true);
  // Saves in the editor show within a second.
  setInterval(() => loadState(false), 700);
}

start();
