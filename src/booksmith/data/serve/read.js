// "Read": open the book's EPUB in foliate-js (the reading system served under /reader/), paginated.
import "/reader/view.js";

const main = document.getElementById("reader");
const status = document.getElementById("status");

async function open() {
  const response = await fetch(main.dataset.book);
  if (!response.ok) throw new Error("the book could not be fetched (" + response.status + ")");
  const blob = await response.blob();
  const view = document.createElement("foliate-view");
  main.append(view);
  await view.open(new File([blob], main.dataset.name, { type: "application/epub+zip" }));
  view.addEventListener("load", () => main.setAttribute("data-loaded", "true"));
  await view.init({ showTextStart: true });
  document.getElementById("previous").addEventListener("click", () => view.goLeft());
  document.getElementById("next").addEventListener("click", () => view.goRight());
  document.addEventListener("keydown", (event) => {
    if (event.key === "ArrowLeft") view.goLeft();
    if (event.key === "ArrowRight") view.goRight();
  });
  status.remove();
}

open().catch((error) => {
  status.textContent = "The book could not be opened: " + error.message;
  status.className = "error";
});
