// Wide tables scroll inside their own box, never the page. A table wider than its place that
// has no box gets one; a box that scrolls sideways says so: its hidden edge fades out
// (portal.css: .scrolls-x) and a line above it says to swipe, until its end is reached.
(() => {
  const hint = document.body.dataset.scrollHint;
  const BOXES = ".table-responsive, .scroll-box";

  document.querySelectorAll("main table").forEach((table) => {
    const parent = table.parentElement;
    if (table.closest(`${BOXES}, .grid-wrap`) || table.offsetWidth <= parent.clientWidth) return;
    const box = document.createElement("div");
    box.className = "table-responsive";
    parent.insertBefore(box, table);
    box.appendChild(table);
  });

  function mark(box, note) {
    const more = box.scrollWidth - box.clientWidth > 1;
    const atEnd = box.scrollLeft + box.clientWidth >= box.scrollWidth - 1;
    box.classList.toggle("scrolls-x", more);
    box.classList.toggle("scrolled", more && box.scrollLeft > 1);
    box.classList.toggle("at-end", more && atEnd);
    note.hidden = !more || atEnd;
  }

  document.querySelectorAll(BOXES).forEach((box) => {
    const note = document.createElement("div");
    note.className = "scroll-hint d-print-none";
    note.textContent = hint;
    note.hidden = true;
    note.setAttribute("aria-hidden", "true");
    box.before(note);
    const update = () => mark(box, note);
    box.addEventListener("scroll", update, { passive: true });
    const observer = new ResizeObserver(update);
    observer.observe(box); // the screen turned, the window resized
    if (box.firstElementChild) observer.observe(box.firstElementChild); // columns shown or hidden
    update();
  });
})();
