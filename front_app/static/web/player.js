// ytarchive's player: resume where you stopped, watched at 90 %, speed, keyboard, chapters on a timeline.
// Our own small script (no framework, nothing from another host). It reads #player-data (json_script: the
// video's id, duration, your saved position and the chapters) and saves your position through
// PUT /api/videos/{id}/watch/ every few seconds while playing, on pause and seek, and when the page goes
// away (fetch with keepalive, so the last save outlives the page), with the page's CSRF token.
"use strict";

(() => {
  const SAVE_EVERY_MS = 5000;
  const SKIP_SECONDS = 10;
  const video = document.getElementById("player");
  const dataNode = document.getElementById("player-data");
  if (!video || !dataNode) return;
  const data = JSON.parse(dataNode.textContent);
  const csrf = (document.querySelector("[name=csrfmiddlewaretoken]") || {}).value || "";
  const stateText = document.getElementById("watch-state");
  const markButton = document.getElementById("mark-watched");
  const markValue = document.getElementById("mark-value");
  const markForm = document.getElementById("mark-form");
  const timeline = document.getElementById("timeline");
  const played = document.getElementById("timeline-played");
  const speed = document.getElementById("speed");
  const captions = document.getElementById("captions-toggle");
  let watched = Boolean(data.watched);
  let lastSaved = data.position || 0;

  const duration = () => (Number.isFinite(video.duration) && video.duration > 0 ? video.duration : data.duration || 0);
  const clock = (s) => {
    s = Math.max(0, Math.floor(s));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    const mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(sec).padStart(2, "0");
  };

  function showState(position) {
    if (stateText) stateText.textContent = watched ? "Watched" : position > 0 ? "Stopped at " + clock(position) : "Not watched yet";
    if (markButton) markButton.textContent = watched ? "Mark unwatched" : "Mark watched";
    if (markValue) markValue.value = watched ? "false" : "true";
    document.body.dataset.watched = watched ? "yes" : "no";
  }

  function save(body, leaving) {
    return fetch("/api/videos/" + data.video + "/watch/", {
      method: "PUT", credentials: "same-origin", keepalive: Boolean(leaving),
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    }).then((r) => (r.ok ? r.json() : null)).then((state) => {
      if (state) { watched = state.watched; showState(state.position); }
      return state;
    }).catch(() => null);
  }

  let resumed = false;  // nothing is saved before the start position is applied (it would overwrite yours with 0)
  function savePosition(leaving) {
    if (!resumed) return;
    const position = Math.min(video.currentTime || 0, duration() + 4);
    if (Math.abs(position - lastSaved) < 0.5) return;
    lastSaved = position;
    const reached = duration() > 0 && position >= data.watched_fraction * duration();
    if (reached && !watched) { watched = true; showState(position); }
    save({ position }, leaving);
  }

  // Where to start: ?t=SECONDS (a link into the video), else where you stopped (a watched video starts over).
  function startAt() {
    const t = new URLSearchParams(location.search).get("t");
    if (t !== null && /^\d+(\.\d+)?s?$/.test(t)) return parseFloat(t);
    const d = data.duration || 0;
    if (watched && d && data.position >= data.watched_fraction * d) return 0;
    return data.position || 0;
  }
  function resume() {
    const at = startAt();
    if (at > 0) video.currentTime = Math.min(at, Math.max(0, duration() - 0.5));
    lastSaved = at > 0 ? video.currentTime : lastSaved;
    resumed = true;
  }
  if (video.readyState >= 1) resume(); else video.addEventListener("loadedmetadata", resume, { once: true });

  setInterval(() => { if (!video.paused && !video.ended) savePosition(false); }, SAVE_EVERY_MS);
  video.addEventListener("pause", () => savePosition(false));
  video.addEventListener("seeked", () => savePosition(false));
  video.addEventListener("ended", () => savePosition(false));
  video.addEventListener("timeupdate", () => {
    if (!watched && duration() > 0 && video.currentTime >= data.watched_fraction * duration()) savePosition(false);
    if (played && duration() > 0) played.style.width = (100 * video.currentTime / duration()) + "%";
  });
  window.addEventListener("pagehide", () => savePosition(true));
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") savePosition(true); });

  if (markForm) markForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const want = !watched;
    save({ watched: want }).then((state) => {
      if (!state) { markForm.submit(); return; }  // the form's own POST says why
      lastSaved = state.position;
      if (!want) video.currentTime = 0;
    });
  });

  // Speed.
  if (speed) {
    speed.addEventListener("change", () => { video.playbackRate = parseFloat(speed.value) || 1; });
    video.addEventListener("ratechange", () => {
      const match = [...speed.options].find((o) => parseFloat(o.value) === video.playbackRate);
      if (match) speed.value = match.value;
    });
  }

  // Captions: every subtitle track off, or the first one shown.
  const subtitleTracks = () => [...video.textTracks].filter((t) => t.kind === "subtitles" || t.kind === "captions");
  function captionsOn() { return subtitleTracks().some((t) => t.mode === "showing"); }
  function toggleCaptions() {
    const tracks = subtitleTracks();
    if (!tracks.length) return;
    const on = captionsOn();
    tracks.forEach((t, i) => { t.mode = !on && i === 0 ? "showing" : "disabled"; });
    if (captions) captions.setAttribute("aria-pressed", String(!on));
  }
  if (captions) {
    captions.addEventListener("click", toggleCaptions);
    video.textTracks.addEventListener("change", () => captions.setAttribute("aria-pressed", String(captionsOn())));
  }

  // Chapters and SponsorBlock segments on the timeline, and the list's times seek instead of reloading.
  function seek(to) {
    video.currentTime = Math.max(0, Math.min(to, Math.max(0, duration() - 0.1)));
  }
  function drawTimeline() {
    const d = duration();
    if (!timeline || !d) return;
    timeline.querySelectorAll(".mark").forEach((m) => m.remove());
    for (const c of data.chapters || []) {
      const mark = document.createElement("button");
      mark.type = "button";
      mark.className = "mark " + (c.kind === "sponsorblock" ? "segment" : "tick");
      mark.style.left = (100 * Math.min(c.start, d) / d) + "%";
      if (c.kind === "sponsorblock") mark.style.width = (100 * Math.max(0, Math.min(c.end, d) - c.start) / d) + "%";
      mark.title = clock(c.start) + " " + c.title;
      mark.setAttribute("aria-label", (c.kind === "sponsorblock" ? "SponsorBlock: " : "Chapter: ") + c.title + " at " + clock(c.start));
      mark.dataset.start = c.start;
      timeline.appendChild(mark);
    }
  }
  if (timeline) {
    timeline.addEventListener("click", (event) => {
      const mark = event.target.closest(".mark");
      if (mark) { seek(parseFloat(mark.dataset.start)); return; }
      const box = timeline.getBoundingClientRect();
      if (box.width > 0) seek(duration() * (event.clientX - box.left) / box.width);
    });
    if (video.readyState >= 1) drawTimeline(); else video.addEventListener("loadedmetadata", drawTimeline, { once: true });
  }
  document.querySelectorAll("#chapters a.chapter").forEach((link) => link.addEventListener("click", (event) => {
    event.preventDefault();
    seek(parseFloat(link.dataset.start));
    if (video.paused) video.play().catch(() => {});
  }));

  // Keyboard: space/k play-pause, j/l 10 s back/forward, f full screen, c captions; never while typing.
  function typing(target) {
    return target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  }
  function togglePlay() { if (video.paused || video.ended) video.play().catch(() => {}); else video.pause(); }
  window.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const key = event.key.toLowerCase();
    const onControl = event.target && ["BUTTON", "A", "SUMMARY"].includes(event.target.tagName);
    if (key === " " && onControl) return;  // space presses the focused button or link
    if (key === " " || key === "k") togglePlay();
    else if (key === "j") seek((video.currentTime || 0) - SKIP_SECONDS);
    else if (key === "l") seek((video.currentTime || 0) + SKIP_SECONDS);
    else if (key === "f") {
      if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
      else video.requestFullscreen().catch(() => {});
    } else if (key === "c") toggleCaptions();
    else return;
    event.preventDefault();
    event.stopPropagation();
  }, true);

  showState(data.position || 0);
})();
