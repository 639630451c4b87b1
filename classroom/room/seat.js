// A student's seat in a room, kept in this browser (localStorage, one entry per room), so
// that a reload or a restarted server finds the same student again. Invisible.
const PREFIX = "interruption-or-interaction/room/";

function render({ model, el }) {
  el.style.display = "none";
  function load() {
    const room = model.get("room");
    if (!room) return;
    let token = "";
    try {
      token = window.localStorage.getItem(PREFIX + room) || "";
    } catch (e) {
      token = "";  // storage refused (a private window): the student joins again
    }
    model.set("stored", token.slice(0, 200));
    model.set("loaded", true);
    model.save_changes();
  }
  function save() {
    const room = model.get("room"), token = model.get("token");
    if (!room || !token) return;
    try {
      window.localStorage.setItem(PREFIX + room, token);
    } catch (e) {
      // nothing to do: the seat lasts as long as the page
    }
  }
  load();
  save();
  model.on("change:room", load);
  model.on("change:token", save);
}
export default { render };
