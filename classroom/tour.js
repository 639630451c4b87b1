// The guided tour: a small dialog that walks a newcomer through the page, one part at a time.
// The dialog and the ring around the part it points at float over the page (appended to
// <body>, position: fixed); the widget's own element stays empty and hidden.

const MARGIN = 8;          // px kept free at the window's edges
const GAP = 14;            // px between the part pointed at and the dialog
const PAD = 6;             // px between the part and its ring
const EDGE = 9;            // px: the ring's outer lines need this much room in the window
const SMALL = 600;         // px: narrower windows get the dialog centred, across the width
const POLL_MS = 100;
const FIRST_WAIT_MS = 20000; // on load, how long the page may take to show a first target
const SETTLE_MS = 800;     // ...and its parts must stay put this long before the tour opens
let uid = 0;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function readDone(key) {
  try {
    return window.localStorage.getItem(key) !== null;
  } catch (e) {
    return false; // no storage: it cannot be remembered, so offer the tour
  }
}
function writeDone(key) {
  try {
    window.localStorage.setItem(key, "done");
  } catch (e) {
    // no storage (a locked-down browser): the tour will be offered again next time
  }
}

// Shown on screen, now: in the document, not hidden, with a size, and not slid off to a
// side (a folded drawer sits beside the window, where scrolling cannot bring it).
function visible(el) {
  if (!el || !el.isConnected || el.closest("[hidden], [inert]")) return false;
  if (el.checkVisibility && !el.checkVisibility({ opacityProperty: true,
    visibilityProperty: true })) return false;
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1) return false;
  const vw = document.documentElement.clientWidth || window.innerWidth;
  return r.right > 0 && r.left < vw;
}

// The first visible element matching one of the selectors (in order of preference).
function firstVisible(selectors) {
  for (const s of selectors) {
    let found;
    try {
      found = document.querySelectorAll(s);
    } catch (e) {
      continue; // a selector this browser does not understand
    }
    for (const el of found) if (visible(el)) return { el, selector: s };
  }
  return null;
}

function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }

