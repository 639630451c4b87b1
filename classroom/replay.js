// The replay slider under the network: a native range input (keyboard: arrows, Page Up/Down,
// Home, End), its label saying which step is shown, and "Back to now". While the learner
// drags, at most one change is sent per animation frame.
function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "rp-root";
  const label = document.createElement("label");
  label.className = "rp-label";
  const id = `rp-${Math.random().toString(36).slice(2)}`;
  label.htmlFor = id;
  const input = document.createElement("input");
  input.type = "range";
  input.id = id;
  input.className = "rp-range";
  input.step = "1";
  const back = document.createElement("button");
  back.type = "button";
  back.className = "rp-now";
  back.textContent = "Back to now";
  root.append(label, input, back);
  el.append(root);

  let pending = null, frame = 0;
  function send() {
    frame = 0;
    if (pending === null) return;
    model.set("at", pending);
    model.save_changes();
    pending = null;
  }
  function choose(value) {
    pending = value;
    if (!frame) frame = requestAnimationFrame(send);
  }
  function draw() {
    const first = model.get("first"), now = model.get("now"), at = model.get("at");
    const live = at < 0;
    const shown = live ? now : at;
    input.min = String(first);
    input.max = String(Math.max(first, now));
    if (pending === null) input.value = String(shown);
    input.disabled = now <= first;
    const text = live
      ? `Replay: showing now (step ${now}); drag back to see an earlier step`
      : `Replay: showing step ${at} of ${now}`;
    label.textContent = text;
    input.setAttribute("aria-valuetext", live ? `now, step ${now}` : `step ${at} of ${now}`);
    back.disabled = live;
    root.classList.toggle("rp-replaying", !live);
  }
  input.addEventListener("input", () => {
    const v = Number(input.value);
    choose(v >= model.get("now") ? -1 : v);
  });
  back.addEventListener("click", () => choose(-1));
  for (const k of ["first", "now", "at"]) model.on(`change:${k}`, draw);
  draw();
  return () => { if (frame) cancelAnimationFrame(frame); };
}
export default { render };
