// Draws the dataset on a plain background: no tiles, so the map works offline and asks
// nothing of any other server. Points come from this platform's query API; a dataset
// aggregated to areas is drawn as a choropleth on the areas' shapes, coloured by the
// measure the reader picks.
(function () {
  var element = document.getElementById("map");
  if (!element || !window.L) { return; }
  // quarter zoom steps: the areas fill the frame instead of the nearest whole zoom
  var map = L.map(element, { attributionControl: false, zoomSnap: 0.25 });
  var bounds = null;
  var drawn = 0;

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
    // the measures the server computed: per measure its values by area, the upper bound
    // of each (quantile) class and the class colours; the select picks the one shown
    var measures = JSON.parse(element.dataset.measures || "[]");
    var keyProperty = element.dataset.keyProperty || "name";
    var labelProperty = element.dataset.labelProperty || keyProperty;
    var noData = element.dataset.noData || "no data";
    var lang = element.dataset.lang || "en";
    var select = document.getElementById("measure");
    var submit = document.getElementById("measure-submit");
    if (submit) { submit.hidden = true; }
    var shapes = null;

    function current() {
      var chosen = select ? select.value : null;
      return measures.filter(function (m) { return m.id === chosen; })[0] || measures[0];
    }
    function format(value) {
      return value === undefined || value === null ? noData
        : value.toLocaleString(lang, { maximumFractionDigits: 2 });
    }
    function colour(measure, value) {
      if (value === undefined || value === null || !measure.breaks.length) { return "#ffffff"; }
      for (var i = 0; i < measure.breaks.length; i += 1) {
        if (value <= measure.breaks[i]) { return measure.colours[i]; }
      }
      return measure.colours[measure.colours.length - 1];
    }
    function text(feature, measure) {
      var props = feature.properties || {};
      var value = measure.values[String(props[keyProperty])];
      // an element, not HTML: Leaflet would read a string as markup
      var line = document.createElement("span");
      line.textContent = (props[labelProperty] === undefined ? props[keyProperty]
                          : props[labelProperty]) + ": " + format(value);
      return line;
    }
    function legend(measure) {
      var list = document.getElementById("map-legend");
      if (!list) { return; }
      var values = Object.keys(measure.values).map(function (k) { return measure.values[k]; });
      var low = values.length ? Math.min.apply(null, values) : null;
      list.textContent = "";
      measure.breaks.concat([null]).forEach(function (bound, i) {
        var item = document.createElement("li");
        var swatch = document.createElement("span");
        swatch.className = "swatch" + (bound === null ? " none" : "");
        if (bound !== null) { swatch.style.background = measure.colours[i]; }
        item.appendChild(swatch);
        item.appendChild(document.createTextNode(bound === null ? noData
          : (low !== bound ? format(low) + " – " + format(bound) : format(bound))));
        list.appendChild(item);
        low = bound;
      });
      ["map-legend-measure", "area-values-measure", "area-measure"].forEach(function (id) {
        var named = document.getElementById(id);
        if (named) { named.textContent = measure.label; }
      });
      // the table under the map lists the measure shown
      Array.prototype.forEach.call(document.querySelectorAll("#area-counts tr[data-area]"),
        function (row) {
          var value = measure.values[row.dataset.area];
          row.querySelector("td").textContent = value === undefined ? "" : format(value);
        });
    }
    function paint() {
      var measure = current();
      if (!shapes || !measure) { return; }
      shapes.eachLayer(function (shape) {
        var value = measure.values[String(shape.feature.properties[keyProperty])];
        shape.setStyle({ fillColor: colour(measure, value) });
        shape.setTooltipContent(text(shape.feature, measure));
        shape.setPopupContent(text(shape.feature, measure));
      });
      legend(measure);
      element.dataset.measure = measure.id;
    }
    if (select) { select.addEventListener("change", paint); }
    pending.push(fetch(element.dataset.boundaries).then(function (r) { return r.json(); })
      .then(function (areas) {
        var measure = current();
        shapes = L.geoJSON(areas, {
          style: function (feature) {
            return { color: "#444", weight: 1,
                     fillColor: colour(measure, measure.values[String(feature.properties[keyProperty])]),
                     fillOpacity: element.dataset.src ? 0.15 : 0.85 };
          },
          onEachFeature: function (feature, shape) {
            shape.bindTooltip(text(feature, measure), { sticky: true });
            shape.bindPopup(text(feature, measure));
            if (!element.dataset.src) { drawn += 1; }
          }
        }).addTo(map);
        element.dataset.measure = measure.id;
        extend(shapes);
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
