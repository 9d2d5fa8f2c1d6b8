// Copy buttons of the dashboard: a button[data-copy] copies the text of the element whose id
// it names. Without this script the buttons stay hidden and the text is selectable as is.
(function () {
  "use strict";
  if (!navigator.clipboard || !navigator.clipboard.writeText) return;
  document.querySelectorAll("button[data-copy]").forEach(function (btn) {
    var source = document.getElementById(btn.dataset.copy);
    if (!source) return;
    var status = btn.parentNode.querySelector(".copied");
    btn.hidden = false;
    btn.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        if (status) status.textContent = "Copied.";
      }, function () {
        if (status) status.textContent = "Could not copy: select the address and copy it yourself.";
      });
    });
  });
})();
