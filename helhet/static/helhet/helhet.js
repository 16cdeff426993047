/* Helhet's only script of its own (CSP: script-src 'self'). Everything works
   without it; it adds the narrow-screen menu button and moves focus to the
   error summary after a failed save (docs/user-interface.md). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    // The header menu collapses behind «Meny» on narrow screens.
    var toggle = document.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (toggle && menu) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var open = menu.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    // «Mer» closes on Escape and on a click elsewhere.
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details.nav-more[open]").forEach(function (more) {
        if (!more.contains(event.target)) more.open = false;
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      document.querySelectorAll("details.nav-more[open]").forEach(function (more) {
        more.open = false;
        more.querySelector("summary").focus();
      });
    });

    // A wide table scrolls inside its own box instead of widening the page
    // (no horizontal scroll on a phone, docs/user-interface.md). The box is a
    // named, focusable region only while it scrolls, so a keyboard can scroll it.
    var boxes = [];
    document.querySelectorAll("main table:not(.stack-narrow):not(.consent-grid)").forEach(function (table) {
      if (table.parentElement.classList.contains("table-scroll")) {
        boxes.push(table.parentElement);
        return;
      }
      var box = document.createElement("div");
      box.className = "table-scroll";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
      boxes.push(box);
    });
    function markScrolling() {
      boxes.forEach(function (box) {
        var table = box.querySelector("table");
        var caption = table.querySelector("caption");
        if (box.scrollWidth > box.clientWidth + 1) {
          box.setAttribute("tabindex", "0");
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", (caption && caption.textContent.trim()) ||
            table.getAttribute("aria-label") || box.dataset.label || document.title);
        } else {
          box.removeAttribute("tabindex");
          box.removeAttribute("role");
          box.removeAttribute("aria-label");
        }
      });
    }
    markScrolling();
    window.addEventListener("resize", markScrolling);

    // A failed save: focus the error summary at the top, so a screen reader
    // reads it and the user sees it without scrolling.
    var summary = document.querySelector(".ds-error-summary[data-focus]");
    if (summary) summary.focus();
    // A link in the summary moves focus into its field, not only the view.
    document.querySelectorAll(".ds-error-summary a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (!field) return;
        event.preventDefault();
        field.scrollIntoView({ block: "center" });
        field.focus();
      });
    });
  });
})();
