// Name suggestions for the edit forms: an input with data-lookup="person" fills its datalist
// from /lookup as the editor types. The forms work without it.
(function () {
  "use strict";
  var timers = new WeakMap();
  function listFor(input) {
    var id = input.getAttribute("list");
    var list = id && document.getElementById(id);
    if (!list && id) {
      list = document.createElement("datalist");
      list.id = id;
      document.body.appendChild(list);
    }
    return list;
  }
  function suggest(input) {
    var q = input.value.trim();
    if (q.length < 1 || /\(#\d+\)$/.test(q)) return;
    var url = "/lookup?kind=" + encodeURIComponent(input.dataset.lookup) + "&q=" + encodeURIComponent(q);
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) {
        var list = listFor(input);
        if (!list) return;
        list.textContent = "";
        items.forEach(function (it) {
          var o = document.createElement("option");
          o.value = it.label;
          list.appendChild(o);
        });
      })
      .catch(function () {});
  }
  document.addEventListener("input", function (ev) {
    var input = ev.target;
    if (!input.dataset || !input.dataset.lookup) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { suggest(input); }, 150));
  });
})();

// Suggestions for the search boxes: an input with data-suggest shows, under it, the first
// results of /api/v1/search as links (name, kind, year) as the reader types. Without script
// the box is a plain form that opens /search.
(function () {
  "use strict";
  var timer, seq = 0;
  function box(input) {
    var list = input.parentNode.querySelector("ul.suggestions");
    if (!list) {
      list = document.createElement("ul");
      list.className = "suggestions";
      list.id = "suggestions-" + Math.random().toString(36).slice(2);
      list.setAttribute("role", "listbox");
      list.hidden = true;
      input.setAttribute("aria-controls", list.id);
      input.setAttribute("autocomplete", "off");
      input.parentNode.appendChild(list);
    }
    return list;
  }
  function close(input) {
    var list = box(input);
    list.hidden = true;
    list.textContent = "";
    input.setAttribute("aria-expanded", "false");
  }
  function suggest(input) {
    var q = input.value.trim();
    if (!q) { close(input); return; }
    var mine = ++seq;
    fetch("/api/v1/search?limit=8&q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) {
        if (mine !== seq) return;
        var list = box(input);
        list.textContent = "";
        (data.results || []).forEach(function (it) {
          var li = document.createElement("li");
          li.setAttribute("role", "option");
          var a = document.createElement("a");
          a.href = it.url;
          a.textContent = it.name;
          var meta = document.createElement("span");
          meta.className = "kind";
          meta.textContent = [it.kind, it.type, it.year].filter(Boolean).join(" · ") +
            (it.work ? " of " + it.work.name : "");
          a.appendChild(document.createTextNode(" "));
          a.appendChild(meta);
          if (it.matched && it.matched !== it.name) {
            var m = document.createElement("span");
            m.className = "matched";
            m.textContent = it.matched;
            a.appendChild(document.createTextNode(" "));
            a.appendChild(m);
          }
          li.appendChild(a);
          list.appendChild(li);
        });
        list.hidden = !list.firstChild;
        input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
      })
      .catch(function () {});
  }
  document.addEventListener("input", function (ev) {
    var input = ev.target;
    if (!input.hasAttribute || !input.hasAttribute("data-suggest")) return;
    clearTimeout(timer);
    timer = setTimeout(function () { suggest(input); }, 120);
  });
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    var input = t.hasAttribute && t.hasAttribute("data-suggest") ? t : t.closest && t.closest("form") && t.closest("form").querySelector("[data-suggest]");
    if (!input || !input.parentNode.querySelector("ul.suggestions")) return;
    var links = Array.prototype.slice.call(box(input).querySelectorAll("a"));
    var i = links.indexOf(document.activeElement);
    if (ev.key === "Escape") { close(input); input.focus(); return; }
    if (ev.key === "ArrowDown" && links.length) { ev.preventDefault(); links[Math.min(i + 1, links.length - 1)].focus(); }
    if (ev.key === "ArrowUp" && links.length) { ev.preventDefault(); if (i <= 0) input.focus(); else links[i - 1].focus(); }
  });
  document.addEventListener("click", function (ev) {
    document.querySelectorAll("[data-suggest]").forEach(function (input) {
      if (!input.parentNode.contains(ev.target)) close(input);
    });
  });
})();

// Several rows in the edit forms: the "Add another row" button of a section that adds items
// copies the form's blank row (a <template>) after the others, numbered after the highest row,
// instead of sending the form to get it back with one more. Without script the button does that.
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("button.add-row");
    if (!button || !button.form) return;
    var fieldset = button.closest("fieldset");
    var rows = fieldset && fieldset.querySelector(".rows");
    var template = fieldset && fieldset.querySelector("template.row-template");
    if (!rows || !template) return;
    ev.preventDefault();
    var next = 0;
    button.form.querySelectorAll("[name^='add.']").forEach(function (input) {
      var n = parseInt(input.name.split(".")[1], 10);
      if (n >= next) next = n + 1;
    });
    var row = template.content.cloneNode(true);
    row.querySelectorAll("[name^='add.__.']").forEach(function (input) {
      input.name = "add." + next + "." + input.name.slice("add.__.".length);
    });
    var first = row.querySelector("input, select, textarea");
    rows.appendChild(row);
    if (first) first.focus();
  });
})();

// Reordering a list by dragging: the owner's list (ol[data-reorder]) makes its items draggable;
// dropping one sends its "Position" form with the place it was dropped at, as if typed. Without
// script the up and down buttons and the position field do the same.
(function () {
  "use strict";
  var list = document.querySelector("ol[data-reorder]");
  if (!list) return;
  var dragged = null;
  var items = function () { return Array.prototype.slice.call(list.querySelectorAll("li.list-item")); };
  var clear = function () {
    items().forEach(function (li) { li.classList.remove("drop-before", "drop-after", "dragging"); });
  };
  var after = function (li, ev) {
    var box = li.getBoundingClientRect();
    return ev.clientY > box.top + box.height / 2;
  };
  items().forEach(function (li) { li.draggable = true; });
  list.addEventListener("dragstart", function (ev) {
    dragged = ev.target.closest && ev.target.closest("li.list-item");
    if (!dragged) return;
    dragged.classList.add("dragging");
    ev.dataTransfer.effectAllowed = "move";
    ev.dataTransfer.setData("text/plain", dragged.dataset.entity);
  });
  list.addEventListener("dragover", function (ev) {
    var li = ev.target.closest && ev.target.closest("li.list-item");
    if (!dragged || !li) return;
    ev.preventDefault();
    clear();
    dragged.classList.add("dragging");
    if (li !== dragged) li.classList.add(after(li, ev) ? "drop-after" : "drop-before");
  });
  list.addEventListener("dragend", function () { clear(); dragged = null; });
  list.addEventListener("drop", function (ev) {
    var li = ev.target.closest && ev.target.closest("li.list-item");
    if (!dragged || !li) return;
    ev.preventDefault();
    var all = items();
    var from = all.indexOf(dragged), to = all.indexOf(li);
    if (after(li, ev)) to++;
    if (to > from) to--;
    clear();
    if (to === from) return;
    var form = dragged.querySelector("form.move-to");
    form.querySelector("input[name=position]").value = to + 1;
    form.requestSubmit();
  });
})();
