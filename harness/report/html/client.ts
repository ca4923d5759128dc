// The page's only script: status and text filters over the grid, the selected cell's highlight, and
// a run's only failure scrolled into view when the page opens on no cell.
// It reads nothing but the page's own attributes, so it cannot carry log text into the DOM.

/** The inline script of index.html. */
export const CLIENT_SCRIPT = `(() => {
  const cells = [...document.querySelectorAll("a.cell")];
  const rows = [...document.querySelectorAll("tr.case")];
  const problems = [...document.querySelectorAll("tr.problem")];
  const chips = [...document.querySelectorAll(".chip input[data-status]")];
  const changed = document.getElementById("changed");
  const filter = document.getElementById("filter");
  const shown = document.getElementById("shown");
  const isChanged = (el) => el.classList.contains("new-failure") || el.classList.contains("fixed");
  function visible(el, off, words, onlyChanged) {
    if (off.has(el.dataset.status)) return false;
    if (onlyChanged && !isChanged(el)) return false;
    return words.every((word) => el.dataset.text.includes(word));
  }
  function apply() {
    const off = new Set(chips.filter((c) => !c.checked).map((c) => c.dataset.status));
    const words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    const onlyChanged = changed !== null && changed.checked;
    let count = 0;
    for (const cell of cells) {
      const show = visible(cell, off, words, onlyChanged);
      cell.classList.toggle("hide", !show);
      if (show) count++;
    }
    for (const row of rows) row.classList.toggle("hide", !row.querySelector("a.cell:not(.hide)"));
    for (const row of problems) row.classList.toggle("hide", !visible(row, off, words, onlyChanged));
    for (const chip of chips) chip.parentElement.classList.toggle("off", !chip.checked);
    if (changed) changed.parentElement.classList.toggle("off", !changed.checked);
    shown.textContent = count === cells.length ? "" : "showing " + count + " of " + cells.length + " cells";
  }
  function select() {
    const target = location.hash;
    for (const cell of cells) cell.classList.toggle("selected", cell.getAttribute("href") === target);
  }
  for (const chip of chips) chip.addEventListener("change", apply);
  if (changed) changed.addEventListener("change", apply);
  filter.addEventListener("input", apply);
  document.getElementById("only-problems").addEventListener("click", () => {
    for (const chip of chips) chip.checked = chip.dataset.status !== "pass" && chip.dataset.status !== "skip";
    apply();
  });
  document.getElementById("show-all").addEventListener("click", () => {
    for (const chip of chips) chip.checked = true;
    if (changed) changed.checked = false;
    filter.value = "";
    apply();
  });
  window.addEventListener("hashchange", select);
  apply();
  const open = document.querySelector(".detail.open");
  if (!location.hash && open) {
    history.replaceState(null, "", "#" + open.id);
    open.scrollIntoView();
  }
  select();
})();`;
