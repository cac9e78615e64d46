// Live grid: on a "room" notice, fetch that room's cell (as the signed-in user, with the
// page's filters) and put it in place; "reload" means this page fell behind: rebuild it, as
// after a reconnection. A session ended elsewhere sends the page to sign-in.
// Plain JavaScript, no library; without it the page still works (reload by hand).
(function () {
  "use strict";
  var grid = document.getElementById("grid");
  var status = document.getElementById("live-status");
  if (!grid || !window.EventSource) { return; }
  var query = grid.getAttribute("data-cell-query") || "";

  function replaceCell(room) {
    fetch("/console/rooms/" + encodeURIComponent(room) + "/cell?" + query,
          { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.redirected || response.status === 401) { window.location.reload(); }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null) { return; }
        var holder = document.createElement("ul");
        holder.innerHTML = html.trim();
        var fresh = holder.firstElementChild;
        var old = document.getElementById("room-" + room);
        if (!old) {
          if (fresh && !fresh.hidden) { window.location.reload(); }  // newly in the filter
          return;
        }
        fresh.classList.add("updated");
        old.replaceWith(fresh);
        status.textContent = "Room " + room + " updated";
      });
  }

  // The page's one event stream, opened by static/alerts.js (its own when alone).
  var events = window.consoleEvents || new EventSource("/console/events");
  var opened = events.readyState === EventSource.OPEN;
  if (opened) { grid.setAttribute("data-live", "open"); }
  events.addEventListener("room", function (event) { replaceCell(event.data); });
  events.addEventListener("reload", function () { window.location.reload(); });
  events.addEventListener("open", function () {
    // Back after a break (a restart, a network blip): notices were missed, rebuild.
    if (opened) { window.location.reload(); return; }
    opened = true;
    grid.setAttribute("data-live", "open");
  });
  events.addEventListener("error", function () {
    // Refused for good (the session ended: signed out elsewhere, expired, account
    // removed): reload, which leads to sign-in and takes guest names off the screen.
    if (events.readyState === EventSource.CLOSED) { window.location.reload(); }
  });
}());
