// The library's small behaviours: the theme toggle, the phone menu, dialogs and the "More" menus.
// Every page works without it (the menu is then always shown); nothing here talks to the server.
"use strict";

const THEME_KEY = "ytarchive-theme";
const THEMES = ["auto", "light", "dark"];
const THEME_NAMES = { auto: "Auto", light: "Light", dark: "Dark" };

function currentTheme() {
  const t = document.documentElement.dataset.theme;
  return t === "light" || t === "dark" ? t : "auto";
}

function showTheme(button) {
  const theme = currentTheme();
  button.querySelector(".theme-name").textContent = THEME_NAMES[theme];
  button.dataset.current = theme;
  // The visible word leads the name (WCAG 2.5.3), then what a press does.
  const next = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
  button.setAttribute("aria-label", "Theme " + THEME_NAMES[theme] + " (switch to " + THEME_NAMES[next] + ")");
}

function setTheme(theme) {
  const root = document.documentElement;
  try {
    if (theme === "auto") localStorage.removeItem(THEME_KEY); else localStorage.setItem(THEME_KEY, theme);
  } catch (e) { /* not saved: this page still switches */ }
  if (theme === "auto") delete root.dataset.theme; else root.dataset.theme = theme;
}

function wireThemeToggle(button) {
  showTheme(button);
  button.addEventListener("click", () => {
    setTheme(THEMES[(THEMES.indexOf(currentTheme()) + 1) % THEMES.length]);
    showTheme(button);
  });
}

function wireNavToggle(button) {
  const nav = document.getElementById(button.getAttribute("aria-controls"));
  if (!nav) return;
  const set = (open) => { button.setAttribute("aria-expanded", String(open)); nav.classList.toggle("open", open); };
  button.addEventListener("click", () => set(button.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && nav.classList.contains("open")) { set(false); button.focus(); } });
}

function wireDialogs() {
  document.querySelectorAll("[data-opens]").forEach((button) => {
    const dialog = document.getElementById(button.dataset.opens);
    if (!dialog || typeof dialog.showModal !== "function") return;
    button.addEventListener("click", () => {
      if (dialog.open) dialog.close();
      dialog.showModal();
      const first = dialog.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    });
  });
  document.querySelectorAll("[data-closes]").forEach((button) => {
    button.addEventListener("click", () => document.getElementById(button.dataset.closes).close());
  });
  document.querySelectorAll("dialog").forEach((dialog) => {
    dialog.addEventListener("click", (e) => { if (e.target === dialog) dialog.close(); });  // the backdrop
  });
}

function wireMenus() {
  // A <details class="menu"> closes when something else is clicked, or on Escape.
  const menus = () => document.querySelectorAll("details.menu[open]");
  document.addEventListener("click", (e) => menus().forEach((m) => { if (!m.contains(e.target)) m.open = false; }));
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    menus().forEach((m) => { m.open = false; m.querySelector("summary").focus(); });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-theme-toggle]").forEach(wireThemeToggle);
  document.querySelectorAll(".nav-toggle").forEach(wireNavToggle);
  wireDialogs();
  wireMenus();
});
