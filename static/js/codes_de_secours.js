// Recovery codes page: "Imprimer" and "Copier les codes" buttons, shown only when JavaScript runs.
(function () {
  "use strict";
  var imprimer = document.getElementById("bouton-imprimer");
  if (imprimer) {
    imprimer.hidden = false;
    imprimer.addEventListener("click", function () {
      window.print();
    });
  }
  var copier = document.getElementById("bouton-copier");
  if (copier && navigator.clipboard) {
    copier.hidden = false;
    copier.addEventListener("click", function () {
      navigator.clipboard.writeText(copier.dataset.copie.split(" ").join("\n")).then(function () {
        document.getElementById("copie-faite").textContent = "Codes copiés.";
      });
    });
  }
})();
