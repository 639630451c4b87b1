// Elements that handle the space bar themselves: leave it to them.
const OWN_SPACE = [
  "input", "textarea", "select", "button", "a[href]", "summary", "canvas",
  "[contenteditable]", "[role=button]", "[role=slider]", "[role=switch]",
  "[role=checkbox]", "[role=radio]", "[role=tab]", "[role=combobox]", "[role=listbox]",
  "[role=option]", "[role=menuitem]",
].join(",");

function render({ model, el }) {
  el.style.display = "none";
  // What Solara's page template leaves out: the page's language, zoom on phones, and a
  // name for the button that shows and hides the settings.
  if (!document.documentElement.lang) document.documentElement.lang = "en";
  const viewport = document.querySelector('meta[name="viewport"]');
  if (viewport) viewport.content = "width=device-width, initial-scale=1";
  const nameToggle = () => {
    for (const b of document.querySelectorAll(".v-app-bar-nav-icon:not([aria-label])")) {
      b.setAttribute("aria-label", "Show or hide the settings");
    }
    // Solara's bar at the top of the page, shown while the server is busy (often, on a slow
    // network), is an unnamed progress bar.
    const busy = ".v-application__wrap > .v-progress-linear:not([aria-label])";
    for (const bar of document.querySelectorAll(busy)) {
      bar.setAttribute("aria-label", "The server is working");
    }
  };
  nameToggle();
  const watcher = new MutationObserver(nameToggle);
  watcher.observe(document.body, { childList: true, subtree: true });
  function onKey(ev) {
    if (ev.key !== " " || ev.altKey || ev.ctrlKey || ev.metaKey || ev.repeat) return;
    const target = ev.target;
    if (target && target.closest && target.closest(OWN_SPACE)) return;
    ev.preventDefault();  // no page scroll
    model.send({ key: "space" });
  }
  document.addEventListener("keydown", onKey);
  const query = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
  const phone = window.matchMedia ? window.matchMedia("(max-width: 760px)") : null;
  function report() {
    model.set("reduced_motion", Boolean(query && query.matches));
    model.set("narrow", Boolean(phone && phone.matches));
    model.save_changes();
  }
  report();
  function writeAddress() {
    const query = model.get("address");
    if (query === null || query === undefined) return;
    const search = query ? `?${query}` : "";
    if (window.location.search !== search) {
      const url = window.location.pathname + search + window.location.hash;
      window.history.replaceState(window.history.state, "", url);
    }
  }
  writeAddress();
  model.on("change:address", writeAddress);
  for (const q of [query, phone]) if (q && q.addEventListener) q.addEventListener("change", report);
  return () => {
    watcher.disconnect();
    document.removeEventListener("keydown", onKey);
    for (const q of [query, phone]) {
      if (q && q.removeEventListener) q.removeEventListener("change", report);
    }
  };
}
export default { render };
