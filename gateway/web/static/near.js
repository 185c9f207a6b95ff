/* Rete QuBì: services near a person. "Use my position" asks the device where it is and sends
   it with the search only (rounded to about 100 m; never kept); the map shows the places of
   the list the page already has. Without this file, or without Leaflet or tiles, the list with
   its distances and directions is the whole answer. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function point(text) {
    var parts = (text || "").split(",").map(Number);
    return parts.length === 2 && parts.every(isFinite) ? parts : null;
  }

  function usePosition() {
    var box = document.querySelector("[data-use-position]");
    if (!box || !navigator.geolocation) { return; }
    var button = box.querySelector("button");
    var status = box.querySelector("[data-position-status]");
    var form = button.form;
    box.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.getAttribute("data-asking");
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        var near = form.querySelector("input[name=near]");
        if (!near) {
          near = document.createElement("input");
          near.type = "hidden";
          near.name = "near";
          form.appendChild(near);
        }
        near.value = position.coords.latitude.toFixed(3) + "," + position.coords.longitude.toFixed(3);
        form.querySelector("input[name=place]").value = "";
        form.submit();
      }, function (error) {
        button.disabled = false;
        status.textContent = button.getAttribute(error.code === 1 ? "data-denied" : "data-unavailable");
      }, {enableHighAccuracy: false, timeout: 15000, maximumAge: 300000});
    });
    // a place typed means "from there": the position sent before no longer counts
    form.querySelector("input[name=place]").addEventListener("input", function () {
      var near = form.querySelector("input[name=near]");
      if (near) { near.remove(); }
    });
  }

  function drawMap() {
    var box = document.querySelector("[data-results-map]");
    if (!box || !window.L) { return; }
    var places = Array.prototype.filter.call(document.querySelectorAll("[data-place]"),
      function (item) { return point(item.getAttribute("data-place")); });
    if (!places.length) { return; }
    box.hidden = false;
    var map = L.map(box, {scrollWheelZoom: false, attributionControl: true});
    map.attributionControl.setPrefix(false);
    var tiles = box.getAttribute("data-tiles");
    if (tiles) {
      var attribution = document.createElement("span");
      attribution.textContent = box.getAttribute("data-attribution") || "";
      L.tileLayer(tiles, {maxZoom: 19, attribution: attribution.innerHTML}).addTo(map);
    }
    var bounds = [];
    places.forEach(function (item) {
      var at = point(item.getAttribute("data-place"));
      var link = document.createElement(item.hasAttribute("data-href") ? "a" : "strong");
      if (item.hasAttribute("data-href")) { link.href = item.getAttribute("data-href"); }
      link.textContent = item.getAttribute("data-name");
      var distance = item.querySelector(".distance");
      var popup = document.createElement("p");
      popup.appendChild(link);
      if (distance) { popup.appendChild(document.createTextNode(" · " + distance.textContent)); }
      L.marker(at, {alt: item.getAttribute("data-name"), title: item.getAttribute("data-name")})
        .bindPopup(popup).addTo(map);
      bounds.push(at);
    });
    var origin = point(box.getAttribute("data-origin"));
    if (origin) {
      L.circleMarker(origin, {radius: 7, color: "#0b3d91", fillOpacity: 0.6})
        .bindTooltip(box.getAttribute("data-origin-label")).addTo(map);
      bounds.push(origin);
    }
    var fit = function () { map.fitBounds(bounds, {padding: [24, 24], maxZoom: 15}); };
    var width = box.clientWidth;
    fit();
    // a phone turned: every place in view again (not when only the browser's bars move)
    map.on("resize", function () {
      if (box.clientWidth !== width) { width = box.clientWidth; fit(); }
    });
  }

  ready(function () {
    usePosition();
    drawMap();
  });
})();
