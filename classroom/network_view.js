// Colour per group code, and per message kind: both from the Python side's one palette
// (the widget's `palette`), filled in by render().
const COLORS = [];
const NAMES = ["Broadcasters", "Interactors", "Others"];
const SINGULAR = ["broadcaster", "interactor", "other"];
const THEMES = {
  light: { bg: "#ffffff", fg: "#111111", edge: "110,110,110", hi: "17,17,17" },
  dark: { bg: "#121212", fg: "#f2f2f2", edge: "200,200,200", hi: "242,242,242" },
};
const MIN_ALPHA = 0.08;     // a faded node is barely visible...
const OUTLINE_ALPHA = 0.32; // ...but its thin outline keeps it findable
const NODE_BUCKETS = 32;
// Messages on the ties (codes 1..3 per direction): a pitch ignored, a pitch noticed, a held
// conversation. Pitches in the broadcasters' colour, conversations in the interactors'.
const MSG_COLORS = [null, null, null, null];
const MSG_NAMES = [null, "pitch ignored", "pitch noticed", "conversation (both ways)"];
const MAX_MARKS = 4000;     // at most this many tie directions drawn per step (evenly picked)
const TRAVEL_MS = [600, 1000]; // a step's marks travel in this long, or 85 % of the pace
const reducedMotion = window.matchMedia
  ? window.matchMedia("(prefers-reduced-motion: reduce)")
  : { matches: false, addEventListener() {}, removeEventListener() {} };
const EDGE_BUCKETS = 16;
let uid = 0;
const SVG_NS = "http://www.w3.org/2000/svg";

function bytesOf(v) {
  if (!v) return new Uint8Array(0);
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return new Uint8Array(0);
}
function aligned(v, bytesPer) {
  const u = bytesOf(v);
  const len = Math.floor(u.byteLength / bytesPer) * bytesPer;
  const copy = new Uint8Array(len);
  copy.set(u.subarray(0, len));
  return copy.buffer;
}

function shapePath(p, g, x, y, r) {
  if (g === 0) {
    const h = r * 0.886; // same area as the circle
    p.rect(x - h, y - h, 2 * h, 2 * h);
  } else if (g === 1) {
    p.moveTo(x + r, y);
    p.arc(x, y, r, 0, 2 * Math.PI);
  } else {
    const R = r * 1.555; // equilateral, same area, centred on its centroid
    p.moveTo(x, y - R);
    p.lineTo(x + R * 0.866, y + R * 0.5);
    p.lineTo(x - R * 0.866, y + R * 0.5);
    p.closePath();
  }
}

// An empty icon for a legend, width x 14 pixels, hidden from screen readers (the text
// beside it says what it shows).
function iconSvg(width) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", "14");
  svg.setAttribute("viewBox", `0 0 ${width} 14`);
  svg.setAttribute("aria-hidden", "true");
  return svg;
}

function legendIcon(g, faded) {
  const ns = SVG_NS;
  const svg = iconSvg(14);
  let el;
  if (g === 0) {
    el = document.createElementNS(ns, "rect");
    el.setAttribute("x", "2"); el.setAttribute("y", "2");
    el.setAttribute("width", "10"); el.setAttribute("height", "10");
  } else if (g === 1) {
    el = document.createElementNS(ns, "circle");
    el.setAttribute("cx", "7"); el.setAttribute("cy", "7"); el.setAttribute("r", "5.5");
  } else {
    el = document.createElementNS(ns, "polygon");
    el.setAttribute("points", "7,1.5 13,12.5 1,12.5");
  }
  el.setAttribute("fill", COLORS[g]);
  el.setAttribute("stroke", COLORS[g]);
  el.setAttribute("fill-opacity", faded ? String(MIN_ALPHA) : "1");
  el.setAttribute("stroke-opacity", faded ? String(OUTLINE_ALPHA) : "1");
  svg.appendChild(el);
  return svg;
}

