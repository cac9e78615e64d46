// Health page: fetch the sections again every few seconds (as the signed-in admin) and put
// them in place. A session that ended leads to sign-in.
(function () {
  "use strict";
  var holder = document.getElementById("health");
  if (!holder) { return; }
  var seconds = parseInt(holder.getAttribute("data-refresh"), 10) || 5;

  function refresh() {
    fetch("/console/health/now", { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.redirected || response.status === 401) { window.location.reload(); }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null) {
          holder.innerHTML = html;
          holder.setAttribute("data-refreshed", String(Date.now()));
        }
      })
      .catch(function () { /* the connector is restarting: try again at the next tick */ });
  }
  window.setInterval(refresh, seconds * 1000);
}());
