// Mark (un)watched without a reload: a card's toggle and the channel page's "Mark all on this page" forms are
// plain POST forms (they work without JavaScript); here they go to the API instead (PUT
// /api/videos/{id}/watch/, POST /api/watch/bulk/) and the cards change in place. If the API refuses or
// cannot be reached, the form is sent as it is, so the person still gets the server's answer.
"use strict";

(function () {
  function csrf(form) {
    const field = form.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function send(form, url, method, body) {
    return fetch(url, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf(form) },
      body: JSON.stringify(body),
    }).then((response) => { if (!response.ok) throw new Error("HTTP " + response.status); return response.json(); });
  }

  // The card's tick before its title and its toggle's next action follow ``watched``.
  function showCard(form, watched) {
    form.elements.watched.value = watched ? "false" : "true";
    const button = form.querySelector("button");
    const words = watched ? "Mark unwatched" : "Mark watched";
    button.textContent = words;
    button.setAttribute("aria-label", words + ": " + button.dataset.title);  // the visible words first
    const card = form.closest(".tile");
    const title = card && card.querySelector(".title");
    if (!title) return;
    const tick = title.querySelector(".watched-tick");
    if (watched && !tick) {
      const span = document.createElement("span");
      span.className = "watched-tick";
      span.title = "Watched";
      span.append("✓");
      const word = document.createElement("span");
      word.className = "skip";
      word.textContent = " watched";
      span.append(word);
      title.prepend(span, " ");
    } else if (!watched && tick) {
      if (tick.nextSibling && tick.nextSibling.nodeType === Node.TEXT_NODE && tick.nextSibling.data === " ") {
        tick.nextSibling.remove();
      }
      tick.remove();
    }
  }

  function say(text) {
    let status = document.getElementById("watch-marks-status");
    if (!status) {
      status = document.createElement("p");
      status.id = "watch-marks-status";
      status.className = "skip";
      status.setAttribute("role", "status");
      document.body.append(status);
    }
    status.textContent = text;
  }

  function markOne(form) {
    const watched = form.elements.watched.value === "true";
    return send(form, "/api/videos/" + form.dataset.videoPk + "/watch/", "PUT", { watched: watched })
      .then((state) => { showCard(form, state.watched); say(state.watched ? "Marked watched." : "Marked unwatched."); });
  }

  function markShown(form) {
    const watched = form.elements.watched.value === "true";
    const grid = document.getElementById("videos") || document;
    const cards = Array.from(grid.querySelectorAll("form.mark-watched[data-video-pk]")).slice(0, 500);
    if (!cards.length) return Promise.resolve();
    const ids = cards.map((card) => Number(card.dataset.videoPk));
    return send(form, "/api/watch/bulk/", "POST", { video_ids: ids, watched: watched }).then((answer) => {
      cards.forEach((card) => showCard(card, watched));
      say("Marked " + answer.marked + " video" + (answer.marked === 1 ? "" : "s") + (watched ? " watched." : " unwatched."));
    });
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const mark = form.matches("form.mark-watched[data-video-pk]") ? markOne
      : form.matches("form.mark-shown") ? markShown : null;
    if (!mark || !window.fetch) return;
    event.preventDefault();
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    mark(form).catch(() => form.submit()).finally(() => { delete form.dataset.busy; });
  });
})();
