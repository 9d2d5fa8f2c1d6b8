// Live status for the hosted page. The page works without this script (it refreshes itself).
(function () {
  "use strict";
  var box = document.getElementById("status");
  if (!box) return;
  var id = box.dataset.session, status = box.dataset.status;
  var expires = parseInt(box.dataset.expires, 10) * 1000;
  var countdown = document.getElementById("countdown");
  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  function tick() {
    if (!countdown) return;
    var s = Math.max(0, Math.floor((expires - Date.now()) / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    countdown.textContent = (h > 0 ? h + ":" + pad(m) : m) + ":" + pad(s % 60);
  }
  function poll() {
    fetch("/c/" + encodeURIComponent(id) + "/status", { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (st) {
        if (!st) return;
        if (st.status === "complete" && box.dataset.success) { window.location.assign(box.dataset.success); return; }
        if (st.status !== status) window.location.reload();
      })
      .catch(function () { /* offline for a moment: try again on the next poll */ });
  }
  tick();
  if (status === "open") {
    setInterval(tick, 1000);
    setInterval(poll, 3000);
  }
})();
