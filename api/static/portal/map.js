// Draws the dataset on a plain background: no tiles, so the map works offline and asks
// nothing of any other server. Points come from this platform's query API; a dataset
// aggregated to areas is drawn as a choropleth on the boundaries its spec names.
(function () {
  var element = document.getElementById("map");
  if (!element || !window.L) { return; }
  var map = L.map(element, { attributionControl: false });
  var bounds = null;
  var drawn = 0;
  var shades = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];

  function extend(layer) {
    if (!layer.getLayers().length) { return; }
    bounds = bounds ? bounds.extend(layer.getBounds()) : layer.getBounds();
    map.fitBounds(bounds, { padding: [12, 12] });
  }
  function popup(props) {
    return Object.keys(props).slice(0, 6).map(function (key) {
      var line = document.createElement("div");
      line.textContent = key + ": " + props[key];
      return line.outerHTML;
    }).join("");
  }
  function finished() { element.dataset.features = String(drawn); }

  var pending = [];
  if (element.dataset.boundaries) {
    var counts = JSON.parse(element.dataset.counts || "{}");
    var nameProperty = element.dataset.nameProperty || "name";
    // five classes between the smallest and the largest count, so differences show
    var values = Object.keys(counts).map(function (k) { return counts[k]; });
    var low = values.length ? Math.min.apply(null, values) : 0;
    var span = Math.max(1, (values.length ? Math.max.apply(null, values) : 1) - low);
    pending.push(fetch(element.dataset.boundaries).then(function (r) { return r.json(); })
      .then(function (areas) {
        var layer = L.geoJSON(areas, {
          style: function (feature) {
            var n = counts[feature.properties[nameProperty]] || 0;
            var shade = n ? shades[Math.min(shades.length - 1,
                                            Math.floor((n - low) / span * shades.length))] : "#ffffff";
            return { color: "#444", weight: 1, fillColor: shade,
                     fillOpacity: element.dataset.src ? 0.15 : 0.85 };
          },
          onEachFeature: function (feature, shape) {
            var name = feature.properties[nameProperty];
            shape.bindTooltip(name + ": " + (counts[name] || 0));
            if (!element.dataset.src) { drawn += 1; }
          }
        }).addTo(map);
        extend(layer);
      }));
  }
  if (element.dataset.src) {
    pending.push(fetch(element.dataset.src).then(function (r) { return r.json(); })
      .then(function (collection) {
        var layer = L.geoJSON(collection, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, { radius: 5, color: "#0b4f8a", weight: 1, fillOpacity: 0.7 });
          },
          onEachFeature: function (feature, shape) {
            shape.bindPopup(popup(feature.properties || {}));
            drawn += 1;
          }
        }).addTo(map);
        extend(layer);
      }));
  }
  Promise.all(pending).then(function () {
    if (!bounds) { map.setView([0, 0], 1); }
    finished();
  });
})();
