// Amounts and times in the browser's own locale, on every public page; the server's rendering
// stays without JavaScript. Amounts go to Intl as decimal strings, never through floating point.
(function () {
  "use strict";
  if (window.Intl) {
    document.querySelectorAll(".money[data-value][data-currency]").forEach(function (el) {
      try {
        el.textContent = new Intl.NumberFormat(undefined, { style: "currency", currency: el.dataset.currency }).format(el.dataset.value);
      } catch (e) { /* an unknown currency keeps the server's text */ }
    });
    document.querySelectorAll("time.local[datetime]").forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (!isNaN(d)) el.textContent = d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    });
  }
})();
