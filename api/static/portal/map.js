// Draws the dataset's features on a plain background: no tiles, so the map works offline
// and asks nothing of any other server. The features come from this platform's own API.
(function () {
  var element = document.getElementById("map");
  if (!element || !window.L) { return; }
  var map = L.map(element, { attributionControl: false });
  fetch(element.dataset.src).then(function (response) { return response.json(); })
    .then(function (collection) {
      var layer = L.geoJSON(collection, {
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, { radius: 5, color: "#0b4f8a", weight: 1, fillOpacity: 0.7 });
        },
        onEachFeature: function (feature, shape) {
          var props = feature.properties || {};
          var lines = Object.keys(props).slice(0, 6).map(function (key) {
            var text = document.createElement("div");
            text.textContent = key + ": " + props[key];
            return text.outerHTML;
          });
          shape.bindPopup(lines.join(""));
        }
      }).addTo(map);
      if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [12, 12] }); }
      else { map.setView([0, 0], 1); }
      element.dataset.features = String(layer.getLayers().length);
    });
})();
