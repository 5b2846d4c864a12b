// The colour theme, set before the page is drawn (base.html loads this without defer): no flash of the wrong one.
// "light" or "dark" saved by the header's toggle (library.js) in localStorage; nothing saved follows the system.
"use strict";
(function () {
  let saved = null;
  try { saved = localStorage.getItem("ytarchive-theme"); } catch (e) { /* storage refused: follow the system */ }
  const root = document.documentElement;
  if (saved === "light" || saved === "dark") root.dataset.theme = saved;
  root.classList.add("js");
}());
