// Live parts of a page: an element with data-live-part (the URL of its partial) and
// data-live-on (the event names that may change it) is fetched again and replaced when one
// of those events comes; a burst of events (a group wake-up) costs one fetch.
// "reload" (this page fell behind) refreshes every part. Listens on the page's one event
// stream (static/alerts.js).
(function () {
  "use strict";
  var events = window.consoleEvents;
  if (!events) { return; }
  var WAIT_MS = 250;

  function watch(part) {
    var url = part.getAttribute("data-live-part");
    var timer = null;

    function refresh() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) {
          if (response.redirected || response.status === 401) { window.location.reload(); }
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          if (html === null) { return; }
          // Keep what the person is typing: a part with a focused field waits.
          if (part.contains(document.activeElement) && document.activeElement.tagName === "INPUT") {
            part.addEventListener("focusout", later, { once: true });
            return;
          }
          part.innerHTML = html;
          part.setAttribute("data-refreshed", String(Date.now()));
        });
    }

    function later() {
      if (timer !== null) { return; }
      timer = window.setTimeout(function () { timer = null; refresh(); }, WAIT_MS);
    }

    (part.getAttribute("data-live-on") || "").split(" ").concat(["reload"])
      .forEach(function (name) { if (name) { events.addEventListener(name, later); } });
    part.setAttribute("data-live", "watching");
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-live-part]"), watch);
}());
