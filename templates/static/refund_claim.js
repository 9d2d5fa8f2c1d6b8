// The refund claim page. "Use my wallet's address" asks an EIP-1193 wallet (announced through
// EIP-6963, or the injected window.ethereum) for its account and only fills the address field:
// the shopper still reads it and submits the form. Without a wallet the button stays hidden;
// without this script the page works as a plain form and refreshes itself while it waits.
(function () {
  "use strict";
  var box = document.getElementById("refund");
  if (box && box.dataset.live) {
    setTimeout(function () { window.location.reload(); }, parseInt(box.dataset.live, 10) * 1000);
  }
  var button = document.getElementById("use-wallet");
  var field = document.getElementById("address");
  var said = document.getElementById("wallet-status");
  if (!button || !field) return;
  var providers = [];
  function say(text) { if (said) said.textContent = text; }
  function offer(p) {
    if (!p || providers.indexOf(p) >= 0) return;
    providers.push(p);
    button.hidden = false;
  }
  window.addEventListener("eip6963:announceProvider", function (ev) {
    if (ev.detail && ev.detail.provider) offer(ev.detail.provider);
  });
  window.dispatchEvent(new Event("eip6963:requestProvider"));
  if (window.ethereum) offer(window.ethereum);
  button.addEventListener("click", function () {
    var eth = providers[0];
    if (!eth) return;
    button.disabled = true;
    say("Waiting for your wallet…");
    eth.request({ method: "eth_requestAccounts" })
      .then(function (accounts) {
        if (!accounts || !accounts.length) {
          say("Your wallet did not share an address.");
          return;
        }
        field.value = accounts[0];
        say("Filled in from your wallet. Make sure it can receive " + button.dataset.symbol + " on " +
          button.dataset.chainName + ", then claim the refund.");
      })
      .catch(function (e) {
        if (e && e.code === 4001) say("You declined in your wallet; nothing was shared.");
        else if (e && e.code === -32002) say("Your wallet is already asking you something: open it to answer.");
        else say("Your wallet could not share an address" + (e && e.message ? ": " + e.message : "."));
      })
      .then(function () { button.disabled = false; });
  });
})();
