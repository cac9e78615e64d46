// Live grid: a "room" event names the rooms changed in the last moment (the server gathers
// them); fetch all their cells in one request (as the signed-in user, with the page's
// filters) and put each in place; "reload" means this page fell behind or too many rooms
// changed at once: rebuild it, as after a reconnection. A session ended elsewhere sends the
// page to sign-in. Plain JavaScript, no library; without it the page still works (reload by hand).
(function () {
  "use strict";
  var grid = document.getElementById("grid");
  var status = document.getElementById("live-status");
  if (!grid || !window.EventSource) { return; }
  var query = grid.getAttribute("data-cell-query") || "";

  function replaceCells(rooms) {
    var asked = rooms.split(" ").filter(Boolean);
    if (!asked.length) { return; }
    var params = asked.map(function (room) { return "room=" + encodeURIComponent(room); });
    fetch("/console/rooms/cells?" + params.join("&") + (query ? "&" + query : ""),
          { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.redirected || response.status === 401) { window.location.reload(); }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null) { return; }
        var holder = document.createElement("ul");
        holder.innerHTML = html.trim();
        var updated = [];
        Array.prototype.slice.call(holder.children).forEach(function (fresh) {
          var old = document.getElementById(fresh.id);
          if (!old) {
            if (!fresh.hidden) { window.location.reload(); }  // newly in the filter
            return;
          }
          fresh.classList.add("updated");
          old.replaceWith(fresh);
          updated.push(fresh.id.slice("room-".length));
        });
        if (updated.length === 1) {
          status.textContent = "Room " + updated[0] + " updated";
        } else if (updated.length > 1) {
          status.textContent = updated.length + " rooms updated";
        }
      });
  }

  // The page's one event stream, opened by static/alerts.js (its own when alone).
  var events = window.consoleEvents || new EventSource("/console/events");
  var opened = events.readyState === EventSource.OPEN;
  if (opened) { grid.setAttribute("data-live", "open"); }
  events.addEventListener("room", function (event) { replaceCells(event.data); });
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