function messageIcon(kind) {
  const ns = SVG_NS;
  const svg = iconSvg(22);
  const add = (tag, attrs) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    svg.appendChild(e);
  };
  const c = MSG_COLORS[kind];
  if (kind === 3) {
    add("line", { x1: 1, y1: 5, x2: 21, y2: 5, stroke: c, "stroke-width": 1.5 });
    add("line", { x1: 1, y1: 9, x2: 21, y2: 9, stroke: c, "stroke-width": 1.5 });
    add("circle", { cx: 6, cy: 5, r: 2.6, fill: c });
    add("circle", { cx: 16, cy: 9, r: 2.6, fill: c });
  } else if (kind === 2) {
    add("line", { x1: 1, y1: 7, x2: 18, y2: 7, stroke: c, "stroke-width": 1.5,
      "stroke-dasharray": "5 2.5" });
    add("circle", { cx: 18, cy: 7, r: 3, fill: c });
  } else {
    add("line", { x1: 1, y1: 7, x2: 11, y2: 7, stroke: c, "stroke-width": 1.5,
      "stroke-dasharray": "1.5 2.5" });
    add("circle", { cx: 13, cy: 7, r: 2.4, fill: "none", stroke: c, "stroke-width": 1.3 });
  }
  return svg;
}

function readPalette(model) {
  const palette = model.get("palette") || [];
  COLORS.splice(0, COLORS.length, ...palette);
  MSG_COLORS[1] = MSG_COLORS[2] = palette[0];
  MSG_COLORS[3] = palette[1];
}

