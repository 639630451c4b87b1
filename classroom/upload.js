function render({ model, el }) {
  const label = document.createElement("label");
  label.className = "fp-label";
  const input = document.createElement("input");
  input.type = "file";
  input.className = "fp-input";
  input.accept = model.get("accept");
  label.append(model.get("label") + " ", input);
  el.append(label);
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    if (file.size > model.get("max_bytes")) {  // refused here: never sent
      model.send({ name: file.name, size: file.size });
    } else {
      const data = await file.arrayBuffer();
      model.send({ name: file.name, size: file.size }, undefined, [data]);
    }
    input.value = "";  // the same file may be chosen again
  });
}
export default { render };
