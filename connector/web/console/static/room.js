// Live room page: on a "room" event naming this room (among the rooms changed meanwhile),
// fetch the room's state and history (as the signed-in user) and put it in place; the action forms around it stay as they are.
// "reload" or a reconnection: rebuild the page. A session ended elsewhere: to sign-in.
(function () {
  "use strict";
  var detail = document.getElementById("room-detail");
  var status = document.getElementById("live-status");
  if (!detail || !window.EventSource) { return; }
  var room = detail.getAttribute("data-room");

  function refresh() {
    fetch("/console/rooms/" + encodeURIComponent(room) + "/detail",
          { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.redirected || response.status === 401) { window.location.reload(); }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null) { return; }
        detail.innerHTML = html;
        status.textContent = "Room " + room + " updated";
      });
  }

  // The page's one event stream, opened by static/alerts.js (its own when alone).
  var events = window.consoleEvents || new EventSource("/console/events");
  var opened = events.readyState === EventSource.OPEN;
  if (opened) { detail.setAttribute("data-live", "open"); }
  events.addEventListener("room", function (event) {
    if (event.data.split(" ").indexOf(room) !== -1) { refresh(); }
  });
  events.addEventListener("reload", function () { window.location.reload(); });
  events.addEventListener("open", function () {
    if (opened) { window.location.reload(); return; }
    opened = true;
    detail.setAttribute("data-live", "open");
  });
  events.addEventListener("error", function () {
    if (events.readyState === EventSource.CLOSED) { window.location.reload(); }
  });
}());