function render({ model, el }) {
  readPalette(model);
  const id = `nv-${++uid}-${Math.random().toString(36).slice(2, 8)}`;
  const root = document.createElement("div");
  root.className = "nv-root";
  const legend = document.createElement("div");
  legend.className = "nv-legend";
  const stage = document.createElement("div");
  stage.className = "nv-stage";
  const canvas = document.createElement("canvas");
  canvas.className = "nv-canvas";
  canvas.tabIndex = 0;
  canvas.setAttribute("role", "application");
  canvas.setAttribute("aria-roledescription", "network view");
  canvas.setAttribute("aria-describedby", `${id}-help`);
  const tip = document.createElement("div");
  tip.className = "nv-tip";
  tip.setAttribute("aria-hidden", "true");
  const help = document.createElement("div");
  help.className = "nv-sr";
  help.id = `${id}-help`;
  help.textContent = "Arrow keys move the selection to the nearest person in that direction; " +
    "Page Down and Page Up step through people in order; Escape clears the selection.";
  const liveDesc = document.createElement("div");
  liveDesc.className = "nv-sr";
  liveDesc.setAttribute("aria-live", "polite");
  const liveSel = document.createElement("div");
  liveSel.className = "nv-sr";
  liveSel.setAttribute("aria-live", "polite");
  // messages travel on a second canvas above the network, so that their motion never
  // redraws the network (nor changes what the network canvas holds)
  const overlay = document.createElement("canvas");
  overlay.className = "nv-overlay";
  overlay.setAttribute("aria-hidden", "true");
  overlay.dataset.marks = "0";
  const msgLegend = document.createElement("div");
  msgLegend.className = "nv-msg-legend";
  const toggleLabel = document.createElement("label");
  toggleLabel.className = "nv-msg-toggle";
  const toggle = document.createElement("input");
  toggle.type = "checkbox";
  toggle.className = "nv-msg-switch";
  toggleLabel.append(toggle, document.createTextNode("Show messages"));
  msgLegend.appendChild(toggleLabel);
  const msgItems = document.createElement("span");
  msgItems.className = "nv-msg-items";
  for (const kind of [2, 1, 3]) {
    const item = document.createElement("span");
    item.className = "nv-legend-item";
    item.append(messageIcon(kind), document.createTextNode(MSG_NAMES[kind]));
    msgItems.appendChild(item);
  }
  msgLegend.appendChild(msgItems);
  // over the person pointed at (``highlight``): an invisible box the page can point at
  const marker = document.createElement("div");
  marker.className = "nv-highlight";
  marker.setAttribute("aria-hidden", "true");
  marker.hidden = true;
  stage.append(canvas, overlay, marker, tip);
  root.append(legend, msgLegend, stage, help, liveDesc, liveSel);
  el.appendChild(root);
  const ctx = canvas.getContext("2d");
  const octx = overlay.getContext("2d");

  // ---- state derived from traits
  let n = 0, m = 0;
  let pos = new Float32Array(0);     // x, y in [0, 1]
  let edges = new Uint32Array(0);
  let groups = new Uint8Array(0);
  let opacity = new Uint8Array(0);
  let strength = new Uint8Array(0);
  let labels = [];
  let adjStart = new Uint32Array(1), adj = new Uint32Array(0); // CSR of incident edges
  let grid = { size: 1, start: new Uint32Array(2), items: new Uint32Array(0) };
  // ---- geometry (CSS pixels)
  let W = 0, H = 0, dpr = 1, scale = 1, ox = 0, oy = 0, radius = 4;
  let zoom = 1;          // the "scale" trait: projector mode draws everything larger
  let hover = -1;        // what the pointer (or keyboard) points at, locally
  let tipFresh = false;  // hover_text arrived for the current hover
  let pending = false;
  let dirty = true;      // the network itself needs a redraw (not just the messages)
  let msgDirty = true;   // the message overlay needs a repaint

  function px(i) { return ox + pos[2 * i] * scale; }
  function py(i) { return oy + pos[2 * i + 1] * scale; }

  function readPositions() {
    pos = new Float32Array(aligned(model.get("positions"), 4));
    n = pos.length >> 1;
    // grid index over [0, 1]^2 for hover look-ups
    const size = Math.max(1, Math.min(256, Math.floor(Math.sqrt(n))));
    const count = new Uint32Array(size * size + 1);
    const cellOf = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const cx = Math.min(size - 1, Math.max(0, Math.floor(pos[2 * i] * size)));
      const cy = Math.min(size - 1, Math.max(0, Math.floor(pos[2 * i + 1] * size)));
      cellOf[i] = cy * size + cx;
      count[cellOf[i] + 1]++;
    }
    for (let c = 0; c < size * size; c++) count[c + 1] += count[c];
    const fill = count.slice(0, size * size);
    const items = new Uint32Array(n);
    for (let i = 0; i < n; i++) items[fill[cellOf[i]]++] = i;
    grid = { size, start: count, items };
    if (hover >= n) hover = -1;
  }
  function readEdges() {
    edges = new Uint32Array(aligned(model.get("edges"), 4));
    m = edges.length >> 1;
    const deg = new Uint32Array(n + 1);
    for (let k = 0; k < 2 * m; k++) if (edges[k] < n) deg[edges[k] + 1]++;
    for (let i = 0; i < n; i++) deg[i + 1] += deg[i];
    const fill = deg.slice(0, n);
    adj = new Uint32Array(deg[n]);
    for (let e = 0; e < m; e++) {
      const u = edges[2 * e], v = edges[2 * e + 1];
      if (u < n) adj[fill[u]++] = e;
      if (v < n && v !== u) adj[fill[v]++] = e;
    }
    adjStart = deg;
  }
  function readGroups() { groups = bytesOf(model.get("groups")).slice(); drawLegend(); }
  function readOpacity() { opacity = bytesOf(model.get("opacity")).slice(); }
  function readStrength() { strength = bytesOf(model.get("edge_strength")).slice(); }
  // ---- messages: per drawn tie direction, a kind (1..3); marks = [from, to, kind] triples
  let marks = new Uint32Array(0), nMarks = 0, msgStep = -1;
  let travelStart = 0, travelMs = TRAVEL_MS[0], lastMsgAt = 0, animating = false;
  function readMessages() {
    const data = bytesOf(model.get("messages"));
    const on = model.get("show_messages") !== false;
    toggle.checked = on;
    msgItems.hidden = !on;
    root.dataset.messages = on ? "on" : "off";
    if (!on || data.length < 4 || !m) {
      nMarks = 0; msgStep = -1;
      overlay.dataset.marks = "0";
      overlay.dataset.kinds = "0,0,0";
      animating = false;
      msgDirty = true;
      schedule(false);
      return;
    }
    msgStep = new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true);
    const codes = data.subarray(4);
    let total = 0;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      total += ((c & 3) > 0) + ((c & 12) > 0) + ((c & 48) > 0) + ((c & 192) > 0);
    }
    const stride = Math.max(1, total / MAX_MARKS); // evenly picked when there are too many
    const out = new Uint32Array(3 * Math.min(total, MAX_MARKS));
    const kinds = [0, 0, 0];
    let k = 0, seen = 0, next = 0;
    for (let e = 0; e < m && (e >> 1) < codes.length; e++) {
      const c = (codes[e >> 1] >> ((e & 1) * 4)) & 15;
      if (!c) continue;
      const u = edges[2 * e], v = edges[2 * e + 1];
      for (let d = 0; d < 2; d++) {
        const kind = (c >> (2 * d)) & 3;
        if (!kind) continue;
        if (seen++ < next || 3 * k >= out.length || u >= n || v >= n) continue;
        next += stride;
        out[3 * k] = d ? v : u; out[3 * k + 1] = d ? u : v; out[3 * k + 2] = kind;
        kinds[kind - 1]++;
        k++;
      }
    }
    marks = out; nMarks = k;
    overlay.dataset.marks = String(k);
    overlay.dataset.kinds = kinds.join(","); // ignored, noticed, conversation
    overlay.dataset.step = String(msgStep);
    const now = performance.now();
    travelMs = Math.min(TRAVEL_MS[1], Math.max(TRAVEL_MS[0], 0.85 * (now - lastMsgAt)));
    lastMsgAt = now;
    travelStart = now;
    animating = k > 0;
    msgDirty = true;
    schedule(false);
  }
  function onToggle() {
    model.set("show_messages", toggle.checked);
    model.save_changes();
    readMessages();
  }
  toggle.addEventListener("change", onToggle);

  function readLabels() { labels = model.get("labels") || []; }
  function readScale() {
    zoom = Math.min(3, Math.max(0.75, Number(model.get("scale")) || 1));
    root.style.setProperty("--nv-scale", String(zoom));
  }
  function readTheme() { root.dataset.theme = model.get("theme") === "dark" ? "dark" : "light"; }
  function readDescription() {
    const d = model.get("description") || "Network view";
    canvas.setAttribute("aria-label", d);
    liveDesc.textContent = d;
  }
  function label(i) { return labels[i] !== undefined ? String(labels[i]) : `#${i}`; }
  function groupOf(i) { return i < groups.length && groups[i] <= 2 ? groups[i] : 2; }

  function drawLegend() {
    const counts = [0, 0, 0];
    for (let i = 0; i < n; i++) counts[groupOf(i)]++;
    legend.replaceChildren();
    for (let g = 0; g < 3; g++) {
      const item = document.createElement("span");
      item.className = "nv-legend-item";
      item.append(legendIcon(g, false), document.createTextNode(`${NAMES[g]} (${counts[g]})`));
      legend.appendChild(item);
    }
    const faded = document.createElement("span");
    faded.className = "nv-legend-item";
    const fadedText = "faded = faint: no longer listened to";
    faded.append(legendIcon(0, true), document.createTextNode(fadedText));
    legend.appendChild(faded);
    const ties = document.createElement("span");
    ties.className = "nv-legend-item";
    const line = document.createElement("span");
    line.className = "nv-legend-line";
    line.setAttribute("aria-hidden", "true");
    ties.append(line, document.createTextNode("tie (darker = more trust)"));
    legend.appendChild(ties);
  }

  // ---- sizing
  function resize() {
    const w = Math.max(120, Math.floor(stage.clientWidth || 400));
    const vh = window.innerHeight || 800;
    const h = Math.round(Math.min(w, Math.max(260, vh * 0.75)));
    const ratio = window.devicePixelRatio || 1;
    if (w === W && h === H && ratio === dpr) return;
    W = w; H = h; dpr = ratio;
    canvas.width = Math.round(W * dpr);
    canvas.height = Math.round(H * dpr);
    canvas.style.height = `${H}px`;
    schedule();
  }
  function geometry() {
    const fit = 0.18 * Math.min(W, H) / Math.sqrt(Math.max(1, n));
    radius = zoom * Math.max(2.5, Math.min(9, fit));
    const pad = radius * 1.6 + 4 * zoom;
    scale = Math.max(1, Math.min(W, H) - 2 * pad);
    ox = (W - scale) / 2;
    oy = (H - scale) / 2;
  }

  // ---- drawing (only when something changed; coalesced to one frame)
  // ``schedule(true)`` (the default) redraws the network; the message overlay is repainted
  // on every scheduled frame while its marks travel (one rAF loop for both).
  function schedule(network = true) {
    if (network) dirty = true;
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      if (dirty) { dirty = false; draw(); msgDirty = true; }
      if (msgDirty || animating) paintMessages();
    });
  }
  function draw() {
    if (!W || !H) return;
    const t0 = performance.now();
    geometry();
    const theme = THEMES[root.dataset.theme] || THEMES.light;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.globalAlpha = 1;
    ctx.fillStyle = theme.bg;
    ctx.fillRect(0, 0, W, H);
    // ties: one path per trust level
    if (m > 0) {
      const maxA = Math.min(0.55, Math.max(0.12, 12 / Math.sqrt(m)));
      const paths = [];
      for (let b = 0; b < EDGE_BUCKETS; b++) paths.push(new Path2D());
      const uniform = strength.length < m;
      const ub = Math.round(0.6 * (EDGE_BUCKETS - 1));
      for (let e = 0; e < m; e++) {
        const u = edges[2 * e], v = edges[2 * e + 1];
        if (u >= n || v >= n) continue;
        const b = uniform ? ub : (strength[e] * (EDGE_BUCKETS - 1) + 127) / 255 | 0;
        const p = paths[b];
        p.moveTo(px(u), py(u));
        p.lineTo(px(v), py(v));
      }
      ctx.lineWidth = zoom;
      ctx.strokeStyle = `rgb(${theme.edge})`;
      for (let b = 0; b < EDGE_BUCKETS; b++) {
        ctx.globalAlpha = maxA * (0.12 + 0.88 * b / (EDGE_BUCKETS - 1));
        ctx.stroke(paths[b]);
      }
    }
    const sel = model.get("selected");
    // the selected person's ties, on top
    if (sel >= 0 && sel < n && m > 0) {
      ctx.strokeStyle = `rgb(${theme.hi})`;
      ctx.lineWidth = 1.5 * zoom;
      for (let k = adjStart[sel]; k < adjStart[sel + 1]; k++) {
        const e = adj[k];
        const s = strength.length >= m ? strength[e] / 255 : 0.6;
        ctx.globalAlpha = 0.25 + 0.6 * s;
        ctx.beginPath();
        ctx.moveTo(px(edges[2 * e]), py(edges[2 * e]));
        ctx.lineTo(px(edges[2 * e + 1]), py(edges[2 * e + 1]));
        ctx.stroke();
      }
    }
    // people: faint ones first, so attended people sit on top
    const r = radius;
    const buckets = [];
    for (let b = 0; b < NODE_BUCKETS * 3; b++) buckets.push(null);
    for (let i = 0; i < n; i++) {
      const o = i < opacity.length ? opacity[i] : 255;
      const a = Math.max(MIN_ALPHA, o / 255);
      const b = Math.round(a * (NODE_BUCKETS - 1));
      const g = groupOf(i);
      const key = b * 3 + g;
      if (!buckets[key]) buckets[key] = new Path2D();
      shapePath(buckets[key], g, px(i), py(i), r);
    }
    ctx.lineWidth = (r < 4 * zoom ? 0.75 : 1) * zoom;
    for (let b = 0; b < NODE_BUCKETS; b++) {
      const a = Math.max(MIN_ALPHA, b / (NODE_BUCKETS - 1));
      for (let g = 0; g < 3; g++) {
        const p = buckets[b * 3 + g];
        if (!p) continue;
        ctx.fillStyle = COLORS[g];
        ctx.strokeStyle = COLORS[g];
        ctx.globalAlpha = a;
        ctx.fill(p);
        ctx.globalAlpha = Math.max(OUTLINE_ALPHA, a);
        ctx.stroke(p);
      }
    }
    // hover and selection rings
    ctx.globalAlpha = 1;
    if (hover >= 0 && hover < n && hover !== sel) {
      ctx.strokeStyle = theme.fg;
      ctx.lineWidth = 1.5 * zoom;
      ctx.beginPath();
      ctx.arc(px(hover), py(hover), r * 1.6 + 2 * zoom, 0, 2 * Math.PI);
      ctx.stroke();
    }
    if (sel >= 0 && sel < n) {
      ctx.beginPath();
      ctx.arc(px(sel), py(sel), r * 1.6 + 3 * zoom, 0, 2 * Math.PI);
      ctx.strokeStyle = theme.bg;
      ctx.lineWidth = 5 * zoom;
      ctx.stroke();
      ctx.strokeStyle = theme.fg;
      ctx.lineWidth = 2.5 * zoom;
      ctx.stroke();
    }
    drawHighlight(theme, r);
    // for tests and the curious: how many redraws, and how long the last one took
    canvas.dataset.draws = String(Number(canvas.dataset.draws || 0) + 1);
    canvas.dataset.drawMs = (performance.now() - t0).toFixed(1);
  }

  // ---- the person pointed at: a target ring (light halo, thick dark ring, thin outer ring,
  // four ticks: told by shape, not colour alone) and the marker box over it
  function drawHighlight(theme, r) {
    const h = model.get("highlight");
    if (!(h >= 0 && h < n)) {
      marker.hidden = true;
      delete root.dataset.highlight;
      return;
    }
    const x = px(h), y = py(h);
    const R = r * 1.6 + 7 * zoom, outer = R + 6 * zoom, tick = outer + 7 * zoom;
    ctx.globalAlpha = 1;
    ctx.beginPath();
    ctx.arc(x, y, R, 0, 2 * Math.PI);
    ctx.strokeStyle = theme.bg;
    ctx.lineWidth = 8 * zoom;
    ctx.stroke();
    ctx.strokeStyle = theme.fg;
    ctx.lineWidth = 3.5 * zoom;
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(x, y, outer, 0, 2 * Math.PI);
    for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
      ctx.moveTo(x + dx * outer, y + dy * outer);
      ctx.lineTo(x + dx * tick, y + dy * tick);
    }
    ctx.strokeStyle = theme.bg;
    ctx.lineWidth = 4.5 * zoom;
    ctx.stroke();
    ctx.strokeStyle = theme.fg;
    ctx.lineWidth = 1.75 * zoom;
    ctx.stroke();
    const half = tick + 2 * zoom;
    marker.style.left = `${x - half}px`;
    marker.style.top = `${y - half}px`;
    marker.style.width = marker.style.height = `${2 * half}px`;
    marker.dataset.person = String(h);
    marker.dataset.group = SINGULAR[groupOf(h)];
    marker.hidden = false;
    root.dataset.highlight = String(h);
  }

  // ---- messages: travelling marks (or, with reduced motion or once arrived, their rest state)
  function paintMessages() {
    const w = Math.round(W * dpr), h = Math.round(H * dpr);
    if (overlay.width !== w || overlay.height !== h) {
      overlay.width = w; overlay.height = h;
      overlay.style.height = `${H}px`;
    }
    msgDirty = false;
    octx.setTransform(dpr, 0, 0, dpr, 0, 0);
    octx.clearRect(0, 0, W, H);
    if (!nMarks || !W || !H) { animating = false; return; }
    const still = reducedMotion.matches;
    const t = still ? 1 : Math.min(1, (performance.now() - travelStart) / travelMs);
    const r = Math.max(2, 0.55 * radius), lw = 1.5 * zoom;
    const lines = [null, new Path2D(), new Path2D(), new Path2D()];
    const dots = [null, new Path2D(), new Path2D(), new Path2D()];
    for (let k = 0; k < nMarks; k++) {
      const a = marks[3 * k], b = marks[3 * k + 1], kind = marks[3 * k + 2];
      const x0 = px(a), y0 = py(a), x1 = px(b), y1 = py(b);
      const dx = x1 - x0, dy = y1 - y0, len = Math.hypot(dx, dy) || 1;
      if (kind === 3) {
        // a conversation: a double line, and one dot each way (each direction draws its own)
        const ox2 = -dy / len * 1.4 * zoom, oy2 = dx / len * 1.4 * zoom;
        lines[3].moveTo(x0 + ox2, y0 + oy2);
        lines[3].lineTo(x0 + ox2 + dx * t, y0 + oy2 + dy * t);
        const f = still ? 0.5 : t;
        const x = x0 + ox2 + dx * f, y = y0 + oy2 + dy * f;
        dots[3].moveTo(x + r, y);
        dots[3].arc(x, y, r, 0, 2 * Math.PI);
      } else if (kind === 2) {
        // a pitch noticed: a dot that reaches its receiver (dashed trail)
        lines[2].moveTo(x0, y0);
        lines[2].lineTo(x0 + dx * t, y0 + dy * t);
        const f = still ? 1 - (radius + r) / len : t;
        const x = x0 + dx * f, y = y0 + dy * f;
        dots[2].moveTo(x + r, y);
        dots[2].arc(x, y, r, 0, 2 * Math.PI);
      } else {
        // a pitch ignored: a hollow ring that stops halfway (dotted trail)
        const f = 0.5 * t;
        lines[1].moveTo(x0, y0);
        lines[1].lineTo(x0 + dx * f, y0 + dy * f);
        const x = x0 + dx * f, y = y0 + dy * f;
        dots[1].moveTo(x + r, y);
        dots[1].arc(x, y, r, 0, 2 * Math.PI);
      }
    }
    const dashes = [null, [1.5 * zoom, 3 * zoom], [6 * zoom, 3 * zoom], []];
    for (const kind of [1, 2, 3]) {
      octx.strokeStyle = MSG_COLORS[kind];
      octx.fillStyle = MSG_COLORS[kind];
      octx.lineWidth = lw;
      octx.setLineDash(dashes[kind]);
      octx.globalAlpha = kind === 1 ? 0.6 : 0.75;
      octx.stroke(lines[kind]);
      octx.setLineDash([]);
      // the ignored pitch's ring fades as it slows to a stop (not below a visible rest)
      octx.globalAlpha = kind === 1 ? (still ? 0.8 : 1 - 0.4 * t) : 1;
      if (kind === 1) { octx.lineWidth = 1.3 * zoom; octx.stroke(dots[1]); } else octx.fill(dots[kind]);
    }
    octx.globalAlpha = 1;
    overlay.dataset.paints = String(Number(overlay.dataset.paints || 0) + 1);
    animating = !still && t < 1;
    if (animating) schedule(false);
  }

  // ---- hit testing
  function nearest(x, y, maxPx) {
    if (!n) return -1;
    const gx = (x - ox) / scale, gy = (y - oy) / scale, rr = maxPx / scale;
    const size = grid.size;
    const cell = (v) => Math.min(size - 1, Math.max(0, Math.floor(v * size)));
    const c0 = cell(gx - rr), c1 = cell(gx + rr), r0 = cell(gy - rr), r1 = cell(gy + rr);
    let best = -1, bestD = maxPx * maxPx;
    for (let cy = r0; cy <= r1; cy++) {
      for (let cx = c0; cx <= c1; cx++) {
        const c = cy * size + cx;
        for (let k = grid.start[c]; k < grid.start[c + 1]; k++) {
          const i = grid.items[k];
          const dx = px(i) - x, dy = py(i) - y, d = dx * dx + dy * dy;
          if (d <= bestD) { bestD = d; best = i; }
        }
      }
    }
    return best;
  }
  function pointer(ev) {
    const rect = canvas.getBoundingClientRect();
    return [ev.clientX - rect.left, ev.clientY - rect.top];
  }
  function hitRadius(ev) { return radius + (ev.pointerType === "touch" ? 12 : 5 * zoom); }

  // ---- tooltip
  function tipText() {
    const t = model.get("hover_text");
    return tipFresh && t ? t : label(hover);
  }
  function placeTip(x, y) {
    if (hover < 0) { tip.style.display = "none"; return; }
    tip.textContent = tipText();
    tip.style.display = "block";
    const tw = tip.offsetWidth, th = tip.offsetHeight;
    let left = x + 14, top = y + 14;
    if (left + tw > W) left = Math.max(0, x - 14 - tw);
    if (top + th > H) top = Math.max(0, y - 14 - th);
    tip.style.left = `${left}px`;
    tip.style.top = `${top}px`;
  }
  let tipX = 0, tipY = 0;
  // Python's text counts only if it is about the person under the pointer now.
  function hoverTextArrived() {
    tipFresh = model.get("hover_for") === hover;
    if (hover >= 0) placeTip(tipX, tipY);
  }
  function setHover(i, x, y) {
    tipX = x; tipY = y;
    if (i !== hover) {
      hover = i;
      tipFresh = false;
      model.set("hovered", i);
      model.save_changes();
      schedule();
    }
    placeTip(x, y);
  }

  // ---- selection
  function announce(i) {
    liveSel.textContent =
      i >= 0 ? `Selected ${label(i)}, ${SINGULAR[groupOf(i)]}.` : "Selection cleared.";
  }
  function select(i, fromKeyboard) {
    model.set("selected", i);
    if (fromKeyboard) {
      if (i >= 0) setHover(i, px(i), py(i)); else setHover(-1, 0, 0);
    }
    model.save_changes();
    announce(i);
    schedule();
  }
  function nearestToCentre() {
    let best = -1, bestD = Infinity;
    for (let i = 0; i < n; i++) {
      const dx = pos[2 * i] - 0.5, dy = pos[2 * i + 1] - 0.5, d = dx * dx + dy * dy;
      if (d < bestD) { bestD = d; best = i; }
    }
    return best;
  }
  function step(cur, dx0, dy0) {
    const x0 = pos[2 * cur], y0 = pos[2 * cur + 1];
    let best = -1, bestS = Infinity, inCone = false;
    for (let j = 0; j < n; j++) {
      if (j === cur) continue;
      const dx = pos[2 * j] - x0, dy = pos[2 * j + 1] - y0;
      const along = dx * dx0 + dy * dy0;
      if (along <= 1e-9) continue;
      const perp = Math.abs(dx * dy0 - dy * dx0);
      const cone = perp <= along;
      const s = along + 2 * perp;
      if ((cone && !inCone) || (cone === inCone && s < bestS)) {
        best = j; bestS = s; inCone = cone;
      }
    }
    return best;
  }

  // ---- events
  const onMove = (ev) => {
    const [x, y] = pointer(ev);
    const i = nearest(x, y, hitRadius(ev));
    canvas.style.cursor = i >= 0 ? "pointer" : "default";
    setHover(i, x, y);
  };
  const onLeave = () => setHover(-1, 0, 0);
  const onClick = (ev) => {
    const [x, y] = pointer(ev);
    // The person highlighted under the pointer is the one clicked: a click's coordinates
    // are rounded to whole pixels where a move's are not, and in a crowd of dots half a
    // pixel can point at a neighbour.
    const still = hover >= 0 && Math.abs(x - tipX) < 1.5 && Math.abs(y - tipY) < 1.5;
    const i = still ? hover : nearest(x, y, hitRadius(ev));
    if (i < 0) return;
    select(i === model.get("selected") ? -1 : i, false);
  };
  const onKey = (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const dirs = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const cur = model.get("selected");
    const has = cur >= 0 && cur < n;
    let next = null;
    if (dirs[ev.key]) {
      next = has ? step(cur, dirs[ev.key][0], dirs[ev.key][1]) : nearestToCentre();
      if (next < 0) next = cur; // nothing further that way: stay
    } else if (ev.key === "PageDown" && n) {
      next = has ? (cur + 1) % n : 0;
    } else if (ev.key === "PageUp" && n) {
      next = has ? (cur - 1 + n) % n : n - 1;
    } else if (ev.key === "Enter" || ev.key === " ") {
      next = has ? cur : nearestToCentre();
    } else if (ev.key === "Escape" && has) {
      next = -1;
    }
    if (next === null) return;
    ev.preventDefault();
    select(next, true);
  };
  const onBlur = () => { if (hover >= 0) setHover(-1, 0, 0); };
  canvas.addEventListener("pointermove", onMove);
  canvas.addEventListener("pointerleave", onLeave);
  canvas.addEventListener("click", onClick);
  canvas.addEventListener("keydown", onKey);
  canvas.addEventListener("blur", onBlur);

  // ---- trait changes
  const handlers = {
    "change:positions": () => { readPositions(); readEdges(); drawLegend(); schedule(); },
    "change:edges": () => { readEdges(); schedule(); },
    "change:groups": () => { readGroups(); schedule(); },
    "change:opacity": () => { readOpacity(); schedule(); },
    "change:edge_strength": () => { readStrength(); schedule(); },
    "change:labels": () => { readLabels(); },
    "change:selected": () => schedule(),
    "change:highlight": () => schedule(),
    "change:hover_text": () => hoverTextArrived(),
    "change:hover_for": () => hoverTextArrived(),
    "change:theme": () => { readTheme(); schedule(); },
    "change:scale": () => { readScale(); schedule(); },
    "change:description": () => readDescription(),
    "change:messages": () => readMessages(),
    "change:show_messages": () => readMessages(),
  };
  for (const [ev, fn] of Object.entries(handlers)) model.on(ev, fn);

  readScale(); readTheme(); readDescription(); readLabels();
  readPositions(); readEdges(); readGroups(); readOpacity(); readStrength(); readMessages();
  const onMotionPref = () => { msgDirty = true; schedule(false); };
  reducedMotion.addEventListener("change", onMotionPref);
  const ro = new ResizeObserver(() => resize());
  ro.observe(stage);
  const onDpr = () => resize();
  window.addEventListener("resize", onDpr);
  resize();
  schedule();

  return () => {
    ro.disconnect();
    reducedMotion.removeEventListener("change", onMotionPref);
    toggle.removeEventListener("change", onToggle);
    window.removeEventListener("resize", onDpr);
    for (const [ev, fn] of Object.entries(handlers)) model.off(ev, fn);
  };
}

export default { render };
