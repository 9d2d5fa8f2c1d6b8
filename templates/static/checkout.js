// Embedded checkout for the merchant's site: CryptoCheckout.mount("#checkout", {clientSecret})
// puts the session's page in an iframe, keeps the frame as tall as the page, and sends the
// shopper to the session's return_url once paid. Plain, first-party, no dependencies.
(function () {
  "use strict";
  var script = document.currentScript;
  var service = script ? new URL(script.src).origin : "";
  function mount(target, options) {
    var el = typeof target === "string" ? document.querySelector(target) : target;
    var secret = options && options.clientSecret;
    if (!el || typeof secret !== "string" || secret.indexOf("_secret_") < 0) {
      throw new Error("CryptoCheckout.mount needs an element and the session's client_secret");
    }
    var base = (options && options.baseUrl) ? new URL(options.baseUrl).origin : service;
    var id = secret.split("_secret_")[0];
    var frame = document.createElement("iframe");
    frame.src = base + "/c/" + encodeURIComponent(id) + "?embed=" + encodeURIComponent(secret);
    frame.title = "Checkout";
    frame.style.cssText = "width:100%;border:0;min-height:200px;height:640px";
    frame.setAttribute("allow", "clipboard-write");
    function listen(ev) {
      if (ev.origin !== base || ev.source !== frame.contentWindow || !ev.data) return;
      if (ev.data.type === "crypto-checkout:resize") {
        frame.style.height = Math.min(8000, Math.max(200, ev.data.height | 0)) + "px";
      } else if (ev.data.type === "crypto-checkout:complete" && /^https?:\/\//.test(String(ev.data.url))) {
        window.location.assign(ev.data.url);
      }
    }
    window.addEventListener("message", listen);
    el.appendChild(frame);
    return { unmount: function () { window.removeEventListener("message", listen); frame.remove(); } };
  }
  window.CryptoCheckout = { mount: mount };
})();
