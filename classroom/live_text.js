function render({ model, el }) {
  const box = document.createElement(model.get("tag"));
  box.className = model.get("css_class");
  if (model.get("polite")) box.setAttribute("aria-live", "polite");
  function draw() {
    const lineTag = model.get("tag") === "span" ? "span" : "p";
    box.replaceChildren(...model.get("lines").map((text, i) => {
      const line = document.createElement(lineTag);
      line.className = i === 0 && model.get("first_bold") ? "lt-line lt-first" : "lt-line";
      line.textContent = text;
      return line;
    }));
  }
  draw();
  model.on("change:lines", draw);
  el.append(box);
}
export default { render };
