// Live status for the hosted page. The page works without this script (it refreshes itself).
(function () {
  "use strict";
  var box = document.getElementById("status");
  if (!box) return;
  var id = box.dataset.session, status = box.dataset.status, version = box.dataset.version;
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
        if (st.status !== status || st.version !== version) window.location.reload();
      })
      .catch(function () { /* offline for a moment: try again on the next poll */ });
  }
  // Copy buttons appear only where the clipboard works.
  if (navigator.clipboard) {
    document.querySelectorAll("button.copy").forEach(function (b) {
      b.hidden = false;
      b.addEventListener("click", function () {
        var el = document.getElementById(b.dataset.copy);
        navigator.clipboard.writeText(el.textContent.trim()).then(function () { b.textContent = "Copied"; });
      });
    });
  }
  // "Pay with browser wallet" (EIP-1193) appears only where a wallet is injected.
  var wallet = document.getElementById("wallet");
  if (wallet && window.ethereum) {
    wallet.hidden = false;
    wallet.addEventListener("click", function () {
      var eth = window.ethereum, d = wallet.dataset;
      eth.request({ method: "eth_requestAccounts" })
        .then(function (accounts) {
          return eth.request({ method: "wallet_switchEthereumChain", params: [{ chainId: d.chain }] })
            .then(function () { return accounts[0]; });
        })
        .then(function (from) {
          var tx = { from: from, to: d.to, value: d.value };
          if (d.data) tx.data = d.data;
          return eth.request({ method: "eth_sendTransaction", params: [tx] });
        })
        .then(function () { wallet.textContent = "Sent: waiting for the network"; wallet.disabled = true; })
        .catch(function (e) { wallet.textContent = "Wallet: " + (e && e.message ? e.message : "cancelled"); });
    });
  }
  tick();
  if (status === "open") {
    setInterval(tick, 1000);
    setInterval(poll, 3000);
  }
})();
