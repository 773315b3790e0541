// Validation queue: the header box selects every row of the page.
(function () {
  var tout = document.getElementById("tout-selectionner");
  if (!tout) { return; }
  var cases = document.querySelectorAll("input.case-ligne");
  tout.addEventListener("change", function () {
    cases.forEach(function (c) { c.checked = tout.checked; });
  });
  cases.forEach(function (c) {
    c.addEventListener("change", function () {
      var cochees = Array.prototype.filter.call(cases, function (x) { return x.checked; }).length;
      tout.checked = cochees === cases.length;
      tout.indeterminate = cochees > 0 && cochees < cases.length;
    });
  });
})();
