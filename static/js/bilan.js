// "Imprimer" button of the printable pages (yearly bilan, right of access): shown only when JavaScript runs.
(function () {
  "use strict";
  var bouton = document.getElementById("bouton-imprimer");
  if (!bouton) {
    return;
  }
  bouton.hidden = false;
  bouton.addEventListener("click", function () {
    window.print();
  });
})();