function render({ model, el }) {
  el.style.display = "none";
  const id = `tour-${++uid}`;
  let dialog = null, ring = null, title = null, text = null, note = null, count = null;
  let live = null, back = null, next = null, skip = null;
  let opened = false;      // the dialog is on screen
  let seq = 0;             // each request to show a step; a newer one cancels older ones
  let index = -1;          // the step on screen
  let wanted = -1;         // the step asked for last (Next twice quickly goes two steps on)
  let shownAny = false;    // this run of the tour showed at least one step
  let announced = false;   // the first step is read out through focus; later ones, live
  let target = null;       // the element pointed at
  let returnFocus = null;  // where focus was before the tour opened
  let frame = 0;
  let watchTarget = null, watchMoves = null;

  const steps = () => model.get("steps") || [];
  const key = () => model.get("storage_key");

  function setShown(stepKey) {
    if (model.get("step_shown") === stepKey) return;
    model.set("step_shown", stepKey);
    model.save_changes();
  }

  // ---- the dialog
  function button(cls, label) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `tour-btn ${cls}`;
    b.textContent = label;
    return b;
  }
  function build() {
    dialog = document.createElement("div");
    dialog.className = "tour-dialog";
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.setAttribute("aria-labelledby", `${id}-title`);
    dialog.setAttribute("aria-describedby", `${id}-text`);
    dialog.tabIndex = -1;
    count = document.createElement("p");
    count.className = "tour-count";
    title = document.createElement("h2");
    title.className = "tour-title";
    title.id = `${id}-title`;
    text = document.createElement("div");
    text.className = "tour-text";
    text.id = `${id}-text`;
    note = document.createElement("p");
    note.className = "tour-note";
    live = document.createElement("div");
    live.className = "tour-sr";
    live.setAttribute("aria-live", "polite");
    const buttons = document.createElement("div");
    buttons.className = "tour-buttons";
    skip = button("tour-skip", "Skip tour");
    back = button("tour-back", "Back");
    next = button("tour-next", "Next");
    const right = document.createElement("span");
    right.className = "tour-nav";
    right.append(back, next);
    buttons.append(skip, right);
    dialog.append(count, title, text, buttons, live);
    ring = document.createElement("div");
    ring.className = "tour-ring";
    ring.setAttribute("aria-hidden", "true");
    skip.addEventListener("click", () => close(true));
    back.addEventListener("click", () => show(wanted - 1, -1));
    next.addEventListener("click", () => {
      if (next.dataset.last === "true") close(true); else show(wanted + 1, 1);
    });
    dialog.addEventListener("keydown", onDialogKey);
    document.body.append(ring, dialog);
  }

  // Tab and Shift+Tab stay among the dialog's buttons.
  function onDialogKey(ev) {
    if (ev.key !== "Tab") return;
    const items = [skip, back, next].filter((b) => !b.hidden && !b.disabled);
    if (!items.length) return;
    const at = items.indexOf(document.activeElement);
    const to = ev.shiftKey ? (at <= 0 ? items.length - 1 : at - 1)
      : (at < 0 || at === items.length - 1 ? 0 : at + 1);
    ev.preventDefault();
    items[to].focus();
  }
  // Esc skips the tour, unless something on the page used the key already (a menu).
  function onDocKey(ev) {
    if (ev.key !== "Escape" || ev.defaultPrevented || !opened) return;
    ev.preventDefault();
    close(true);
  }

  // ---- placing the dialog beside its target, within the window
  function schedulePlace() {
    if (frame) return;
    frame = requestAnimationFrame(() => { frame = 0; place(); });
  }
  function place() {
    if (!dialog) return;
    const vw = document.documentElement.clientWidth || window.innerWidth;
    const vh = document.documentElement.clientHeight || window.innerHeight;
    const small = vw < SMALL;
    dialog.classList.toggle("tour-small", small);
    if (index >= 0) updateCount();
    const dw = dialog.offsetWidth, dh = dialog.offsetHeight;
    const r = target && visible(target) ? target.getBoundingClientRect() : null;
    ring.hidden = r === null;
    if (r) {
      const radius = getComputedStyle(target).borderRadius;
      ring.style.borderRadius = radius === "50%" ? "50%" : "";
      // around the target, but kept in the window when the target touches its edge
      const left = Math.max(r.left - PAD, Math.min(r.left, EDGE));
      const top = Math.max(r.top - PAD, Math.min(r.top, EDGE));
      const right = Math.min(r.right + PAD, Math.max(r.right, vw - EDGE));
      const bottom = Math.min(r.bottom + PAD, Math.max(r.bottom, vh - EDGE));
      ring.style.left = `${left}px`;
      ring.style.top = `${top}px`;
      ring.style.width = `${right - left}px`;
      ring.style.height = `${bottom - top}px`;
    }
    const maxLeft = Math.max(MARGIN, vw - dw - MARGIN);
    const maxTop = Math.max(MARGIN, vh - dh - MARGIN);
    let left = (vw - dw) / 2, top = (vh - dh) / 2, where = "centre";
    if (r) {
      const midX = clamp(r.left + r.width / 2 - dw / 2, MARGIN, maxLeft);
      const midY = clamp(r.top + r.height / 2 - dh / 2, MARGIN, maxTop);
      const below = r.bottom + PAD + GAP, above = r.top - PAD - GAP - dh;
      const options = small ? [] : [
        ["right", r.right + PAD + GAP, midY, r.right + PAD + GAP + dw <= vw - MARGIN],
        ["left", r.left - PAD - GAP - dw, midY, r.left - PAD - GAP - dw >= MARGIN],
      ];
      const cx = small ? (vw - dw) / 2 : midX;
      options.push(["below", cx, below, below + dh <= vh - MARGIN]);
      options.push(["above", cx, above, above >= MARGIN]);
      const fits = options.find((o) => o[3] && dh + 2 * MARGIN <= vh);
      if (fits) {
        [where, left, top] = fits;
      } else if (small) {
        // no room above or below: the half of the window the target leaves freer
        where = "edge";
        top = r.top + r.height / 2 > vh / 2 ? MARGIN : maxTop;
      }
    }
    dialog.style.left = `${Math.round(clamp(left, MARGIN, maxLeft))}px`;
    dialog.style.top = `${Math.round(clamp(top, MARGIN, maxTop))}px`;
    dialog.dataset.placed = where;
  }
  function follow(el) {
    if (watchTarget) watchTarget.disconnect();
    if (watchMoves) watchMoves.disconnect();
    watchTarget = watchMoves = null;
    if (!el) return;
    watchTarget = new ResizeObserver(schedulePlace);
    watchTarget.observe(el);
    watchTarget.observe(dialog);
    // the network's person marker moves by its style when the network is redrawn
    watchMoves = new MutationObserver(schedulePlace);
    watchMoves.observe(el, { attributes: true, attributeFilter: ["style", "hidden"] });
  }

  // ---- the steps
  // "Step k of n" counts the steps that can be shown now (the page may change under the
  // tour: a part appears, the window narrows); the last one says "Done" and the closing note.
  function updateCount() {
    const list = available();
    if (!list.includes(index)) { list.push(index); list.sort((a, b) => a - b); }
    const k = list.indexOf(index) + 1, n = list.length, last = k === n;
    const said = `Step ${k} of ${n}`;
    if (count.textContent !== said) count.textContent = said;
    const closing = last ? model.get("closing_note") || "" : "";
    if (closing && (note.textContent !== closing || !note.isConnected)) {
      note.textContent = closing;
      text.append(note);
    } else if (!closing && note.isConnected) {
      note.remove();
    }
    back.hidden = k === 1;
    next.textContent = last ? "Done" : "Next";
    next.dataset.last = String(last);
    if (back.hidden && document.activeElement === back) next.focus({ preventScroll: true });
    return [k, n];
  }
  function available() {
    const list = [];
    steps().forEach((s, i) => {
      const t = s.targets || [];
      if (!t.length || firstVisible(t)) list.push(i);
    });
    return list;
  }
  // The step's target: the first selector may take wait_ms to appear (the person marker
  // comes after a round trip through Python); then the first visible match of any.
  async function locate(step, token) {
    const selectors = step.targets || [];
    if (!selectors.length) return { el: null, selector: "" };
    const wait = Number(step.wait_ms) || 0;
    const deadline = performance.now() + wait;
    while (wait > 0 && performance.now() < deadline) {
      const hit = firstVisible([selectors[0]]);
      if (hit) return hit;
      await sleep(POLL_MS);
      if (token !== seq) return null;
    }
    return firstVisible(selectors) || undefined;
  }

  async function show(i, dir) {
    const token = ++seq;
    const all = steps();
    if (i < 0) { i = 0; dir = 1; }
    if (i >= all.length) { close(shownAny); return; }
    wanted = i;
    const step = all[i];
    setShown(step.key);
    const hit = await locate(step, token);
    if (token !== seq || !opened || hit === null) return;
    if (hit === undefined) { show(i + dir, dir); return; } // missing or hidden: skip it
    index = i;
    shownAny = true;
    target = hit.el;
    dialog.dataset.step = step.key;
    dialog.dataset.target = hit.selector;
    title.textContent = step.title || "";
    const p = document.createElement("p");
    p.textContent = step.text || "";
    text.replaceChildren(p);
    const [k, n] = updateCount();
    if (target) {
      const r = target.getBoundingClientRect();
      const vh = document.documentElement.clientHeight || window.innerHeight;
      target.scrollIntoView({ behavior: "instant", inline: "nearest",
        block: r.height < 0.6 * vh ? "center" : "nearest" });
    }
    dialog.hidden = false;
    place();
    follow(target);
    const focus = document.activeElement;
    if (!dialog.contains(focus) || focus.hidden || focus === dialog) {
      next.focus({ preventScroll: true });
    }
    if (announced) {
      live.textContent = `Step ${k} of ${n}. ${title.textContent}. ${p.textContent}`;
    }
    announced = true;
  }

  // ---- opening and closing
  async function open(fromStart) {
    if (opened) { shownAny = false; announced = true; show(0, 1); return; }
    if (document.querySelector(".tour-dialog")) return; // another copy of the tour is open
    const token = ++seq;
    // the page may still be coming up: wait (a while) until there is something to point
    // at and what there is has stayed the same for SETTLE_MS
    const until = performance.now() + (fromStart ? FIRST_WAIT_MS : FIRST_WAIT_MS / 4);
    let found = available().join(), since = performance.now();
    while (!found || performance.now() - since < SETTLE_MS) {
      if (performance.now() > until) {
        if (found) break;
        return;
      }
      await sleep(2 * POLL_MS);
      if (token !== seq) return;
      const now = available().join();
      if (now !== found) { found = now; since = performance.now(); }
    }
    if (opened || document.querySelector(".tour-dialog")) return;
    const active = document.activeElement;
    returnFocus = active && active !== document.body ? active : null;
    build();
    dialog.hidden = true; // until the first step is placed
    opened = true;
    shownAny = false;
    announced = false;
    document.addEventListener("keydown", onDocKey);
    window.addEventListener("resize", schedulePlace);
    window.addEventListener("scroll", schedulePlace, { capture: true, passive: true });
    show(0, 1);
  }
  // ``remember``: write the key (the learner finished or skipped the tour).
  function close(remember) {
    seq++;
    if (!opened) return;
    opened = false;
    if (remember) writeDone(key());
    follow(null);
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    document.removeEventListener("keydown", onDocKey);
    window.removeEventListener("resize", schedulePlace);
    window.removeEventListener("scroll", schedulePlace, { capture: true });
    const hadFocus = dialog && dialog.contains(document.activeElement);
    if (dialog) dialog.remove();
    if (ring) ring.remove();
    dialog = ring = target = null;
    index = wanted = -1;
    setShown("");
    if (hadFocus && returnFocus && returnFocus.isConnected) {
      returnFocus.focus({ preventScroll: true });
    }
    returnFocus = null;
  }

  const onRestart = () => open(false);
  model.on("change:restarts", onRestart);
  if (!readDone(key())) open(true);
  else setShown("");

  return () => {
    model.off("change:restarts", onRestart);
    close(false);
  };
}

export default { render };
