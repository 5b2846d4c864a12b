// The video page's comments: bring the comment asked for (?comment=ID, or a #comment-… link) into view,
// its folded thread opened first. Without JavaScript the server already opened that thread.
(function () {
  "use strict";
  function show(id) {
    var el = id && document.getElementById(id);
    if (!el) return;
    var folded = el.closest("details");
    if (folded) folded.open = true;
    el.classList.add("focused");
    el.scrollIntoView({block: "center"});
  }
  function fromHash() {
    var hash = decodeURIComponent(location.hash.slice(1));
    if (hash.indexOf("comment-") === 0) show(hash);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var section = document.getElementById("comments");
    if (location.hash.indexOf("#comment-") === 0) fromHash();
    else if (section && section.dataset.focus) show(section.dataset.focus);
  });
  window.addEventListener("hashchange", fromHash);
})();
