(function () {
  "use strict";
  var audio = document.getElementById("player");
  var follow = document.getElementById("follow");
  var pop = document.getElementById("gloss-pop");
  var popBody = document.getElementById("gloss-pop-body");
  var segments = [];
  try {
    segments = JSON.parse(document.getElementById("report-segments").textContent) || [];
  } catch (e) {
    segments = [];
  }
  var lineById = {};
  segments.forEach(function (s) { lineById[s.id] = document.getElementById("seg-" + s.id); });

  /* Seeking: a media element only seeks once its metadata is known. Remember the wanted time and apply it
     (again) whenever the element gets further, until a 'seeked' event lands close to it. */
  var wanted = null;
  function applySeek() {
    if (wanted === null || !audio || audio.readyState < 1) { return; }
    if (Math.abs(audio.currentTime - wanted) < 0.05 && !audio.seeking) { wanted = null; highlight(); return; }
    try { audio.currentTime = wanted; } catch (e) { /* not seekable yet: retried on the next media event */ }
    highlight();
  }
  function seek(seconds) {
    if (!audio || !isFinite(seconds)) { return; }
    wanted = Math.max(0, seconds);
    if (audio.readyState >= 1) {
      applySeek();
    } else if (audio.networkState === 0 || audio.networkState === 3) {
      audio.load();
    }
    var played = audio.play();
    if (played && typeof played.catch === "function") { played.catch(function () {}); }
  }
  if (audio) {
    ["loadedmetadata", "loadeddata", "canplay", "durationchange", "progress"].forEach(function (name) {
      audio.addEventListener(name, applySeek);
    });
    audio.addEventListener("seeked", function () {
      if (wanted !== null && Math.abs(audio.currentTime - wanted) < 0.25) { wanted = null; }
      highlight();
    });
  }

  /* The line being played is highlighted while the audio runs. */
  var current = null;
  function lineAt(t) {
    var lo = 0, hi = segments.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (segments[mid].start <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    for (var i = found; i >= 0 && i > found - 4; i--) {
      if (segments[i].start <= t && t < segments[i].end) { return lineById[segments[i].id]; }
    }
    return null;
  }
  function highlight() {
    if (!audio) { return; }
    var t = wanted !== null ? wanted : audio.currentTime;
    var line = lineAt(t);
    if (line === current) { return; }
    if (current) { current.classList.remove("playing"); }
    current = line;
    if (line) {
      line.classList.add("playing");
      if (follow && follow.checked && !audio.paused) { line.scrollIntoView({ block: "nearest" }); }
    }
  }
  function tick() {
    highlight();
    if (audio && !audio.paused) { window.requestAnimationFrame(tick); }
  }
  if (audio) {
    audio.addEventListener("timeupdate", highlight);
    audio.addEventListener("play", function () { window.requestAnimationFrame(tick); });
  }

  /* The glossary popover shows a copy of the entry from the abbreviations section. */
  var openButton = null;
  function closePopover() {
    if (!pop || pop.hidden) { return; }
    pop.hidden = true;
    if (openButton) { openButton.setAttribute("aria-expanded", "false"); }
    openButton = null;
  }
  function openPopover(button) {
    var entry = document.getElementById("entry-" + button.getAttribute("data-entry"));
    if (!pop || !entry) { return; }
    var body = entry.querySelector(".entry-body");
    popBody.textContent = "";
    popBody.appendChild(body.cloneNode(true));
    if (openButton) { openButton.setAttribute("aria-expanded", "false"); }
    openButton = button;
    button.setAttribute("aria-expanded", "true");
    pop.hidden = false;
    var rect = button.getBoundingClientRect();
    var width = pop.offsetWidth;
    var left = Math.min(rect.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8);
    pop.style.left = Math.max(8, left) + "px";
    pop.style.top = rect.bottom + window.scrollY + 6 + "px";
  }

  function showTarget(id) {
    var line = document.getElementById(id);
    if (!line) { return; }
    line.scrollIntoView({ block: "center" });
    line.classList.add("target");
    window.setTimeout(function () { line.classList.remove("target"); }, 1500);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    if (pop && !pop.hidden && !pop.contains(target) && !target.closest(".abbr")) { closePopover(); }
    if (target.closest("#gloss-close")) { closePopover(); return; }
    var abbr = target.closest(".abbr");
    if (abbr) {
      event.stopPropagation();
      if (openButton === abbr) { closePopover(); } else { openPopover(abbr); }
      return;
    }
    if (target.closest("a[href]")) { return; }
    var seeker = target.closest("[data-seek]");
    if (seeker) {
      seek(parseFloat(seeker.getAttribute("data-seek")));
      var goTo = seeker.getAttribute("data-target");
      if (goTo) { showTarget(goTo); }
      return;
    }
    var line = target.closest(".line");
    if (line) {
      var selection = window.getSelection ? String(window.getSelection()) : "";
      if (selection) { return; } /* selecting text to copy it is not a request to play */
      seek(parseFloat(line.getAttribute("data-start")));
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closePopover(); }
  });
})();
