// The Telegram login widget returns to the callback with its answer in the
// URL fragment (#tgAuthResult=…), which the server never sees: copy it into
// the page's form and post it, same-origin, with the state.
(function () {
  "use strict";
  var form = document.getElementById("gh-telegram-form");
  if (!form) {
    return;
  }
  var m = /(?:^#|&)tgAuthResult=([^&]*)/.exec(window.location.hash);
  if (m) {
    form.elements.tgAuthResult.value = decodeURIComponent(m[1]);
  }
  // The fragment leaves the address bar and the history.
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  form.submit();
})();
