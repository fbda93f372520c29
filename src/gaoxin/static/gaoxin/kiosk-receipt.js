/* The 80 mm receipt: the button sends it to the terminal's receipt printer (hidden on the printout). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-receipt-print]");
    if (button) { button.addEventListener("click", function () { window.print(); }); }
  });
}());
