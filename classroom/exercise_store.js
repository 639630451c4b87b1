// Keeps the learner's predictions and reasons in this browser (localStorage), under one
// namespaced key. On load it sends what was stored to Python; afterwards it writes back
// whatever Python sends. Nothing is shown: the widget is invisible.

// More than this many characters cannot be the app's own records: start afresh.
const MAX_STORED = 200000;

function read(key) {
  try {
    const raw = window.localStorage.getItem(key);
    if (raw && raw.length > MAX_STORED) return {};
    const value = raw ? JSON.parse(raw) : {};
    return value && typeof value === "object" && !Array.isArray(value) ? value : {};
  } catch (err) {
    return {};  // storage blocked, or not JSON: start empty
  }
}

function write(key, records) {
  try {
    window.localStorage.setItem(key, JSON.stringify(records || {}));
    return true;
  } catch (err) {
    return false;  // storage full or blocked (private window): keep going without it
  }
}

function render({ model, el }) {
  el.style.display = "none";
  el.classList.add("exercise-store");
  const key = model.get("key");
  // What this session already holds is at least as new as what the browser kept.
  const merged = Object.assign({}, read(key), model.get("records") || {});
  const saved = write(key, merged);
  model.set("records", merged);
  model.set("available", saved);
  model.set("loaded", true);
  model.save_changes();
  const onChange = () => {
    const ok = write(key, model.get("records"));
    if (ok !== model.get("available")) {
      model.set("available", ok);
      model.save_changes();
    }
  };
  model.on("change:records", onChange);
  return () => model.off("change:records", onChange);
}

export default { render };
