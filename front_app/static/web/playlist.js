// A video played from a playlist (?list=…&index=N): it starts by itself, and when it ends the playlist's next
// archived video opens (#playlist-bar's data-next), so "Play all" plays the playlist in order. Our own small
// script; nothing from another host.
"use strict";

(() => {
  const bar = document.getElementById("playlist-bar");
  const video = document.getElementById("player");
  if (!bar || !video) return;
  const next = bar.dataset.next || "";
  video.addEventListener("ended", () => {
    if (next) window.location.assign(next);
  });
  // Started from "Play all" or the previous video: play at once; a browser that refuses to autoplay with sound
  // (no click on this page yet) is asked again muted, which browsers allow, and the controls unmute it.
  const started = video.play();
  if (started && typeof started.catch === "function") {
    started.catch(() => { video.muted = true; video.play().catch(() => {}); });
  }
})();
