// ytarchive's own small script: live progress bars and the downloads in flight, by polling the API.
// No framework and nothing from another host. Polls every 2 s while something is active, then stops.
"use strict";

const POLL_MS = 2000;
const ACTIVE = ["new", "queued", "downloading", "retrying"];

function size(n) {
  if (n === null || n === undefined) return "?";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
  return (i === 0 ? n.toFixed(0) : n.toFixed(1)) + " " + units[i];
}

async function progressOf(channelId) {
  const response = await fetch("/api/channels/" + encodeURIComponent(channelId) + "/progress/",
    { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!response.ok) throw new Error("progress " + response.status);
  return response.json();
}

function isActive(p) {
  const sync = p.sync && (p.sync.status === "queued" || p.sync.status === "running");
  return sync || ACTIVE.some((s) => p[s] > 0);
}

function describe(p) {
  const parts = [(p.archived + p.failed + (p.skipped || 0)) + " of " + p.total + " done"];
  for (const s of ["downloading", "queued", "retrying", "failed", "skipped"]) if (p[s]) parts.push(p[s] + " " + s);
  if (p.sync && (p.sync.status === "queued" || p.sync.status === "running")) parts.unshift("sync " + p.sync.status);
  return parts.join(" · ");
}

function watchBar(element) {
  const bar = element.querySelector("progress");
  const text = element.querySelector(".progress-text");
  const tick = async () => {
    let p;
    try { p = await progressOf(element.dataset.progress); } catch (e) { setTimeout(tick, POLL_MS * 3); return; }
    bar.max = Math.max(1, p.total);
    bar.value = p.archived + p.failed;
    text.textContent = describe(p);
    element.dataset.state = isActive(p) ? "active" : "idle";
    if (isActive(p)) setTimeout(tick, POLL_MS);
  };
  tick();
  element.addEventListener("ytarchive:wake", tick);
}

function watchInFlight(list) {
  const channels = (list.dataset.inFlight || "").split(",").filter(Boolean);
  const tick = async () => {
    const rows = [];
    let active = false;
    for (const id of channels) {
      try {
        const p = await progressOf(id);
        active = active || isActive(p);
        for (const f of p.in_flight) rows.push({ channel: id, ...f });
      } catch (e) { /* a channel removed meanwhile */ }
    }
    list.replaceChildren(...(rows.length ? rows : [null]).map((f) => {
      const li = document.createElement("li");
      if (!f) { li.className = "empty"; li.textContent = "Nothing downloads right now."; return li; }
      const speed = f.speed ? size(f.speed) + "/s" : "";
      const eta = f.eta ? Math.round(f.eta) + " s left" : "";
      li.textContent = [f.channel + " / " + f.video_id, size(f.downloaded_bytes) + " of " + size(f.total_bytes),
        speed, eta].filter(Boolean).join(" · ");
      return li;
    }));
    if (active) setTimeout(tick, POLL_MS);
  };
  tick();
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-progress]").forEach(watchBar);
  document.querySelectorAll("[data-in-flight]").forEach(watchInFlight);
});
