const PAD = 8, TITLE_H = 30, LEGEND_ROW = 20, SWATCH_W = 30, MARKER_GAP = 56, TABLE_ROWS = 5;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
// Text colours meet 4.5:1 on their background (light: 15.8 and 6.4; dark: 14.0 and 7.5).
const THEMES = {
  light: { bg: "#ffffff", text: "#1f2328", muted: "#57606a", grid: "#d8dee4", axis: "#8c959f",
    ghost: 0.32 },
  dark: { bg: "#1b1f24", text: "#e6edf3", muted: "#a5b0bc", grid: "#30363d", axis: "#6e7681",
    ghost: 0.42 },
};

// ---- data ------------------------------------------------------------------------------
class Run {
  constructor(ncol, cap = 256) {
    this.ncol = ncol; this.n = 0; this.buf = new Float64Array(Math.max(1, ncol) * cap);
  }
  push(row) {
    if (row.length !== this.ncol) return false;
    if ((this.n + 1) * this.ncol > this.buf.length) {
      const nb = new Float64Array(this.buf.length * 2); nb.set(this.buf); this.buf = nb;
    }
    const o = this.n * this.ncol;
    for (let c = 0; c < this.ncol; c++) {
      const v = row[c];
      this.buf[o + c] = v === null || v === undefined ? NaN : +v;
    }
    this.n += 1;
    return true;
  }
  at(i, c) { return this.buf[i * this.ncol + c]; }
}

function floats(dv) {
  if (!dv) return new Float32Array(0);
  if (dv instanceof ArrayBuffer) return new Float32Array(dv.slice(0));
  if (ArrayBuffer.isView(dv)) {
    const n = Math.floor(dv.byteLength / 4);
    return new Float32Array(dv.buffer.slice(dv.byteOffset, dv.byteOffset + n * 4));
  }
  return new Float32Array(0);
}

// Decode a matrix; with split=true, rows of all-NaN separate runs.
function decode(dv, ncol, split) {
  const f = floats(dv), runs = [];
  if (ncol < 1 || f.length % ncol !== 0) return split ? runs : new Run(ncol);
  let cur = new Run(ncol, Math.max(16, f.length / ncol));
  for (let i = 0; i < f.length; i += ncol) {
    const row = f.subarray(i, i + ncol);
    if (split && row.every((v) => Number.isNaN(v))) {
      if (cur.n) runs.push(cur);
      cur = new Run(ncol, 16);
      continue;
    }
    cur.push(row);
  }
  if (!split) return cur;
  if (cur.n) runs.push(cur);
  return runs;
}

// ---- formatting ------------------------------------------------------------------------
function fmt(v) {
  if (!Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  if (a >= 1e6 || (a > 0 && a < 1e-3)) return v.toExponential(2);
  if (a >= 1000) return numberFormat(0).format(Math.round(v));
  return String(+v.toPrecision(3));
}
const formats = [];
function numberFormat(d) {  // Intl.NumberFormat is slow to create: one per digit count
  return formats[d] || (formats[d] = new Intl.NumberFormat("en-US",
    { minimumFractionDigits: d, maximumFractionDigits: d }));
}
function say(v) { return Number.isFinite(v) ? fmt(v) : "no value"; }
function tickFmt(v, step) {
  let d = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  while (d < 8 && Math.abs(step * 10 ** d - Math.round(step * 10 ** d)) > 1e-6) d++;  // 0.25
  const a = Math.abs(v);
  if (a >= 1e6) return v.toExponential(1);
  return numberFormat(d).format(v);
}
function niceStep(span, count) {
  const raw = span / Math.max(1, count), p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
}
function ticks(lo, hi, count, given) {
  const step = given || niceStep(hi - lo, count), out = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return { step, out };
}

// ---- colour contrast (WCAG relative luminance) -----------------------------------------
const probe = document.createElement("canvas").getContext("2d");
const colorCache = new Map();
function rgb(color) {
  probe.fillStyle = "#000"; probe.fillStyle = color;
  const s = probe.fillStyle;
  if (s[0] === "#") return [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16));
  const m = s.match(/[\d.]+/g) || [0, 0, 0];
  return m.slice(0, 3).map(Number);
}
function lum([r, g, b]) {
  const f = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}
