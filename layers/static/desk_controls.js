/* The planner's desk on the map: opening view fitted to the projects, status filter, target-year slider,
 * download of what is shown (GeoJSON, CSV), print layout, the base layer (townships, existing plants) and,
 * when the service serves the page, click-for-yield. Editing is in desk_edit.js.
 *
 * Reads data.desk (layers/desk_map.py) from the page's JSON. Text from plans, users or data files goes on the
 * page with textContent only. Nothing is fetched from another origin: the service's own endpoints only.
 */
var PlannerDesk = (function () {
  "use strict";

  var el = PlannerMap.el;  // elements with text content only (planner_map.js)

  var fmt = PlannerMap.number;  // numbers for reading, as the map's popups write them (planner_map.js)

  /* ---------- filters ---------- */

  function visibleItems(pm) {
    var projects = pm.layers.projects;
    return projects.items.filter(function (it) { return pm.map.hasLayer(it.layer) && it.layer.hasLayer(it.marker); });
  }

  function buildFilters(pm, desk, panel, onChange) {
    var M = desk.messages;
    var projects = pm.layers.projects;
    var allowed = {};
    desk.statuses.forEach(function (s) { allowed[s] = true; });
    projects.state.filter = function (p) { return allowed[p.status || "none"] === true; };

    var box = el("fieldset", "desk-status", null, panel);
    el("legend", null, M["map.status_filter"], box);
    desk.statuses.forEach(function (s) {
      var lab = el("label", "desk-status-item", null, box);
      var cb = el("input", null, null, lab);
      cb.type = "checkbox";
      cb.checked = true;
      cb.value = s;
      cb.setAttribute("data-status", s);
      lab.appendChild(document.createTextNode(" " + (s === "none" ? M["app.not_stated"] : (desk.labels.status[s] || s))));
      cb.addEventListener("change", function () {
        allowed[s] = cb.checked;
        projects.applyFilter();
        onChange();
      });
    });

    if (desk.years.length) {
      var yr = el("div", "desk-year", null, panel);
      var lab = el("label", "desk-year-label", M["map.year_slider"] + " ", yr);
      var out = el("output", "desk-year-value", M["map.year_all"], lab);
      var slider = el("input", "desk-year-slider", null, yr);
      slider.type = "range";
      slider.min = desk.years[0];
      slider.max = desk.years[desk.years.length - 1] + 1;  // the last step: all years
      slider.step = 1;
      slider.value = slider.max;
      slider.setAttribute("aria-label", M["map.year_slider"]);
      slider.addEventListener("input", function () {
        var v = Number(slider.value);
        var all = v > desk.years[desk.years.length - 1];
        projects.state.year = all ? "all" : String(v);
        out.textContent = all ? M["map.year_all"] : "≤ " + v;
        var sel = document.querySelector(".pm-year-select");  // keep the search panel's year choice in step
        if (sel) { sel.value = all ? "all" : String(v); }
        projects.applyFilter();
        onChange();
      });
    }
  }

  /* ---------- downloads ---------- */

  var CSV_FIELDS = ["id", "name_zh", "name_en", "category", "subtype", "capacity_mw", "capacity_raw", "voltage_kv",
    "action", "status", "target_year", "district_name_zh", "location_precision", "lon", "lat", "plan_id", "plan_line",
    "quote"];

  /* The exports' rule against formulas in spreadsheets (geo.export.neutralise_text), with its parameters from
   * Python (data.desk.csv_rule: prefixes, min_length, mark): a text cell, and every line in it, that starts like
   * a formula and has something after it gets the mark in front; a lone "=" (a comparator) stays as written. */
  var rule = { prefixes: [], min_length: 2, mark: "'" };

  function formulaLike(line) {
    return line.length >= rule.min_length && rule.prefixes.some(function (c) { return line.indexOf(c) === 0; });
  }

  function neutralise(text) {
    var s = formulaLike(text) ? rule.mark + text : text;
    return s.split(/(\r\n|\r|\n)/).map(function (piece, i) {  // line, break, line, ...
      return i % 2 === 0 && formulaLike(piece) ? rule.mark + piece : piece;
    }).join("");
  }

  /* One CSV cell: text neutralised, then quoted when it holds a quote, comma, CR or LF (RFC 4180). */
  function csvCell(v) {
    if (v === null || v === undefined) { return ""; }
    var s = typeof v === "string" ? neutralise(v) : String(v);
    return /[",\n\r]/.test(s) ? "\"" + s.replace(/"/g, "\"\"") + "\"" : s;
  }

  function shownGeoJSON(pm) {
    return {
      type: "FeatureCollection",
      features: visibleItems(pm).map(function (it) {
        var props = {};
        CSV_FIELDS.forEach(function (f) { props[f] = it.p[f] === undefined ? null : it.p[f]; });
        return { type: "Feature", id: it.p.id, geometry: { type: "Point", coordinates: [it.p.lon, it.p.lat] },
          properties: props };
      })
    };
  }

  function shownCSV(pm) {
    var lines = [CSV_FIELDS.join(",")];
    visibleItems(pm).forEach(function (it) {
      lines.push(CSV_FIELDS.map(function (f) { return csvCell(it.p[f]); }).join(","));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";  // BOM: Chinese shows in spreadsheet programs
  }

  function download(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = el("a", null, null, document.body);
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
  }

  /* ---------- print layout ---------- */

  function buildPrint(pm, desk) {
    var M = desk.messages;
    var head = el("div", "desk-print-head", null, document.body);
    el("div", "desk-print-title", M["map.print_title"], head);
    el("div", "desk-print-meta", M["app.generated"] + " " + desk.date + " · " + M["app.not_official"], head);
    var north = el("div", "desk-north", null, document.body);
    el("div", "desk-north-arrow", "▲", north);
    el("div", null, M["map.north"], north);
    var rivers = desk.rivers && desk.rivers.features.length ? " " + M["map.print_sources_rivers"] : "";
    var foot = el("div", "desk-print-sources", M["app.sources"] + "：" + M["map.print_sources"] + rivers,
      document.body);
    foot.setAttribute("aria-hidden", "true");
  }

  /* ---------- base layer ---------- */

  function buildBase(pm, desk) {
    var M = desk.messages;
    var control = pm.control;
    var water = { color: "#6b9ac4", weight: 1, fillColor: "#a9cbe8", fillOpacity: 0.85 };
    if (desk.lakes && desk.lakes.features.length || desk.rivers && desk.rivers.features.length) {
      // above the district fills (a choropleth would hide them), below the projects; never catches a click
      var pane = pm.map.createPane("deskLakes");
      pane.style.zIndex = 410;
      pane.style.pointerEvents = "none";
    }
    if (desk.rivers && desk.rivers.features.length) {
      // river areas of about 1 km (OpenStreetMap via geo-maps, ODbL): the same water, no names, beneath the lakes
      var rivers = L.geoJSON(desk.rivers, { pane: "deskLakes", interactive: false,
        style: L.extend({ className: "desk-river" }, water) });
      control.addOverlay(rivers, M["map.base_rivers"]);
      rivers.addTo(pm.map);
    }
    if (desk.lakes && desk.lakes.features.length) {
      var lakes = L.geoJSON(desk.lakes, { pane: "deskLakes", interactive: false,
        style: L.extend({ className: "desk-lake" }, water),
        onEachFeature: function (f, layer) {
          var name = desk.lang === "en" ? f.properties.name || f.properties.name_zh : f.properties.name_zh || f.properties.name;
          if (name) {
            layer.bindTooltip(name, { permanent: true, direction: "center", className: "desk-town-label desk-lake-label" });
          }
        } });
      control.addOverlay(lakes, M["map.base_lakes"]);
      lakes.addTo(pm.map);
    }
    if (desk.townships.length) {
      var towns = L.layerGroup();
      desk.townships.forEach(function (t) {
        var m = L.circleMarker([t.lat, t.lon], { radius: 2.5, color: "#78909c", weight: 1, fillColor: "#b0bec5",
          fillOpacity: 1, interactive: false, className: "desk-town" });
        m.bindTooltip(t.name, { permanent: true, direction: "right", className: "desk-town-label", offset: [3, 0] });
        towns.addLayer(m);
      });
      control.addOverlay(towns, M["map.base_townships"]);
      towns.addTo(pm.map);
      var sync = function () {
        pm.map.getContainer().classList.toggle("desk-zoom-low", pm.map.getZoom() < 10);
      };
      pm.map.on("zoomend", sync);
      sync();
    }
    if (desk.plants.length) {
      var plants = L.layerGroup();
      desk.plants.forEach(function (p) {
        var approx = p.accuracy !== "exact";
        var icon = L.divIcon({ className: "desk-plant desk-plant-" + (p.kind === "coal" ? "coal" : "wind") +
          (approx ? " desk-plant-approx" : ""), iconSize: [10, 10], iconAnchor: [5, 5] });
        var m = L.marker([p.lat, p.lon], { icon: icon, keyboard: false, zIndexOffset: -500 });
        m.bindPopup(function () {
          var root = el("div", "pp desk-plant-popup");
          el("div", "pp-name", p.name_local || p.name, root);
          if (p.name_local) { el("div", "pp-name-en", p.name, root); }
          var t = el("table", "pp-t", null, root);
          [[M["map.category"], p.kind === "coal" ? desk.labels.category.thermal : desk.labels.category.wind],
            [M["map.capacity"], PlannerMap.mwText(p.capacity_mw)],
            [M["map.plant_status"], p.statuses],
            [M["map.plant_accuracy"], approx ? M["map.plant_approximate"] : M["map.plant_exact"]]
          ].forEach(function (kv) {
            var tr = el("tr", null, null, t);
            el("th", null, kv[0], tr);
            el("td", null, kv[1], tr);
          });
          el("div", "pp-note", M["map.base_plants"], root);
          el("div", "pp-cite", p.source, root);
          return root;
        }, { maxWidth: 320 });
        plants.addLayer(m);
      });
      control.addOverlay(plants, M["map.base_plants"]);
      plants.addTo(pm.map);
    }
    pm.map.attributionControl.addAttribution("GEM (CC BY 4.0) · Vonng/adcode (CC BY 4.0) · Natural Earth");
    if (desk.rivers && desk.rivers.features.length) {  // ODbL: the rivers' attribution wherever they are drawn
      pm.map.attributionControl.addAttribution(PlannerMap.escapeHtml(desk.attributions.rivers));
    }
  }

  /* ---------- click for a yield (service) ---------- */

  function buildYield(pm, desk, panel) {
    var M = desk.messages;
    var on = false;
    var wrap = el("div", "desk-yield", null, panel);
    var button = el("button", "desk-yield-toggle", M["map.yield_click"], wrap);
    button.type = "button";
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      on = !on;
      button.setAttribute("aria-pressed", String(on));
      button.textContent = on ? M["map.yield_off"] : M["map.yield_click"];
      pm.map.getContainer().classList.toggle("desk-yield-on", on);
    });
    pm.map.on("click", function (e) {
      if (!on || window.PlannerDeskEdit && window.PlannerDeskEdit.picking()) { return; }
      var root = el("form", "desk-yield-form");
      el("div", "pp-name", M["map.yield_result"], root);
      el("div", "pp-coord", e.latlng.lat.toFixed(5) + ", " + e.latlng.lng.toFixed(5), root);
      var l1 = el("label", null, M["map.yield_mounting"] + " ", root);
      var sel = el("select", "desk-yield-mounting", null, l1);
      desk.mountings.forEach(function (m) { var o = el("option", null, desk.labels.mounting[m] || m, sel); o.value = m; });
      var l2 = el("label", null, " " + M["map.yield_capacity"] + " ", root);
      var cap = el("input", "desk-yield-capacity", null, l2);
      cap.type = "number"; cap.min = "0.01"; cap.step = "any"; cap.value = "1";
      var go = el("button", "desk-yield-run", M["map.yield_run"], root);
      go.type = "submit";
      var out = el("div", "desk-yield-out", null, root);
      root.addEventListener("submit", function (ev) {
        ev.preventDefault();
        out.textContent = M["map.yield_busy"];
        fetch("analysis/yield", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ lat: Number(e.latlng.lat.toFixed(6)), lon: Number(e.latlng.lng.toFixed(6)),
            capacity_mw: Number(cap.value), mounting: sel.value })
        }).then(function (r) { return r.json().then(function (b) { return [r.status, b]; }); })
          .then(function (res) {
            out.textContent = "";
            var b = res[1];
            if (res[0] !== 200) { el("div", "pp-note", b.detail || b.title || res[0], out); return; }
            var t = el("table", "pp-t", null, out);
            [[M["report.annual_energy"] + " P50", fmt(b.energy_p50_mwh || b.annual_energy_mwh, 0) + " MWh"],
              [M["report.p90_1y"], fmt(b.energy_p90_1y_mwh, 0) + " MWh"],
              [M["report.p90_10y"], fmt(b.energy_p90_10y_mwh, 0) + " MWh"],
              [M["report.specific_yield"], fmt(b.specific_yield_kwh_per_kwp, 0) + " kWh/kWp"],
              [M["report.weather"], b.weather_source]].forEach(function (kv) {
              var tr = el("tr", null, null, t);
              el("th", null, kv[0], tr);
              el("td", null, kv[1], tr);
            });
            el("div", "pp-note", M["app.estimate"], out);
          })["catch"](function (err) { out.textContent = String(err); });
      });
      L.popup({ maxWidth: 360, minWidth: 260 }).setLatLng(e.latlng).setContent(root).openOn(pm.map);
    });
  }

  /* ---------- the panel ---------- */

  function init(pm, dataElementId) {
    var desk = pm.data.desk || {};
    if (!desk.messages) { window.plannerDeskReady = true; return pm; }
    var M = desk.messages;
    if (desk.csv_rule) { rule = desk.csv_rule; }
    var count;
    function onChange() { count.textContent = M["map.shown"].replace("{n}", visibleItems(pm).length); }
    var Panel = L.Control.extend({
      onAdd: function () {
        var div = el("div", "desk-panel leaflet-bar");
        buildFilters(pm, desk, div, function () { onChange(); });
        count = el("div", "desk-count", "", div);
        var dl = el("div", "desk-download", null, div);
        el("span", null, M["map.download"] + "：", dl);
        var gj = el("button", "desk-dl-geojson", "GeoJSON", dl);
        gj.type = "button";
        gj.addEventListener("click", function () {
          download("projects_shown.geojson", "application/geo+json", JSON.stringify(shownGeoJSON(pm)));
        });
        var csv = el("button", "desk-dl-csv", "CSV", dl);
        csv.type = "button";
        csv.addEventListener("click", function () { download("projects_shown.csv", "text/csv", shownCSV(pm)); });
        var pr = el("button", "desk-print", M["map.print"], div);
        pr.type = "button";
        pr.addEventListener("click", function () { window.print(); });
        if (desk.service) { buildYield(pm, desk, div); }
        var other = desk.lang === "zh" ? "en" : "zh";
        var lang = el("a", "desk-lang", M["app.lang_switch"], div);
        lang.href = "?lang=" + other;
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      }
    });
    new Panel({ position: "topleft" }).addTo(pm.map);
    buildBase(pm, desk);
    buildPrint(pm, desk);
    onChange();
    fitLegend(pm);
    pm.map.on("resize", function () { fitLegend(pm); });
    fitToProjects(pm);
    if (desk.service && window.PlannerDeskEdit) { window.PlannerDeskEdit.init(pm, desk); }
    window.plannerDesk = { shownGeoJSON: function () { return shownGeoJSON(pm); }, shownCSV: function () { return shownCSV(pm); },
      visible: function () { return visibleItems(pm).length; } };
    window.plannerDeskReady = true;
    return pm;
  }

  /* The legend (bottom left) never covers the panels above it (top left): its height is what they leave. */
  function fitLegend(pm) {
    var legend = document.getElementById("planner-legend");
    var corner = pm.map.getContainer().querySelector(".leaflet-top.leaflet-left");
    if (!legend || !corner) { return; }
    var mapBox = pm.map.getContainer().getBoundingClientRect();
    var above = corner.getBoundingClientRect().bottom - mapBox.top;
    var below = legend.getBoundingClientRect().bottom;
    var room = mapBox.height - above - (mapBox.bottom - below) - 16;
    legend.style.maxHeight = Math.max(80, room) + "px";
  }

  /* The opening view: the projects' true points (and their district outlines' labels) with room for the panel
   * and the legend, so no ring sits under a control. */
  function fitToProjects(pm) {
    var pts = pm.layers.projects.items.map(function (it) { return it.marker.getLatLng(); });
    if (!pts.length) { return; }
    pm.map.fitBounds(L.latLngBounds(pts).pad(0.08), { paddingTopLeft: [300, 60], paddingBottomRight: [60, 40],
      animate: false });
  }

  return { init: init, csvCell: csvCell };
}());
