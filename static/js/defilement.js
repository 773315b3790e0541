// A table wider than the screen scrolls inside its frame: make that frame reachable with the keyboard
// (focusable, named after the table's caption), as WCAG 2.1.1 asks. Frames that do not scroll are left alone.
(function () {
  function preparer() {
    document.querySelectorAll(".table-responsive").forEach(function (cadre) {
      var defile = cadre.scrollWidth > cadre.clientWidth;
      if (defile && !cadre.hasAttribute("tabindex")) {
        var legende = cadre.querySelector("caption");
        cadre.setAttribute("tabindex", "0");
        cadre.setAttribute("role", "region");
        cadre.setAttribute("aria-label", legende ? legende.textContent.trim() : "Tableau défilant");
      } else if (!defile && cadre.getAttribute("role") === "region") {
        cadre.removeAttribute("tabindex");
        cadre.removeAttribute("role");
        cadre.removeAttribute("aria-label");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", preparer);
  window.addEventListener("load", preparer);
  window.addEventListener("resize", preparer);
})();
