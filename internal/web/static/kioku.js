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
