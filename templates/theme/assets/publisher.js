/* Ambassador wall filter: narrows the grid by identity and region, on the page itself.
   Without JavaScript every ambassador stays visible and the form is hidden (it could not filter): an
   inline script in <head> (main.html) marks <html class="pub-js"> before the first paint, so the form
   shows from the start and nothing moves when this file runs. State lives in the query string
   (?identity=scholar&region=青岛) so a filtered wall can be shared. */
(function () {
  "use strict";
  function setup(wall) {
    var form = wall.querySelector("[data-filter]");
    var items = Array.prototype.slice.call(wall.querySelectorAll("[data-filter-items] > li"));
    var count = wall.querySelector("[data-filter-count]");
    var empty = wall.querySelector("[data-filter-empty]");
    if (!form || !items.length) return;

    function apply(push) {
      var identity = (form.querySelector("input[name=identity]:checked") || {}).value || "";
      var region = form.elements.region.value;
      var shown = 0;
      items.forEach(function (item) {
        var match = (!identity || item.dataset.identity === identity) &&
                    (!region || item.dataset.region === region);
        item.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = count.getAttribute("data-template").replace("{count}", shown);  // the page language's words
      empty.hidden = shown !== 0;
      if (push && window.history && window.URLSearchParams) {
        var params = new URLSearchParams();
        if (identity) params.set("identity", identity);
        if (region) params.set("region", region);
        var query = params.toString();
        history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
      }
    }

    var params = window.URLSearchParams ? new URLSearchParams(location.search) : null;
    if (params) {
      var wanted = form.querySelector("input[name=identity][value='" + (params.get("identity") || "").replace(/[^a-z-]/g, "") + "']");
      if (wanted) wanted.checked = true;
      var region = params.get("region");
      if (region && Array.prototype.some.call(form.elements.region.options, function (o) { return o.value === region; }))
        form.elements.region.value = region;
    }
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply(false);
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-wall]"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
