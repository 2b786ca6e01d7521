// Dropping texts on the page: each is sent with progress shown, then its structure and download
// links appear in place. Without scripts the form posts as a plain form and the server answers a page.
(function () {
  "use strict";
  var form = document.getElementById("drop");
  var input = document.getElementById("file");
  var results = document.getElementById("results");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function show(box, book, canAdd) {
    box.textContent = "";
    box.appendChild(element("h2", book.title));
    var facts = [book.name];
    if (book.authors.length) facts.push("by " + book.authors.join(", "));
    facts.push(book.words + " words", book.chapters.length + " chapters", book.scene_breaks + " scene breaks");
    box.appendChild(element("p", facts.join(" · ")));
    var list = element("ol");
    book.chapters.forEach(function (chapter) {
      list.appendChild(element("li", (chapter.title || "—") + " (" + chapter.words + " words)"));
    });
    box.appendChild(list);
    book.warnings.forEach(function (warning) { box.appendChild(element("p", warning, "warning")); });
    var links = element("p");
    Object.keys(book.downloads).forEach(function (format) {
      var link = element("a", format.toUpperCase(), "get");
      link.href = book.downloads[format];
      links.appendChild(link);
      links.appendChild(document.createTextNode(" "));
    });
    box.appendChild(links);
    if (canAdd) {
      var add = element("form");
      add.method = "post";
      add.action = book.add;
      var button = element("input");
      button.type = "submit";
      button.value = "Add to the library";
      add.appendChild(button);
      box.appendChild(add);
    }
  }

  function send(file) {
    var box = element("section", undefined, "result");
    box.appendChild(element("p", file.name));
    var bar = element("progress");
    bar.max = 100;
    bar.value = 0;
    box.appendChild(bar);
    results.appendChild(box);
    var data = new FormData();
    data.append("file", file, file.name);
    var request = new XMLHttpRequest();
    request.open("POST", "/upload");
    request.setRequestHeader("Accept", "application/json");
    request.upload.onprogress = function (event) {
      if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
    };
    request.onload = function () {
      var answer;
      try { answer = JSON.parse(request.responseText); } catch (error) { answer = { error: "the server did not answer" }; }
      if (answer.error) {
        box.textContent = "";
        box.appendChild(element("p", answer.error, "error"));
      } else {
        show(box, answer.books[0], answer.can_add);
      }
      box.setAttribute("data-done", "true");
    };
    request.onerror = function () {
      box.textContent = "";
      box.appendChild(element("p", file.name + ": the upload failed; try again", "error"));
      box.setAttribute("data-done", "true");
    };
    request.send(data);
  }

  function sendAll(list) {
    for (var i = 0; i < list.length; i++) send(list[i]);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    sendAll(input.files);
  });
  input.addEventListener("change", function () {
    sendAll(input.files);
    input.value = "";
  });
  form.addEventListener("dragover", function (event) { event.preventDefault(); form.className = "drop over"; });
  form.addEventListener("dragleave", function () { form.className = "drop"; });
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    form.className = "drop";
    sendAll(event.dataTransfer.files);
  });
})();
