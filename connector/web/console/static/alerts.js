// The alert banner on every page: when an alert is raised or acknowledged anywhere, fetch the
// banner again; a new alert flashes it and, if this desk turned the sound on, plays the chime.
// Browsers refuse to play sound before the person has used the page, so the sound is a
// choice made by a click ("Sound: on", remembered in this browser), and if the browser still
// blocks it after a reload, a hint asks for one click anywhere.
// This script owns the page's one event stream (window.consoleEvents): the other scripts
// listen on it rather than opening their own.
(function () {
  "use strict";
  var banner = document.getElementById("alert-banner");
  var button = document.getElementById("alert-sound");
  var hint = document.getElementById("alert-sound-hint");
  if (!banner || !window.EventSource) { return; }
  var KEY = "console-alert-sound";
  var chime = new Audio("/console/chime.wav");
  chime.preload = "auto";

  function soundOn() {
    try { return window.localStorage.getItem(KEY) === "on"; } catch (e) { return false; }
  }

  function showSound() {
    var on = soundOn();
    button.textContent = on ? "Sound: on" : "Sound: off";
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.hidden = false;
  }

  function play() {
    if (!soundOn()) { return; }
    var playing = chime.play();
    if (playing && playing.catch) {
      playing.catch(function () {
        hint.hidden = false;  // blocked until the person uses the page
        document.addEventListener("click", function retry() {
          hint.hidden = true;
          chime.play().catch(function () {});
        }, { once: true });
      });
    }
  }

  button.addEventListener("click", function () {
    try { window.localStorage.setItem(KEY, soundOn() ? "off" : "on"); } catch (e) { return; }
    showSound();
    play();  // the click lets the browser play, and the desk hears what it chose
  });
  showSound();

  function count(element) { return parseInt(element.getAttribute("data-count") || "0", 10); }

  function refresh() {
    fetch("/console/alerts/banner", { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.redirected || response.status === 401) { window.location.reload(); }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null) { return; }
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var fresh = holder.firstElementChild;
        if (!fresh) { return; }
        var more = count(fresh) > count(banner);
        if (more) { fresh.classList.add("new-alert"); }
        banner.replaceWith(fresh);
        banner = fresh;
        if (more) {
          play();
          // The banner is replaced whole; the page's polite live region tells a screen reader.
          var status = document.getElementById("live-status");
          if (status) { status.textContent = "New alert: " + fresh.textContent.trim(); }
        }
      });
  }

  var events = new EventSource("/console/events");
  window.consoleEvents = events;
  var opened = false;
  events.addEventListener("alert", refresh);
  events.addEventListener("reload", refresh);
  events.addEventListener("open", function () {
    if (opened) { refresh(); }  // back after a break: alerts may have come meanwhile
    opened = true;
    banner.setAttribute("data-live", "open");
  });
  events.addEventListener("error", function () {
    // Refused for good: the session ended elsewhere; the reload leads to sign-in.
    if (events.readyState === EventSource.CLOSED) { window.location.reload(); }
  });
}());
