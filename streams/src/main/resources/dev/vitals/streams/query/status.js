"use strict";
const REFRESH_MS = 10000;
const STATUS_RANK = {CRITICAL: 0, SILENT: 1, DEGRADED: 2, OK: 3};
const BURN_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];
const BURN_THRESHOLDS = [14.4, 6, 3, 1];
const SEVERITY_RANK = {critical: 0, page: 0, error: 1, high: 1, warning: 2, ticket: 2, info: 3};
let token = sessionStorage.getItem("vitals.token") || "";
let refreshing = false;

const $ = id => document.getElementById(id);

function esc(value) {
  return String(value == null ? "" : value).replace(/[&<>"']/g,
      c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}

/** The URL form of a key: each part encoded, "-" for the empty namespace, "%2D" for a real "-". */
function keyPath(tenant, namespace, name) {
  const ns = namespace === "" ? "-" : namespace === "-" ? "%2D" : encodeURIComponent(namespace);
  return encodeURIComponent(tenant) + "/" + ns + "/" + encodeURIComponent(name);
}

function safeHref(url) {
  return /^(https?:\/\/|\/)/i.test(url || "") ? url : null;
}

function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z").replace(/:00Z$/, "Z");
}

function age(iso) {
  const ms = Date.now() - new Date(iso).getTime();
  if (!(ms >= 0)) return "";
  const m = Math.round(ms / 60000);
  return m < 60 ? m + " min" : m < 2880 ? Math.round(m / 60) + " h" : Math.round(m / 1440) + " d";
}

function num(v, digits) {
  if (v == null || isNaN(v)) return "–";
  const a = Math.abs(v);
  if (digits != null) return Number(v).toFixed(digits);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(2);
}

function pct(v) { return v == null || isNaN(v) ? "–" : (v * 100).toFixed(v >= 0.1 || v <= -0.1 ? 1 : 2) + " %"; }

function seconds(v) { return v == null || isNaN(v) ? "–" : v >= 1 ? v.toFixed(2) + " s" : (v * 1000).toFixed(v >= 0.01 ? 0 : 1) + " ms"; }

async function api(path) {
  const headers = {Accept: "application/json"};
  if (token) headers.Authorization = "Bearer " + token;
  const response = await fetch(path, {headers});
  if (response.status === 401) {
    $("auth").hidden = false;
    throw new Error("a bearer token is required");
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || "HTTP " + response.status);
  return body;
}

function statusBadge(status) {
  return `<span class="status ${esc(status)}">${esc(status)}</span>`;
}

function renderServices(services, selected) {
  const rows = services.slice().sort((a, b) =>
      (STATUS_RANK[a.status] ?? 9) - (STATUS_RANK[b.status] ?? 9) || a.key.localeCompare(b.key));
  $("service-count").textContent = "(" + rows.length + ")";
  $("services").innerHTML = rows.length ? rows.map(s => {
    const path = keyPath(s.tenant, s.namespace, s.service);
    const reasons = (s.reasons || []).map(r => `<li>${esc(r)}</li>`).join("");
    return `<tr class="${path === selected ? "selected" : ""}">
      <td><a href="#/services/${path}">${esc(s.service)}</a></td>
      <td>${s.namespace ? esc(s.namespace) : '<span class="muted">–</span>'}</td>
      <td>${esc(s.tenant)}</td>
      <td>${statusBadge(s.status)}${s.catchingUp ? ` <span class="muted" title="the latest window is ${esc(s.behindSeconds)} s old: a backlog or a replay is being read">catching up, ${esc(age(s.evaluatedAt))} behind</span>` : ""}</td>
      <td title="${esc(s.since)}">${esc(when(s.since))} <span class="muted">${esc(age(s.since))}</span></td>
      <td>${reasons ? `<ul class="reasons">${reasons}</ul>` : ""}</td></tr>`;
  }).join("") : '<tr><td colspan="6" class="muted">no services reported yet</td></tr>';
}

function alertPath(alert) {
  const l = alert.labels || {};
  return keyPath(l.tenant || "default", l.namespace || "", l.service || "");
}

function renderAlert(alert) {
  const l = alert.labels || {}, a = alert.annotations || {};
  const rank = SEVERITY_RANK[(l.severity || "").toLowerCase()] ?? 4;
  const evidence = Object.keys(a).filter(k => !["summary", "description", "runbook_url"].includes(k)).sort()
      .map(k => `<dt>${esc(k.replace(/_/g, " "))}</dt><dd>${esc(a[k])}</dd>`).join("");
  const extraLabels = Object.keys(l).filter(k => !["alertname", "severity", "service", "tenant", "namespace"].includes(k)).sort()
      .map(k => `<dt>${esc(k)}</dt><dd>${esc(l[k])}</dd>`).join("");
  const runbook = safeHref(a.runbook_url);
  return `<div class="alert sev-${rank}">
    <div><span class="sev">${esc(l.severity || "")}</span> <b>${esc(l.alertname || alert.fingerprint)}</b>
      on <a href="#/services/${alertPath(alert)}">${esc(l.service || "?")}</a>
      ${l.tenant && l.tenant !== "default" || l.namespace ? `<span class="muted">(${esc([l.tenant || "default", l.namespace].filter(Boolean).join("/"))})</span>` : ""}
      <span class="muted">since ${esc(when(alert.startsAt))} (${esc(age(alert.startsAt))})</span></div>
    <div>${esc(a.summary || "")}</div>
    ${a.description ? `<div class="muted">${esc(a.description)}</div>` : ""}
    <dl>${extraLabels}${evidence}</dl>
    ${runbook ? `<div><a href="${esc(runbook)}" rel="noopener noreferrer">runbook</a></div>` : ""}
  </div>`;
}

function renderAlerts(alerts) {
  $("alert-count").textContent = "(" + alerts.length + ")";
  $("alerts").innerHTML = alerts.length ? alerts.map(renderAlert).join("")
      : '<p class="muted">no active alerts</p>';
}

/** A line plot as inline SVG; points are {t: epoch ms, v: number}. */
function linePlot(title, points, format, color) {
  const W = 380, H = 150, L = 56, R = 10, T = 22, B = 20;
  const pts = points.filter(p => p.v != null && isFinite(p.v));
  let body;
  if (!pts.length) {
    body = `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text>`;
  } else {
    const t0 = Math.min(...pts.map(p => p.t)), t1 = Math.max(...pts.map(p => p.t));
    const top = Math.max(...pts.map(p => p.v)) || 1;
    const x = t => L + (t1 === t0 ? (W - L - R) / 2 : (t - t0) / (t1 - t0) * (W - L - R));
    const y = v => T + (1 - v / top) * (H - T - B);
    const d = pts.map((p, i) => (i ? "L" : "M") + x(p.t).toFixed(1) + "," + y(p.v).toFixed(1)).join(" ");
    const time = t => new Date(t).toISOString().substring(11, 16) + "Z";
    body = `<line class="axis" x1="${L}" y1="${y(0)}" x2="${W - R}" y2="${y(0)}"/>
      <line class="axis" x1="${L}" y1="${T}" x2="${W - R}" y2="${T}" stroke-dasharray="2,3"/>
      <text x="${L - 4}" y="${T + 4}" text-anchor="end">${esc(format(top))}</text>
      <text x="${L - 4}" y="${y(0) + 3}" text-anchor="end">0</text>
      <text x="${L}" y="${H - 5}">${esc(time(t0))}</text>
      <text x="${W - R}" y="${H - 5}" text-anchor="end">${esc(time(t1))}</text>
      <path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"/>
      ${pts.length === 1 ? `<circle cx="${x(pts[0].t)}" cy="${y(pts[0].v)}" r="2.5" fill="${color}"/>` : ""}`;
  }
  return `<svg class="plot" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">
    <text class="title" x="${L}" y="14">${esc(title)}</text>${body}</svg>`;
}

/** Burn rate per window as bars, with the multi-window alert thresholds as dashed lines. */
function burnPlot(slo) {
  const W = 380, H = 150, L = 40, R = 10, T = 22, B = 20;
  const rates = BURN_WINDOWS.map(w => ({w, v: (slo.burnRates || {})[w]}));
  const top = Math.max(1.5, ...rates.map(r => r.v || 0)) * 1.1;
  const y = v => T + (1 - v / top) * (H - T - B);
  const slot = (W - L - R) / rates.length;
  const color = v => v >= 14.4 ? "#cf222e" : v >= 6 ? "#e16f24" : v >= 1 ? "#bf8700" : "#1a7f37";
  const bars = rates.map((r, i) => {
    const x = L + i * slot + slot * 0.15, w = slot * 0.7;
    const v = r.v == null ? 0 : r.v;
    return `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${w.toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}" fill="${color(v)}"><title>${esc(r.w)}: ${esc(num(r.v))}</title></rect>
      <text x="${(x + w / 2).toFixed(1)}" y="${H - 5}" text-anchor="middle">${esc(r.w)}</text>
      <text x="${(x + w / 2).toFixed(1)}" y="${(y(v) - 2).toFixed(1)}" text-anchor="middle">${esc(num(r.v))}</text>`;
  }).join("");
  const lines = BURN_THRESHOLDS.filter(t => t < top).map(t =>
      `<line x1="${L}" x2="${W - R}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#8c959f" stroke-dasharray="3,3"/>
       <text x="${L - 4}" y="${(y(t) + 3).toFixed(1)}" text-anchor="end">${t}</text>`).join("");
  return `<svg class="plot" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="burn rates ${esc(slo.slo)}">
    <text class="title" x="${L}" y="14">burn rate · ${esc(slo.slo)}</text>
    <line class="axis" x1="${L}" x2="${W - R}" y1="${y(0)}" y2="${y(0)}"/>${lines}${bars}</svg>`;
}

function windowPoints(windows, value) {
  return windows.map(w => ({t: new Date(w.windowEnd).getTime(), v: value(w)}))
      .filter(p => !isNaN(p.t)).sort((a, b) => a.t - b.t);
}

function renderDetail(path, detail, windows) {
  const h = detail.health || {};
  const name = h.service ?? keyPart(splitKey(detail.key)[2]);
  const slos = detail.slos || [], alerts = detail.alerts || [];
  const windowSeconds = w => (new Date(w.windowEnd) - new Date(w.windowStart)) / 1000;
  const plots = [
    linePlot("requests / s", windowPoints(windows, w => windowSeconds(w) > 0 ? w.requests / windowSeconds(w) : null), num, "#0969da"),
    linePlot("error ratio", windowPoints(windows, w => w.requests > 0 ? w.errors / w.requests : (w.silent ? null : 0)), pct, "#cf222e"),
    linePlot("p99 latency", windowPoints(windows, w => w.latency ? w.latency.p99 : null), seconds, "#8250df"),
  ].join("");
  const recent = windows.slice().sort((a, b) => new Date(b.windowEnd) - new Date(a.windowEnd));
  const errors = [...new Set(recent.flatMap(w => w.sampleErrors || []))].slice(0, 10);
  const traces = [...new Set(recent.flatMap(w => w.exemplarTraceIds || []))].slice(0, 10);
  const sloRows = slos.map(s => `<tr><td>${esc(s.slo)}</td><td class="num">${esc(pct(s.objective))}</td>
      <td class="num">${esc(pct(s.errorBudgetRemaining))}</td>
      ${BURN_WINDOWS.map(w => `<td class="num">${esc(num((s.burnRates || {})[w]))}</td>`).join("")}
      <td>${esc(when(s.evaluatedAt))}</td></tr>`).join("");
  $("detail").innerHTML = `
    <h2>${esc(name)} ${statusBadge(h.status || "unknown")}
      <span class="muted">${esc(detail.key)}</span></h2>
    ${h.since ? `<div class="muted">since ${esc(when(h.since))} (${esc(age(h.since))}), evaluated ${esc(when(h.evaluatedAt))}</div>` : ""}
    ${(h.reasons || []).length ? `<ul class="reasons">${h.reasons.map(r => `<li>${esc(r)}</li>`).join("")}</ul>` : ""}
    <h3>Last ${windows.length} windows</h3>
    <div class="plots">${plots}</div>
    <h3>SLOs</h3>
    ${slos.length ? `<table><thead><tr><th>SLO</th><th class="num">objective</th><th class="num">budget left</th>
      ${BURN_WINDOWS.map(w => `<th class="num">${w}</th>`).join("")}<th>evaluated</th></tr></thead>
      <tbody>${sloRows}</tbody></table>
      <div class="plots">${slos.map(burnPlot).join("")}</div>` : '<p class="muted">no SLO evaluations</p>'}
    ${renderNeighbours(detail)}
    <h3>Active alerts (${alerts.length})</h3>
    ${alerts.length ? alerts.map(renderAlert).join("") : '<p class="muted">none</p>'}
    <h3>Evidence from recent windows</h3>
    ${errors.length ? `<div>sample errors:<ul>${errors.map(e => `<li><code>${esc(e)}</code></li>`).join("")}</ul></div>` : '<p class="muted">no sample errors</p>'}
    ${traces.length ? `<div>exemplar trace ids: ${traces.map(t => `<code>${esc(t)}</code>`).join(" ")}</div>` : ""}
    <p><a href="/api/v1/services/${path}">JSON</a> · <a href="/api/v1/services/${path}/windows">windows JSON</a>
      · <a href="/api/v1/services/${path}/windows?format=csv">windows CSV</a></p>`;
  $("detail").hidden = false;
}

// ---- the service map: SVG of our own, nothing fetched from elsewhere ----

const MAP = {column: 170, row: 40, top: 24, left: 16, radius: 8};

function edgeClass(ratio) { return ratio >= 0.05 ? "bad" : ratio >= 0.01 ? "warn" : "ok"; }

/**
 * Columns by longest path from the nodes nobody calls (user first), so calls read left to right;
 * within a column, nodes ordered by the mean row of their callers (two sweeps), which keeps edges
 * short and rarely crossing. Cycles are cut where the walk meets them.
 */
function mapLayout(nodes, edges) {
  const out = new Map(nodes.map(n => [n.key, []])), callers = new Map(nodes.map(n => [n.key, []]));
  const indegree = new Map(nodes.map(n => [n.key, 0]));
  for (const e of edges) {
    if (e.client.key === e.server.key || !out.has(e.client.key) || !out.has(e.server.key)) continue;
    out.get(e.client.key).push(e.server.key);
    callers.get(e.server.key).push(e.client.key);
    indegree.set(e.server.key, indegree.get(e.server.key) + 1);
  }
  const column = new Map();
  const queue = nodes.filter(n => indegree.get(n.key) === 0).map(n => n.key);
  queue.forEach(k => column.set(k, 0));
  while (queue.length) {
    const k = queue.shift();
    for (const s of out.get(k)) {
      column.set(s, Math.max(column.get(s) ?? 0, column.get(k) + 1));
      indegree.set(s, indegree.get(s) - 1);
      if (indegree.get(s) === 0) queue.push(s);
    }
  }
  nodes.forEach(n => { if (!column.has(n.key)) column.set(n.key, 0); });
  const columns = [];
  nodes.slice().sort((a, b) => (a.name < b.name ? -1 : 1)).forEach(n => {
    const c = column.get(n.key);
    (columns[c] = columns[c] || []).push(n.key);
  });
  const row = new Map();
  const place = () => columns.forEach(col => col && col.forEach((k, i) => row.set(k, i)));
  place();
  for (let sweep = 0; sweep < 2; sweep++) {
    columns.forEach((col, c) => {
      if (!col || c === 0) return;
      const mean = k => {
        const rows = callers.get(k).map(p => row.get(p)).filter(r => r !== undefined);
        return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : row.get(k);
      };
      col.sort((a, b) => mean(a) - mean(b));
      col.forEach((k, i) => row.set(k, i));
    });
  }
  const at = new Map();
  nodes.forEach(n => at.set(n.key, {
    x: MAP.left + MAP.radius + column.get(n.key) * MAP.column,
    y: MAP.top + row.get(n.key) * MAP.row,
  }));
  const rows = Math.max(1, ...columns.map(c => (c ? c.length : 0)));
  return {at, width: MAP.left * 2 + columns.length * MAP.column, height: MAP.top + rows * MAP.row};
}

function renderMap(graph) {
  const edges = graph.edges || [];
  const byKey = new Map();
  (graph.nodes || []).forEach(n => byKey.set(n.key, n));
  edges.forEach(e => [e.client, e.server].forEach(n => { if (!byKey.has(n.key)) byKey.set(n.key, n); }));
  const nodes = [...byKey.values()].filter(n => edges.some(e => e.client.key === n.key || e.server.key === n.key));
  $("map-summary").textContent = edges.length
      ? `${nodes.length} nodes, ${edges.length} edges` + (graph.from ? ` · ${when(graph.from)} – ${when(graph.to)}` : "")
      : "";
  if (!edges.length) {
    $("map-box").innerHTML = '<p class="muted">no calls seen in traces yet</p>';
    return;
  }
  const {at, width, height} = mapLayout(nodes, edges);
  const r = MAP.radius;
  const lines = edges.map(e => {
    const a = at.get(e.client.key), b = at.get(e.server.key);
    if (!a || !b) return "";
    const x1 = a.x + r, x2 = b.x - r, mid = (x1 + x2) / 2;
    const width = (1 + 2 * Math.log10(1 + (e.rate || 0))).toFixed(1);
    const ratio = e.errorRatio || 0;
    const title = `${e.client.name} → ${e.server.name}: ${num(e.rate)} req/s, ${pct(ratio)} errors, p99 ${seconds(e.p99)}`;
    const label = ratio >= 0.01
        ? `<text class="edge-label" x="${mid.toFixed(1)}" y="${((a.y + b.y) / 2 - 4).toFixed(1)}" text-anchor="middle">${esc(pct(ratio))}</text>` : "";
    return `<path class="edge ${edgeClass(ratio)}" stroke-width="${width}" data-edge="${esc(e.client.name)}→${esc(e.server.name)}"
      d="M${x1.toFixed(1)},${a.y} C${mid.toFixed(1)},${a.y} ${mid.toFixed(1)},${b.y} ${x2.toFixed(1)},${b.y}"><title>${esc(title)}</title></path>${label}`;
  }).join("");
  const circles = nodes.map(n => {
    const p = at.get(n.key);
    const cls = n.virtual ? "virtual" : (n.status || "unknown");
    const label = `<text class="node" x="${p.x + r + 3}" y="${p.y + 4}">${esc(n.name)}</text>`;
    const shape = `<circle class="${esc(cls)}" cx="${p.x}" cy="${p.y}" r="${r}"><title>${esc(n.name)}: ${esc(n.virtual ? "virtual node" : (n.status || "no health yet"))}</title></circle>${label}`;
    if (n.virtual) return `<g data-node="${esc(n.name)}">${shape}</g>`;
    const [t, ns, name] = splitKey(n.key);
    return `<g data-node="${esc(n.name)}"><a href="#/services/${keyPath(keyPart(t), keyPart(ns), keyPart(name))}">${shape}</a></g>`;
  }).join("");
  $("map-box").innerHTML = `<svg id="map" class="map" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"
      role="img" aria-label="service map">${lines}${circles}</svg>`;
}

function neighbourRows(edges, side) {
  return edges.map(e => `<tr><td>${esc(e[side].name)}${e[side].virtual ? ' <span class="muted">(virtual)</span>' : ""}</td>
      <td class="num">${esc(num(e.rate))}</td><td class="num">${esc(pct(e.errorRatio))}</td>
      <td class="num">${esc(seconds(e.p99))}</td><td class="num">${esc(num(e.requests, 0))}</td></tr>`).join("");
}

function renderNeighbours(detail) {
  const table = (title, edges, side) => `<h3>${title} (${edges.length})</h3>` + (edges.length
      ? `<table><thead><tr><th>service</th><th class="num">req/s</th><th class="num">errors</th>
          <th class="num">p99</th><th class="num">calls (5 min)</th></tr></thead><tbody>${neighbourRows(edges, side)}</tbody></table>`
      : '<p class="muted">none seen in traces</p>');
  return table("Called by (upstream)", detail.upstream || [], "client")
      + table("Calls (downstream)", detail.downstream || [], "server");
}

/** A part of a service key as it was named: the key escapes '%', '/', '|' and NUL. */
function keyPart(escaped) {
  return escaped.replace(/%(25|2F|7C|00)/gi, (m, hex) => String.fromCharCode(parseInt(hex, 16)));
}

function splitKey(key) {
  const first = key.indexOf("/"), second = key.indexOf("/", first + 1);
  return [key.substring(0, first), key.substring(first + 1, second), key.substring(second + 1)];
}

/** The raw (encoded) key path of a #/services/... fragment, or null. */
function selectedPath() {
  const m = location.hash.match(/^#\/services\/([^/]*\/[^/]*\/[^/]+)$/);
  return m ? m[1] : null;
}

async function loadDetail(path) {
  if (!path) {
    $("detail").hidden = true;
    return;
  }
  try {
    const [detail, windows] = await Promise.all([
      api("/api/v1/services/" + path),
      api("/api/v1/services/" + path + "/windows").then(b => b.windows || [], () => []),
    ]);
    renderDetail(path, detail, windows);
  } catch (e) {
    $("detail").innerHTML = `<h2>${esc(decodeURIComponent(path))}</h2><p class="error">${esc(e.message)}</p>`;
    $("detail").hidden = false;
  }
}

async function refresh() {
  if (refreshing) return;
  refreshing = true;
  const path = selectedPath();
  try {
    const [services, alerts, graph] = await Promise.all([
      api("/api/v1/services"), api("/api/v1/alerts"), api("/api/v1/graph").catch(() => null)]);
    renderServices(services.services || [], path);
    renderAlerts(alerts.alerts || []);
    if (graph) renderMap(graph);
    await loadDetail(path);
    const partial = [...new Set([...(services.unreachable || []), ...(alerts.unreachable || [])])];
    $("error").textContent = partial.length ? "partial: no answer from " + partial.join(", ") : "";
    $("updated").textContent = "updated " + new Date().toLocaleTimeString() + " · refreshes every 10 s";
  } catch (e) {
    $("error").textContent = e.message;
  } finally {
    refreshing = false;
  }
}

$("auth").addEventListener("submit", event => {
  event.preventDefault();
  token = $("token").value.trim();
  sessionStorage.setItem("vitals.token", token);
  $("auth").hidden = true;
  refresh();
});
window.addEventListener("hashchange", refresh);
refresh();
setInterval(refresh, REFRESH_MS);
