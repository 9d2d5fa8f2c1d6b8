// "Pay with browser wallet" on a refund's page: the merchant's EIP-1193 wallet (announced
// through EIP-6963, or the injected window.ethereum) sends the transaction the server rendered
// in the button's data, on the refund's chain; its hash is then recorded through the page's
// "transaction hash" form, as if typed. Without this script, or without a wallet, the button
// stays hidden and the form works alone.
(function () {
  "use strict";
  var button = document.getElementById("refund-wallet");
  var form = document.getElementById("mark-sent");
  var status = document.getElementById("refund-wallet-status");
  if (!button || !form || !window.fetch) return;
  var wallets = [];
  function say(text) { if (status) status.textContent = text; }
  function found(provider) {
    if (!provider || typeof provider.request !== "function" || wallets.indexOf(provider) >= 0) return;
    wallets.push(provider);
    button.hidden = false;
  }
  window.addEventListener("eip6963:announceProvider", function (ev) { found(ev.detail && ev.detail.provider); });
  window.dispatchEvent(new Event("eip6963:requestProvider"));
  found(window.ethereum);

  function same(a, b) { return String(a).toLowerCase() === String(b).toLowerCase(); }

  // onChain asks the wallet to use the refund's chain (adding it when the wallet lacks it and
  // a public RPC is known), then checks that it did: a transfer on another chain pays nothing.
  function onChain(eth, d) {
    return eth.request({ method: "eth_chainId" }).then(function (id) {
      if (same(id, d.chain)) return null;
      return eth.request({ method: "wallet_switchEthereumChain", params: [{ chainId: d.chain }] }).catch(function (e) {
        if (!e || e.code !== 4902 || !d.rpc) throw e;
        var chain = { chainId: d.chain, chainName: d.chainName, rpcUrls: [d.rpc],
          nativeCurrency: { name: d.nativeSymbol, symbol: d.nativeSymbol, decimals: parseInt(d.nativeDecimals, 10) } };
        if (d.explorer) chain.blockExplorerUrls = [d.explorer];
        return eth.request({ method: "wallet_addEthereumChain", params: [chain] });
      }).then(function () { return eth.request({ method: "eth_chainId" }); }).then(function (now) {
        if (!same(now, d.chain)) throw { message: "the wallet is not on " + (d.chainName || "the refund's chain") + "; switch it there and try again" };
      });
    });
  }

  function refused(e, d) {
    if (e && e.code === 4001) return "You declined in your wallet: nothing was sent.";
    if (e && e.code === 4902) return "Your wallet does not have " + (d.chainName || "the refund's chain") + ": add it there, then try again.";
    if (e && e.code === -32002) return "Your wallet is already asking you something: open it to answer.";
    return "The wallet did not send it" + (e && e.message ? ": " + e.message : ".");
  }

  // record posts the hash with the form's CSRF token. The dashboard answers a recorded hash with
  // a redirect to the refund's page, and a refused one with the page and its error.
  function record(hash) {
    form.elements.transaction_hash.value = hash;
    var body = new URLSearchParams(new FormData(form));
    return fetch(form.action, { method: "POST", body: body, credentials: "same-origin", redirect: "follow" })
      .then(function (res) {
        if (res.ok) { window.location.assign(res.url); return; }
        return res.text().then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var alert = doc.querySelector("main [role=alert]");
          throw new Error(alert ? alert.textContent.trim() : "the dashboard answered " + res.status);
        });
      });
  }

  button.addEventListener("click", function () {
    var eth = wallets[0], d = button.dataset;
    if (!eth) return;
    button.disabled = true;
    say("Waiting for your wallet…");
    eth.request({ method: "eth_requestAccounts" })
      .then(function (accounts) {
        if (!accounts || !accounts.length) throw { message: "no account is connected" };
        return onChain(eth, d).then(function () { return accounts[0]; });
      })
      .then(function (from) {
        var tx = { from: from, to: d.to, value: d.value }; // exact 0x-hex amounts, never floats
        if (d.data) tx.data = d.data;
        say("Confirm the transfer in your wallet…");
        return eth.request({ method: "eth_sendTransaction", params: [tx] });
      })
      .then(function (hash) {
        // Sent: from here the button stays disabled, so the refund is never paid twice.
        say("Sent " + hash + ". Recording it…");
        return record(hash).catch(function (e) {
          say("Your wallet sent " + hash + ", but it was not recorded: " + e.message +
            " The hash is in the form below: record it there once the problem is solved, and check the transaction in your wallet before sending anything again.");
        });
      }, function (e) {
        say(refused(e, d));
        button.disabled = false;
      });
  });
})();