function contrast(a, b) {
  const la = lum(a), lb = lum(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}
// A series colour, nudged toward white (dark theme) or black (light) until it reaches 3:1
// against the background (WCAG non-text contrast). Usually returned unchanged.
function visible(color, bg) {
  const key = color + "|" + bg;
  if (colorCache.has(key)) return colorCache.get(key);
  let c = rgb(color);
  const b = rgb(bg), target = lum(b) < 0.5 ? 255 : 0;
  for (let i = 0; i < 10 && contrast(c, b) < 3; i++) c = c.map((v) => v + (target - v) * 0.15);
  const out = `rgb(${c.map(Math.round).join(",")})`;
  colorCache.set(key, out);
  return out;
}

// ---- drawing helpers ---------------------------------------------------------------------
function marker(ctx, kind, x, y, r, fill, edge) {
  ctx.beginPath();
  if (kind === "circle") ctx.arc(x, y, r, 0, 2 * Math.PI);
  else if (kind === "triangle") {
    const h = r * 1.25;
    ctx.moveTo(x, y - h); ctx.lineTo(x + h, y + h * 0.8); ctx.lineTo(x - h, y + h * 0.8);
    ctx.closePath();
  } else ctx.rect(x - r, y - r, 2 * r, 2 * r);
  ctx.fillStyle = fill; ctx.fill();
  ctx.lineWidth = 1; ctx.setLineDash([]); ctx.strokeStyle = edge; ctx.stroke();
}
function ellipsize(ctx, text, w) {
  if (ctx.measureText(text).width <= w) return text;
  let s = text;
  while (s.length > 1 && ctx.measureText(s + "…").width > w) s = s.slice(0, -1);
  return s + "…";
}
// The last row of a run whose step (column 0) is at most x, or -1; rows are in step order.
function rowAt(r, x) {
  let lo = 0, hi = r.n - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (r.at(mid, 0) <= x) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}
function slug(s) {
  const x = (s || "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return (x || "chart").slice(0, 80);
}

// ---- the widget ----------------------------------------------------------------------------
function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "lc-root";
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  const btn = document.createElement("button");
  btn.type = "button"; btn.className = "lc-btn"; btn.textContent = "PNG";
  const setButtonName = (title) => {
    const name = `Download PNG of ${title || "the chart"}`;
    if (btn.getAttribute("aria-label") !== name) {
      btn.setAttribute("aria-label", name); btn.title = name;
    }
  };
  // The one-line definition of what the chart measures, shown under it (screen readers get
  // it in the canvas's text alternative, so it is hidden from them here).
  const caption = document.createElement("p");
  caption.className = "lc-desc"; caption.setAttribute("aria-hidden", "true");
  caption.hidden = true;
  const table = document.createElement("table");
  table.className = "lc-sr";
  root.append(canvas, caption, btn, table);
  el.appendChild(root);

  const ncol = () => (model.get("series") || []).length + 1;
  let run = decode(model.get("history"), ncol(), false);
  let ghosts = decode(model.get("ghosts"), ncol(), true);
  let frame = 0, lastLabel = "", lastTable = "", cssW = 0, a11yAt = 0, a11yTimer = 0;
  let onScreen = true, stale = false;

  const schedule = () => { if (!frame) frame = requestAnimationFrame(draw); };

  model.on("change:history", () => {
    run = decode(model.get("history"), ncol(), false);
    schedule();
  });
  model.on("change:ghosts", () => {
    ghosts = decode(model.get("ghosts"), ncol(), true);
    schedule();
  });
  model.on("change:series", () => {
    run = decode(model.get("history"), ncol(), false);
    ghosts = decode(model.get("ghosts"), ncol(), true);
    schedule();
  });
  const redrawOn = ["title", "x_label", "y_label", "y_min", "y_max", "theme", "description",
    "height", "scale", "cursor"];
  for (const k of redrawOn) {
    model.on("change:" + k, schedule);
  }
  model.on("msg:custom", (msg) => {
    if (msg && Array.isArray(msg.append)) {
      if (!run.push(msg.append)) model.send({ sync: 1 });  // out of step: ask for the history
      schedule();
    }
  });

  btn.addEventListener("click", () => {
    draw(true);
    const a = document.createElement("a");
    a.href = canvas.toDataURL("image/png");
    a.download = slug(model.get("title")) + ".png";
    document.body.appendChild(a);
    a.click();
    a.remove();
  });

  // The width comes from the observer: reading clientWidth while drawing would force a
  // layout of the whole page per chart per frame.
  const ro = new ResizeObserver((entries) => {
    for (const e of entries) cssW = e.contentRect.width;
    schedule();
  });
  ro.observe(root);
  // Charts scrolled out of view skip drawing, and draw once when they come back.
  const io = new IntersectionObserver((entries) => {
    onScreen = entries[entries.length - 1].isIntersecting;
    if (onScreen && stale) schedule();
  });
  io.observe(root);
  const dprQuery = `(resolution: ${window.devicePixelRatio}dppx)`;
  const mq = window.matchMedia ? window.matchMedia(dprQuery) : null;
  mq?.addEventListener?.("change", schedule);

  function accessible(series, title, last, replaying) {
    let sentence;
    if (last < 0) sentence = "No data yet.";
    else {
      const parts = series.map((s, c) => `${s.label} ${say(run.at(last, c + 1))}`);
      const at = `${model.get("x_label") || "x"} ${fmt(run.at(last, 0))}`;
      sentence = replaying ? `Replaying ${at}: ${parts.join(", ")}.`
        : `Latest values at ${at}: ${parts.join(", ")}.`;
    }
    const desc = (model.get("description") || "").trim();
    const label = [title || "Line chart", desc, sentence].filter(Boolean)
      .map((s) => /[.!?]$/.test(s) ? s : s + ".").join(" ");
    if (label !== lastLabel) { canvas.setAttribute("aria-label", label); lastLabel = label; }
    const first = Math.max(0, run.n - TABLE_ROWS);
    const key = `${run.n}|${series.length}|${title}|${run.n ? run.at(run.n - 1, 0) : ""}`;
    if (key === lastTable) return;
    lastTable = key;
    const esc = (s) => String(s).replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
    const shown = Math.min(TABLE_ROWS, run.n);
    let html = `<caption>${esc(title || "Line chart")}: last ${shown} values</caption>`;
    html += `<thead><tr><th scope="col">${esc(model.get("x_label") || "x")}</th>`;
    html += series.map((s) => `<th scope="col">${esc(s.label)}</th>`).join("");
    html += "</tr></thead><tbody>";
    for (let i = first; i < run.n; i++) {
      html += `<tr><th scope="row">${fmt(run.at(i, 0))}</th>`;
      for (let c = 1; c < run.ncol; c++) html += `<td>${say(run.at(i, c))}</td>`;
      html += "</tr>";
    }
    table.innerHTML = html + "</tbody>";
  }

  function draw(force = false) {
    if (frame) { cancelAnimationFrame(frame); frame = 0; }
    const series = model.get("series") || [];
    const title = model.get("title") || "";
    const th = THEMES[model.get("theme")] || THEMES.light;
    root.classList.toggle("lc-dark", model.get("theme") === "dark");
    const desc = (model.get("description") || "").trim();
    if (caption.textContent !== desc) { caption.textContent = desc; caption.hidden = !desc; }
    // Replaying an earlier step: a cursor marks it, and the legend gives its values.
    const cursor = model.get("cursor");
    const replaying = cursor !== null && cursor !== undefined && run.n > 0;
    const last = replaying ? rowAt(run, cursor) : run.n - 1;
    // The text for screen readers changes at most once a second (DOM writes cost layout).
    const now = performance.now();
    if (now - a11yAt >= 1000) {
      a11yAt = now;
      accessible(series, title, last, replaying);
      setButtonName(title);
    } else if (!a11yTimer) {
      a11yTimer = setTimeout(() => { a11yTimer = 0; a11yAt = 0; schedule(); }, 1000);
    }
    // Projector mode: everything is drawn `zoom` times larger. The drawing below works in units
    // of 1/zoom CSS pixel: it lays out a chart W wide and H high that the transform enlarges.
    const zoom = Math.min(3, Math.max(0.75, Number(model.get("scale")) || 1));
    root.style.setProperty("--lc-scale", String(zoom));
    const W = cssW / zoom, H = Math.max(120, model.get("height") || 280);
    if (!W || (!onScreen && force !== true)) { stale = true; return; }
    stale = false;
    const dpr = window.devicePixelRatio || 1;
    const pw = Math.round(cssW * dpr), ph = Math.round(H * zoom * dpr);
    if (canvas.width !== pw || canvas.height !== ph) {
      canvas.width = pw; canvas.height = ph; canvas.style.height = H * zoom + "px";
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr * zoom, 0, 0, dpr * zoom, 0, 0);
    ctx.fillStyle = th.bg; ctx.fillRect(0, 0, W, H);
    ctx.textBaseline = "middle";

    // title (room on the right for the PNG button)
    ctx.font = `600 14px ${FONT}`; ctx.fillStyle = th.text; ctx.textAlign = "left";
    ctx.fillText(ellipsize(ctx, title, W - 2 * PAD - 44), PAD, TITLE_H / 2);

    // legend: swatch (colour + dash + marker), label, latest value
    const colors = series.map((s, i) => visible(s.color || "#0072B2", th.bg));
    let lx = PAD, ly = TITLE_H + LEGEND_ROW / 2 - 4;
    ctx.font = `600 12px ${FONT}`;
    const minValW = ctx.measureText("-0.000").width;  // steady legend: values change width
    series.forEach((s, i) => {
      const val = last >= 0 ? fmt(run.at(last, i + 1)) : "–";
      ctx.font = `600 12px ${FONT}`;
      const vw = Math.max(minValW, ctx.measureText(val).width);
      ctx.font = `12px ${FONT}`;
      // a label too long for a row of its own (a narrow chart, or projector mode) is cut
      // short; the full label is in the canvas's text alternative
      const fixed = SWATCH_W + 6 + 6 + vw + 16;
      const label = ellipsize(ctx, s.label, Math.max(24, W - 2 * PAD - fixed));
      const lw = ctx.measureText(label).width;
      const w = fixed + lw;
      if (lx > PAD && lx + w > W - PAD) { lx = PAD; ly += LEGEND_ROW; }
      ctx.strokeStyle = colors[i]; ctx.lineWidth = 2; ctx.setLineDash(s.dash || []);
      ctx.beginPath(); ctx.moveTo(lx, ly); ctx.lineTo(lx + SWATCH_W, ly); ctx.stroke();
      marker(ctx, s.marker, lx + SWATCH_W / 2, ly, 3.5, colors[i], th.bg);
      ctx.fillStyle = th.text;
      ctx.fillText(label, lx + SWATCH_W + 6, ly);
      ctx.font = `600 12px ${FONT}`;
      ctx.fillText(val, lx + SWATCH_W + 6 + lw + 6, ly);
      ctx.font = `12px ${FONT}`;
      lx += w;
    });
    if (ghosts.length) {  // say what the faint lines are
      const text = ghosts.length === 1 ? "faint: earlier run" : "faint: earlier runs";
      const w = SWATCH_W + 6 + ctx.measureText(text).width + 8;
      if (lx > PAD && lx + w > W - PAD) { lx = PAD; ly += LEGEND_ROW; }
      ctx.globalAlpha = th.ghost + 0.1; ctx.strokeStyle = th.muted; ctx.lineWidth = 1.25;
      ctx.setLineDash([]);
      ctx.beginPath(); ctx.moveTo(lx, ly); ctx.lineTo(lx + SWATCH_W, ly); ctx.stroke();
      ctx.globalAlpha = 1; ctx.fillStyle = th.muted;
      ctx.fillText(text, lx + SWATCH_W + 6, ly);
    }
    const top = ly + LEGEND_ROW / 2 + 6;

    // ranges: x covers the run and the ghosts; y is fixed or auto (nice bounds)
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const r of [run, ...ghosts]) {
      if (!r.n) continue;
      x0 = Math.min(x0, r.at(0, 0)); x1 = Math.max(x1, r.at(r.n - 1, 0));
      for (let i = 0; i < r.n; i++) {
        for (let c = 1; c < r.ncol; c++) {
          const v = r.at(i, c);
          if (v < y0) y0 = v;
          if (v > y1) y1 = v;
        }
      }
    }
    if (!Number.isFinite(x0)) { x0 = 0; x1 = 1; }
    if (x1 <= x0) x1 = x0 + 1;
    const fixLo = model.get("y_min"), fixHi = model.get("y_max");
    const hasLo = fixLo !== null && fixLo !== undefined;
    const hasHi = fixHi !== null && fixHi !== undefined;
    if (!Number.isFinite(y0)) { y0 = 0; y1 = 1; }
    if (hasLo) y0 = fixLo;
    if (hasHi) y1 = fixHi;
    if (y1 <= y0) {
      const d = Math.abs(y0) * 0.1 || 0.5;
      if (!hasLo) y0 -= d;
      if (!hasHi || y1 <= y0) y1 = y0 + 2 * d;
    }
    const plotH0 = H - top - 44;
    let yt = ticks(y0, y1, Math.max(2, Math.floor(plotH0 / 40)));
    if (!hasLo || !hasHi) {
      const pad = (y1 - y0) * 0.04, unit = yt.step / 5;  // round to a fifth of a tick step
      if (!hasLo) y0 = Math.floor((y0 - pad) / unit) * unit;
      if (!hasHi) y1 = Math.ceil((y1 + pad) / unit) * unit;
      yt = ticks(y0, y1, 0, yt.step);
    }

    ctx.font = `11px ${FONT}`;
    const yLabels = yt.out.map((v) => tickFmt(v, yt.step));
    const tickW = Math.max(0, ...yLabels.map((s) => ctx.measureText(s).width));
    const left = PAD + 18 + tickW + 6, right = W - PAD - 12, bottom = H - 40;
    const plotW = Math.max(10, right - left), plotH = Math.max(10, bottom - top);
    const X = (v) => left + ((v - x0) / (x1 - x0)) * plotW;
    const Y = (v) => bottom - ((v - y0) / (y1 - y0)) * plotH;

    // grid, axes, ticks
    ctx.lineWidth = 1; ctx.setLineDash([]); ctx.strokeStyle = th.grid;
    ctx.fillStyle = th.muted; ctx.textAlign = "right";
    yt.out.forEach((v, i) => {
      const y = Math.round(Y(v)) + 0.5;
      ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(right, y); ctx.stroke();
      ctx.fillText(yLabels[i], left - 6, y);
    });
    const xt = ticks(x0, x1, Math.max(2, Math.floor(plotW / 80)));
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    for (const v of xt.out) {
      const x = Math.round(X(v)) + 0.5;
      ctx.strokeStyle = th.axis;
      ctx.beginPath(); ctx.moveTo(x, bottom); ctx.lineTo(x, bottom + 4); ctx.stroke();
      ctx.fillText(tickFmt(v, xt.step), x, bottom + 6);
    }
    ctx.strokeStyle = th.axis;
    ctx.beginPath(); ctx.moveTo(left + 0.5, top); ctx.lineTo(left + 0.5, bottom + 0.5);
    ctx.lineTo(right, bottom + 0.5); ctx.stroke();
    ctx.fillStyle = th.muted; ctx.font = `12px ${FONT}`;
    ctx.fillText(model.get("x_label") || "", left + plotW / 2, bottom + 22);
    ctx.save();
    ctx.translate(PAD + 6, top + plotH / 2); ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle"; ctx.fillText(model.get("y_label") || "", 0, 0);
    ctx.restore();
    ctx.textBaseline = "middle";

    if (!run.n && !ghosts.length) {
      ctx.fillStyle = th.muted; ctx.font = `12px ${FONT}`; ctx.textAlign = "center";
      ctx.fillText("No data yet", left + plotW / 2, top + plotH / 2);
    }

    // lines: every k-th point when there are more points than pixels
    ctx.save();
    ctx.beginPath(); ctx.rect(left, top - 6, plotW + 10, plotH + 12); ctx.clip();
    ctx.lineJoin = "round"; ctx.lineCap = "butt";
    const line = (r, c, width, alpha, withMarkers, si) => {
      if (!r.n) return;
      const k = Math.max(1, Math.ceil(r.n / plotW));  // at most one point per CSS pixel
      const s = series[si];
      ctx.globalAlpha = alpha; ctx.strokeStyle = colors[si]; ctx.lineWidth = width;
      ctx.setLineDash(s.dash || []);
      ctx.beginPath();
      let pen = false;
      const marks = [];
      let nextMark = left + (MARKER_GAP / Math.max(1, series.length)) * si + 8;
      for (let i = 0; i < r.n; i = (i + k < r.n || i === r.n - 1) ? i + k : r.n - 1) {
        const v = r.at(i, c);
        if (!Number.isFinite(v)) { pen = false; continue; }
        const x = X(r.at(i, 0)), y = Y(v);
        if (pen) ctx.lineTo(x, y); else { ctx.moveTo(x, y); pen = true; }
        if (withMarkers && x >= nextMark) { marks.push([x, y]); nextMark = x + MARKER_GAP; }
      }
      ctx.stroke();
      ctx.globalAlpha = 1;
      for (const [x, y] of marks) marker(ctx, s.marker, x, y, 3, colors[si], th.bg);
    };
    ghosts.forEach((g, gi) => {
      const alpha = th.ghost * (1 - 0.25 * (ghosts.length - 1 - gi));  // newest least faint
      series.forEach((s, si) => line(g, si + 1, 1.25, alpha, false, si));
    });
    series.forEach((s, si) => line(run, si + 1, 2, 1, true, si));
    if (replaying) {  // the cursor: a dashed upright line at the step being replayed
      const x = Math.round(X(cursor)) + 0.5;
      ctx.strokeStyle = th.text; ctx.lineWidth = 1.5; ctx.setLineDash([4, 3]);
      ctx.beginPath(); ctx.moveTo(x, top - 6); ctx.lineTo(x, bottom); ctx.stroke();
      ctx.setLineDash([]);
      const tag = `step ${fmt(cursor)}`, onLeft = x > left + plotW / 2;
      ctx.font = `600 11px ${FONT}`; ctx.fillStyle = th.text;
      ctx.textAlign = onLeft ? "right" : "left";
      ctx.fillText(tag, onLeft ? x - 4 : x + 4, top + 2);
    }
    // the newest (or replayed) point of each series, slightly larger
    if (last >= 0) {
      series.forEach((s, si) => {
        const v = run.at(last, si + 1);
        if (!Number.isFinite(v)) return;
        marker(ctx, s.marker, X(run.at(last, 0)), Y(v), 4.5, colors[si], th.bg);
      });
    }
    ctx.restore();
  }

  schedule();
  model.send({ sync: 1 });  // a view that connects late asks for the full run
  return () => {
    ro.disconnect();
    io.disconnect();
    mq?.removeEventListener?.("change", schedule);
    if (frame) cancelAnimationFrame(frame);
    if (a11yTimer) clearTimeout(a11yTimer);
  };
}

export default { render };
