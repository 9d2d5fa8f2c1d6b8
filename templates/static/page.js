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
  // Embedded on the merchant's site (checkout.js): the frame tells its parent, and only that
  // origin, its height and where to send the shopper once paid; the parent navigates.
  var parentOrigin = box.dataset.embedOrigin;
  function tell(msg) { if (parentOrigin && window.parent !== window) window.parent.postMessage(msg, parentOrigin); }
  function leave(url) {
    if (parentOrigin) tell({ type: "crypto-checkout:complete", url: url });
    else window.location.assign(url);
  }
  function resize() { tell({ type: "crypto-checkout:resize", height: document.documentElement.scrollHeight }); }
  if (parentOrigin) {
    resize();
    if (window.ResizeObserver) new ResizeObserver(resize).observe(document.body);
    if (status === "complete" && box.dataset.success) leave(box.dataset.success);
  }
  function poll() {
    fetch("/c/" + encodeURIComponent(id) + "/status", { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (st) {
        if (!st) return;
        if (st.status === "complete" && box.dataset.success) { leave(box.dataset.success); return; }
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
  // "Pay with browser wallet": an EIP-1193 provider, chosen among the wallets that announce
  // themselves (EIP-6963) or the injected window.ethereum; without one the button stays hidden.
  var wallet = document.getElementById("wallet");
  var said = document.getElementById("wallet-status");
  var providers = [];
  function say(text) { if (said) said.textContent = text; }
  function plain(e) {
    if (e && e.code === 4001) return "You declined in your wallet; nothing was sent.";
    if (e && e.code === -32002) return "Your wallet is already asking you something: open it to answer.";
    return "The wallet could not send it" + (e && e.message ? ": " + e.message : ".");
  }
  var mandate = document.getElementById("mandate"); // a subscription that can renew from the wallet
  var autoRenew = document.getElementById("auto-renew");
  function offer(p) {
    if (!wallet || providers.indexOf(p) >= 0) return;
    providers.push(p);
    wallet.hidden = false;
    if (mandate) mandate.hidden = false;
  }
  // authorize sends, in order, the approval of the collector on the token and the mandate:
  // the wallet numbers them before the payment, so the mandate exists when the payment lands.
  function authorize(eth, from) {
    if (!mandate || !autoRenew || !autoRenew.checked) return Promise.resolve();
    var m = mandate.dataset;
    say("Approve the collector in your wallet (1 of 3)…");
    return eth.request({ method: "eth_sendTransaction", params: [{ from: from, to: m.token, value: "0x0", data: m.approve }] })
      .then(function () {
        say("Authorize the renewals in your wallet (2 of 3)…");
        return eth.request({ method: "eth_sendTransaction", params: [{ from: from, to: m.collector, value: "0x0", data: m.authorize }] });
      })
      .then(function () { say("Send the first payment in your wallet (3 of 3)…"); });
  }
  window.addEventListener("eip6963:announceProvider", function (ev) {
    if (ev.detail && ev.detail.provider) offer(ev.detail.provider);
  });
  window.dispatchEvent(new Event("eip6963:requestProvider"));
  if (window.ethereum) offer(window.ethereum);
  function onChain(eth, d) {
    return eth.request({ method: "eth_chainId" }).then(function (id) {
      if (String(id).toLowerCase() === d.chain.toLowerCase()) return; // already there: no request
      return eth.request({ method: "wallet_switchEthereumChain", params: [{ chainId: d.chain }] })
        .catch(function (e) {
          if (!e || e.code !== 4902 || !d.rpc) throw e; // 4902: the wallet lacks the chain
          var add = { chainId: d.chain, chainName: d.chainName, rpcUrls: [d.rpc],
            nativeCurrency: { name: d.nativeSymbol, symbol: d.nativeSymbol, decimals: parseInt(d.nativeDecimals, 10) } };
          if (d.explorer) add.blockExplorerUrls = [d.explorer];
          return eth.request({ method: "wallet_addEthereumChain", params: [add] });
        });
    });
  }
  if (wallet) {
    wallet.addEventListener("click", function () {
      var eth = providers[0], d = wallet.dataset;
      if (!eth) return;
      wallet.disabled = true;
      say("Waiting for your wallet…");
      eth.request({ method: "eth_requestAccounts" })
        .then(function (accounts) { return onChain(eth, d).then(function () { return accounts[0]; }); })
        .then(function (from) { return authorize(eth, from).then(function () { return from; }); })
        .then(function (from) {
          var tx = { from: from, to: d.to, value: d.value }; // exact amounts as 0x-hex strings, never floats
          if (d.data) tx.data = d.data;
          return eth.request({ method: "eth_sendTransaction", params: [tx] });
        })
        .then(function (hash) { say("Sent: " + hash + ". Waiting for the network; this page updates by itself."); })
        .catch(function (e) { say(plain(e)); wallet.disabled = false; });
    });
  }
  tick();
  if (status === "open") {
    setInterval(tick, 1000);
    setInterval(poll, 3000);
  }
})();
