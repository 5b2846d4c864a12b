// ytarchive's own small script: live progress bars, the downloads in flight and the channel grid, by
// polling the app. No framework and nothing from another host. Polls every few seconds while something
// is active, then stops (the bars) or slows down (the queue and the grid).
"use strict";

const POLL_MS = 2000;
const ACTIVE = ["new", "queued", "downloading", "retrying"];

async function progressOf(channelId) {
  const response = await fetch("/api/channels/" + encodeURIComponent(channelId) + "/progress/",
    { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!response.ok) throw new Error("progress " + response.status);
  return response.json();
}

function isActive(p) {
  const sync = p.sync && (p.sync.status === "queued" || p.sync.status === "running");
  return sync || p.interrupted > 0 || ACTIVE.some((s) => p[s] > 0);
}

// Archived, failed and waiting apart (a failure is never "done"), then what the waiting are doing.
function describe(p) {
  const waiting = ACTIVE.reduce((n, s) => n + (p[s] || 0), 0) + (p.interrupted || 0);
  const parts = [p.archived + " of " + p.total + " archived"];
  if (p.failed) parts.push(p.failed + " failed");
  if (p.skipped) parts.push(p.skipped + " skipped");
  if (waiting) {
    const doing = p.interrupted ? [p.interrupted + " interrupted, resuming"] : [];
    for (const s of ["downloading", "queued", "retrying", "new"]) if (p[s]) doing.push(p[s] + " " + s);
    parts.push(waiting + " waiting" + (doing.length ? " (" + doing.join(", ") + ")" : ""));
  }
  if (p.damaged) parts.push(p.damaged + " damaged");
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
    bar.value = p.archived;
    text.textContent = describe(p);
    element.dataset.state = isActive(p) ? "active" : "idle";
    if (isActive(p)) setTimeout(tick, POLL_MS);
  };
  tick();
  element.addEventListener("ytarchive:wake", tick);
}

// The queue page's downloads in flight: one request per tick for all of them (an HTML fragment the
// server renders, one row per download), every 2 s while something runs, every 6 s otherwise.
function watchInFlight(box) {
  const tick = async () => {
    let busy = false;
    if (document.visibilityState !== "hidden") {
      try {
        const response = await fetch(box.dataset.inFlight, { headers: { Accept: "text/html" }, credentials: "same-origin" });
        if (response.ok) {
          box.innerHTML = await response.text();
          const now = box.querySelector(".in-flight-now");
          busy = now && (now.dataset.downloading !== "0" || now.dataset.interrupted !== "0");
        }
      } catch (e) { /* the server restarting: try again later */ }
    }
    setTimeout(tick, busy ? POLL_MS : POLL_MS * 3);
  };
  setTimeout(tick, POLL_MS);
}

// The channel page's grid while a sync lists and downloads: the cards written since the last look
// (rendered by the server, as on the page) replace their old selves or take their place in the
// grid's order (newest upload first), and the grid keeps one page of them. Every 3 s while anything
// goes on, every 20 s once idle.
function placeCard(grid, card) {
  const old = grid.querySelector('li[data-video="' + CSS.escape(card.dataset.video) + '"]');
  if (old && old.outerHTML === card.outerHTML) return;
  if (old && old.dataset.sort === card.dataset.sort) { old.replaceWith(card); return; }
  if (old) old.remove();
  const after = [...grid.querySelectorAll("li[data-sort]")].find((li) => li.dataset.sort < card.dataset.sort);
  grid.insertBefore(card, after || null);
}

function watchGrid(grid) {
  const pageSize = Number(grid.dataset.pageSize) || 48;
  const tick = async () => {
    let state = "idle";
    try {
      const url = grid.dataset.liveGrid + "&since=" + encodeURIComponent(grid.dataset.since);
      const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (response.ok) {
        grid.dataset.since = response.headers.get("X-Since") || grid.dataset.since;
        state = response.headers.get("X-Grid-State") || "idle";
        const holder = document.createElement("template");
        holder.innerHTML = await response.text();
        [...holder.content.querySelectorAll("li[data-video]")].reverse().forEach((card) => placeCard(grid, card));
        const cards = grid.querySelectorAll("li[data-video]");
        for (let i = pageSize; i < cards.length; i += 1) cards[i].remove();
        const empty = grid.querySelector(".grid-empty");
        if (empty && cards.length) empty.remove();
        else if (empty && empty.hasAttribute("data-listing") && state !== "listing") {
          empty.textContent = "No videos yet: press Sync.";
          empty.removeAttribute("data-listing");
        }
      }
    } catch (e) { state = "active"; /* the server restarting: look again soon */ }
    setTimeout(tick, state === "idle" ? POLL_MS * 10 : POLL_MS * 1.5);
  };
  setTimeout(tick, POLL_MS);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-progress]").forEach(watchBar);
  document.querySelectorAll("[data-in-flight]").forEach(watchInFlight);
  document.querySelectorAll("[data-live-grid]").forEach(watchGrid);
});
