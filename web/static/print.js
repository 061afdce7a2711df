// The recovery-codes page's Print button: shown only where scripts run
// (the page works without it; the browser's own print does the same).
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-gh-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () {
      window.print();
    });
  }
})();
