/* The planner map's page script: draws the layers that layers/*.py built, on a Leaflet map.
 *
 * Data arrives as JSON in <script type="application/json" id="planner-map-data">. Every text from the
 * plans or from users is put on the page with textContent (never innerHTML); the only HTML strings used
 * are the district popups, escaped in Python (layers/district_layer.py), and labels built here from our
 * own constants (escaped anyway).
 *
 * Projects with no surveyed coordinate (location precision district/city) sit at their district's
 * representative point; they are drawn hollow on a ring of fixed screen size around that point (the
 * marker keeps its true coordinate; only the icon is shifted, in pixels), with a dashed circle and a
 * centre mark saying what the point is.
 *
 * Every word on the page comes from the message catalogue of the page's language (layers/i18n.py, inlined as
 * data.desk.messages): text(key, values) fills its {name} placeholders; numbers are rounded for reading
 * (number, mwText: MW with 万千瓦 beside it in Chinese, as layers.i18n.mw does).
 */
var PlannerMap = (function () {
  "use strict";

  var SVG_NS = "http" + "://www.w3.org/2000/svg";
  var RING_GAP_PX = 3;
  var COLOUR = /^#[0-9a-fA-F]{6}$/;
  var YEARS = ["2025", "2030"];
  var M = {};       // the catalogue in the page's language (set by build)
  var LANG = "zh";

  /* The catalogue's message ``key`` with its {name} placeholders filled from ``values``. */
  function text(key, values) {
    var s = Object.prototype.hasOwnProperty.call(M, key) ? M[key] : key;
    Object.keys(values || {}).forEach(function (k) { s = s.split("{" + k + "}").join(String(values[k])); });
    return s;
  }

  /* A number for reading: rounded to ``decimals``, thousands grouped, trailing zeros dropped (layers.i18n.number). */
  function number(v, decimals) {
    if (v === null || v === undefined || v === "" || !isFinite(v)) { return "—"; }
    var s = Number(v).toLocaleString("en-US", { maximumFractionDigits: decimals || 0 });
    return s === "-0" ? "0" : s;
  }

  /* A capacity in MW, with 万千瓦 beside it in Chinese (layers.i18n.mw). */
  function mwText(v, decimals) {
    if (v === null || v === undefined || v === "" || !isFinite(v)) { return "—"; }
    var d = decimals === undefined ? 1 : decimals;
    return number(v, d) + " MW" + (LANG === "en" ? "" : "（" + number(v / 10, d + 1) + " " + text("unit.wan_kw") + "）");
  }

  function el(tag, className, text, parent) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function escapeHtml(text) {
    var d = document.createElement("div");
    d.textContent = String(text);
    return d.innerHTML.replace(/"/g, "&quot;");
  }

  function safeColour(c) { return COLOUR.test(c) ? c : "#777777"; }

  /* A compact table ({fields, codes, rows}) as one object per row; coded fields hold an index into codes. */
  function rows(table) {
    var f = table.fields;
    var codes = table.codes || {};
    var lookup = f.map(function (name) { return codes[name] || null; });
    return table.rows.map(function (r) {
      var o = {};
      for (var i = 0; i < f.length; i++) {
        var v = r[i];
        o[f[i]] = lookup[i] && v !== null ? lookup[i][v] : v;
      }
      return o;
    });
  }

  function toFeatures(props) {
    return props.map(function (p) {
      return { type: "Feature", geometry: { type: "Point", coordinates: [p.lon, p.lat] }, properties: p };
    });
  }

  /* ---------- symbols ---------- */

  function polygonPoints(n, r, c, rotationDeg, inner) {
    var pts = [];
    var steps = inner ? 2 * n : n;
    for (var i = 0; i < steps; i++) {
      var rad = inner && i % 2 ? r * inner : r;
      var a = (rotationDeg + 360 * i / steps) * Math.PI / 180;
      pts.push((c + rad * Math.cos(a)).toFixed(2) + "," + (c + rad * Math.sin(a)).toFixed(2));
    }
    return pts.join(" ");
  }

  var STYLES = {
    exact: { fillOpacity: 0.9, stroke: "#212121", strokeWidth: 1, white: false },
    approximate: { fillOpacity: 0.45, stroke: null, strokeWidth: 2, white: false },
    district_point: { fillOpacity: 0.9, stroke: null, strokeWidth: 2.5, white: true },
    city_point: { fillOpacity: 0.9, stroke: null, strokeWidth: 2.5, white: true, dash: "3,2" }
  };
  /* rows at a representative point (a county's, or a city's: those belong to no county) sit on a display ring */
  function atRepresentativePoint(it) { return it.display === "district_point" || it.display === "city_point"; }

  /* An <svg> of the given shape, radius [px], colour and location style. */
  function symbol(shape, r, colour, styleName) {
    var st = STYLES[styleName] || STYLES.district_point;
    colour = safeColour(colour);
    var box = 2 * r + 2 * st.strokeWidth + 2;
    var c = box / 2;
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("width", box);
    svg.setAttribute("height", box);
    svg.setAttribute("viewBox", "0 0 " + box + " " + box);
    var node;
    if (shape === "circle") {
      node = document.createElementNS(SVG_NS, "circle");
      node.setAttribute("cx", c); node.setAttribute("cy", c); node.setAttribute("r", r);
    } else if (shape === "square") {
      var s = r * 0.9;
      node = document.createElementNS(SVG_NS, "rect");
      node.setAttribute("x", c - s); node.setAttribute("y", c - s);
      node.setAttribute("width", 2 * s); node.setAttribute("height", 2 * s);
    } else {
      var spec = {
        triangle: [3, -90, 0], triangle_down: [3, 90, 0], diamond: [4, -90, 0], pentagon: [5, -90, 0],
        hexagon: [6, 0, 0], star: [5, -90, 0.45]
      }[shape] || [8, 0, 0];
      node = document.createElementNS(SVG_NS, "polygon");
      node.setAttribute("points", polygonPoints(spec[0], r * (spec[0] === 3 ? 1.15 : 1), c, spec[1], spec[2]));
    }
    node.setAttribute("fill", st.white ? "#ffffff" : colour);
    node.setAttribute("fill-opacity", st.fillOpacity);
    node.setAttribute("stroke", st.stroke || colour);
    node.setAttribute("stroke-width", st.strokeWidth);
    if (st.dash) { node.setAttribute("stroke-dasharray", st.dash); }
    svg.appendChild(node);
    return svg;
  }

  /* ---------- ring layout of markers that share a point ---------- */

  /* Offsets [px] for symbols of the given radii on concentric rings around a point, in order: each ring
   * as small as its symbols allow (each takes an arc of its diameter plus a gap), spread evenly. */
  function ringOffsets(radii) {
    var out = [];
    var inner = 4;  // half the centre mark
    var prevMax = 0;
    var i = 0;
    var outer = 0;
    while (i < radii.length) {
      var radius = inner + prevMax + RING_GAP_PX + radii[i];
      var members = [];
      var arc = 0;
      while (i < radii.length && (members.length === 0 || arc + 2 * radii[i] + RING_GAP_PX <= 2 * Math.PI * radius)) {
        members.push(radii[i]);
        arc += 2 * radii[i] + RING_GAP_PX;
        i += 1;
      }
      var biggest = Math.max.apply(null, members);
      radius += biggest - members[0];
      var along = 0;
      for (var k = 0; k < members.length; k++) {
        var share = (2 * members[k] + RING_GAP_PX) / arc;
        var a = -Math.PI / 2 + 2 * Math.PI * (along + share / 2);
        along += share;
        out.push([Math.round(radius * Math.cos(a)), Math.round(radius * Math.sin(a))]);
      }
      inner = radius;
      prevMax = biggest;
      outer = radius + biggest;
    }
    return { offsets: out, outer: outer + RING_GAP_PX };
  }

  /* Place the visible items: those at a district point (or sharing a point) on rings, the others at their point. */
  function layout(items, isVisible, anchorLayer) {
    var groups = {};
    items.forEach(function (it) {
      if (!isVisible(it)) { return; }
      var key = it.p.lon.toFixed(6) + "," + it.p.lat.toFixed(6);
      (groups[key] = groups[key] || []).push(it);
    });
    if (anchorLayer) { anchorLayer.clearLayers(); }
    Object.keys(groups).forEach(function (key) {
      var g = groups[key];
      var ring = g.length > 1 || g.some(atRepresentativePoint);
      if (!ring) { g[0].place(0, 0); return; }
      var placed = ringOffsets(g.map(function (it) { return it.radius; }));
      g.forEach(function (it, i) { it.place(placed.offsets[i][0], placed.offsets[i][1]); });
      if (anchorLayer) { anchorLayer.addLayer(ringAnchor(g, placed.outer)); }
    });
  }

  function ringAnchor(group, outer) {
    var first = group[0].p;
    var atDistrictPoint = group.some(atRepresentativePoint);
    var box = el("div", group.some(function (it) { return it.display === "city_point"; }) ? "ring-box ring-city" : "ring-box");
    var circle = el("div", "ring-circle", null, box);
    circle.style.width = circle.style.height = (2 * outer) + "px";
    circle.style.left = circle.style.top = (4 - outer) + "px";
    el("div", "ring-centre", null, box);
    var marker = L.marker([first.lat, first.lon], {
      icon: L.divIcon({ className: "ring-anchor", html: box, iconSize: [8, 8], iconAnchor: [4, 4] }),
      keyboard: false, zIndexOffset: -1000
    });
    marker.bindTooltip(function () {
      var t = el("div", "ring-tip");
      var place = first.district_name_zh || "";
      if (atDistrictPoint) {
        var city = first.location_precision === "city" || first.location_precision === "province";
        el("div", "ring-tip-title", text(city ? "map.ring_city" : "map.ring_district", { place: place }), t);
        el("div", null, text("map.ring_note", { n: group.length }), t);
      } else {
        el("div", "ring-tip-title", text("map.ring_shared", { n: group.length }), t);
      }
      return t;
    }, { direction: "top", offset: [0, -6] });
    return marker;
  }

  /* ---------- projects ---------- */

  /* A vocabulary code's label in the page's language (the layer's tables hold [zh, en] pairs). */
  function label(labels, kind, code) {
    var pair = labels[kind] && labels[kind][code];
    return pair ? pair[LANG === "en" ? 1 : 0] : code;
  }

  function groupLabel(g) { return LANG === "en" ? g.label_en : g.label_zh; }

  function numberText(v, unit, decimals) {
    return v === null || v === undefined ? null : number(v, decimals) + " " + unit;
  }

  function projectPopup(it, spec) {
    var p = it.p;
    var g = it.group;
    var root = el("div", "pp");
    el("div", "pp-name", p.name_zh, root);
    if (p.name_en) { el("div", "pp-name-en", p.name_en, root); }
    var table = el("table", "pp-t", null, root);
    function row(k, v) {
      if (v === null || v === undefined || v === "") { return; }
      var tr = el("tr", null, null, table);
      el("th", null, k, tr);
      el("td", null, v, tr);
    }
    row(text("map.category"), groupLabel(g) + (p.subtype && p.category !== "pv" ? " (" + p.subtype + ")" : ""));
    var cap = p.capacity_mw === null || p.capacity_mw === undefined ? null : mwText(p.capacity_mw);
    row(text("map.capacity"), cap ? cap + (p.capacity_raw ? " · " + p.capacity_raw : "") : p.capacity_raw);
    row(text("map.voltage"), numberText(p.voltage_kv, "kV"));
    row(text("map.action"), p.action ? label(spec.labels, "action", p.action) : null);
    row(text("map.status"), p.status ? label(spec.labels, "status", p.status) : null);
    row(text("map.target_year"), p.target_year === null ? text("app.not_stated") : p.target_year);
    row(text("map.district"), p.district_name_zh);
    row(text("map.location"), label(spec.labels, "precision", p.location_precision));
    if (p.quote) {
      var q = el("blockquote", "pp-quote", null, root);
      el("span", null, "“" + p.quote + "”", q);
      var title = spec.plans[p.plan_id] || p.plan_id || "";
      var line = p.plan_line ? text("map.line", { line: p.plan_line }) : "";
      el("div", "pp-cite", "《" + title + "》 " + line, root);
    }
    if (atRepresentativePoint(it)) {
      el("div", "pp-note", text(it.display === "city_point" ? "map.note_city" : "map.note_district"), root);
    } else if (it.display === "approximate") {
      el("div", "pp-note", text("map.note_approximate"), root);
    }
    el("div", "pp-coord", text("map.coord") + (LANG === "en" ? ": " : "：") + p.lon.toFixed(6) + ", " + p.lat.toFixed(6) + " · " +
      text("map.id") + " " + p.id, root);
    return root;
  }

  function markerItem(p, group, display, radius, className) {
    var it = { p: p, group: group, display: display, radius: radius, dx: null, dy: null };
    it.marker = L.marker([p.lat, p.lon], { keyboard: false, riseOnHover: true });
    it.place = function (dx, dy) {
      if (it.dx === dx && it.dy === dy) { return; }
      it.dx = dx; it.dy = dy;
      var svg = symbol(group.shape, it.radius, group.colour, display);
      svg.setAttribute("data-id", p.id);
      var box = +svg.getAttribute("width");
      it.marker.setIcon(L.divIcon({
        className: className, html: svg, iconSize: [box, box],
        iconAnchor: [box / 2 - dx, box / 2 - dy], popupAnchor: [0, -it.radius], tooltipAnchor: [it.radius, 0]
      }));
    };
    it.place(0, 0);
    it.marker.bindTooltip(function () {
      var t = el("div", "pm-tip");
      el("div", "pm-tip-zh", p.name_zh, t);
      if (p.name_en) { el("div", "pm-tip-en", p.name_en, t); }
      return t;
    }, { direction: "right" });
    return it;
  }

  function buildProjects(spec, ctx) {
    var groups = {};
    spec.groups.forEach(function (g) { groups[g.key] = g; });
    var props = rows(spec.table);
    var items = [];
    var byId = {};
    var state = { year: "all", includeNoYear: true };
    var anchors = L.layerGroup();
    var layersByGroup = {};

    function passesYear(p) {
      if (state.filter && !state.filter(p)) { return false; }  // desk hook: status filter (desk_controls.js)
      if (state.year === "all") { return true; }
      if (p.target_year === null || p.target_year === undefined) { return state.includeNoYear; }
      return p.target_year <= Number(state.year);
    }

    /* ---- marker rendering (issue 18): one SVG divIcon per project (dom), or all on one canvas with
     * clustering at low zoom (canvas, layers/static/project_markers.js) when the page has many projects ---- */
    var canvasLayer = null;
    function overlayName(g, n) {
      var swatch = "<span class=\"lc-swatch\" style=\"background:" + safeColour(g.colour) + "\"></span>";
      return swatch + escapeHtml(groupLabel(g) + " (" + n + ")");
    }
    if (spec.renderer === "canvas" && typeof PlannerMarkers !== "undefined") {
      var byKey = {};
      spec.groups.forEach(function (g) { byKey[g.key] = g; });
      var groupList = spec.groups.slice();
      groupList.byKey = byKey;
      var built = PlannerMarkers.build(props, groupList, spec, ctx, {
        visible: function (it) { return visible(it); },
        ringsShown: function () { return ctx.map.hasLayer(anchors); },
        popup: function (it) { return projectPopup(it, spec); },
        tooltip: function (it) {
          var t = el("div", "pm-tip");
          el("div", "pm-tip-zh", it.p.name_zh, t);
          if (it.p.name_en) { el("div", "pm-tip-en", it.p.name_en, t); }
          return t;
        },
        ringOffsets: ringOffsets
      });
      canvasLayer = built.canvas;
      var counts = {};
      built.items.forEach(function (it) {
        items.push(it);
        byId[it.p.id] = it;
        counts[it.group.key] = (counts[it.group.key] || 0) + 1;
      });
      spec.groups.forEach(function (g) {
        layersByGroup[g.key] = built.handles[g.key];
        ctx.overlay(built.handles[g.key], overlayName(g, counts[g.key] || 0), true);
      });
      canvasLayer.addTo(ctx.map);
    } else {
      spec.groups.forEach(function (g) {
        var mine = props.filter(function (p) { return p.group === g.key; });
        var made = [];
        var layer = L.geoJSON({ type: "FeatureCollection", features: toFeatures(mine) }, {
          pointToLayer: function (feature) {
            var p = feature.properties;
            var display = spec.precision_display[p.location_precision] || spec.unknown_precision_display;
            var it = markerItem(p, g, display, p.radius_px || 5, "pm pm-g-" + g.key + " pm-" + display);
            it.marker.bindPopup(function () { return projectPopup(it, spec); }, { maxWidth: 380, minWidth: 240, autoPanPaddingTopLeft: [60, 50] });
            made.push(it);
            return it.marker;
          }
        });
        made.forEach(function (it) {
          it.layer = layer;
          items.push(it);
          byId[it.p.id] = it;
        });
        layersByGroup[g.key] = layer;
        ctx.overlay(layer, overlayName(g, mine.length), true);
      });
    }
    ctx.overlay(anchors, escapeHtml(text("map.rings")), true);

    function visible(it) { return passesYear(it.p) && ctx.map.hasLayer(it.layer); }
    function relayout() {
      if (canvasLayer) { canvasLayer.redraw(); return; }
      layout(items, visible, anchors);
    }
    function applyFilter() {
      if (canvasLayer) { canvasLayer.redraw(); return; }
      items.forEach(function (it) {
        var want = passesYear(it.p);
        var has = it.layer.hasLayer(it.marker);
        if (want && !has) { it.layer.addLayer(it.marker); }
        if (!want && has) { it.layer.removeLayer(it.marker); }
      });
      relayout();
    }
    ctx.map.on("overlayadd overlayremove", relayout);
    /* ---- end of marker rendering ---- */

    function focus(id) {
      var it = byId[id];
      if (!it) { return; }
      if (!ctx.map.hasLayer(it.layer)) { ctx.map.addLayer(it.layer); }
      if (canvasLayer) {  // past the clusters, at once, so the popup sits on the drawn symbol
        ctx.map.setView(it.marker.getLatLng(), Math.max(ctx.map.getZoom(), PlannerMarkers.CLUSTER_BELOW_ZOOM), { animate: false });
      } else {
        ctx.map.setView(it.marker.getLatLng(), Math.max(ctx.map.getZoom(), 11));
      }
      it.marker.openPopup();
    }

    /* Every word of the query must occur in the project's names, id, district, category, subtype or status
     * (codes and labels): "Linxiang agrivoltaic" finds 临湘's 农光互补 rows. out.total counts every match. */
    function haystack(it) {
      var p = it.p;
      var parts = [p.name_zh, p.name_en, p.id, p.district_name_zh, p.category, p.subtype, p.status,
        it.group.label_zh, it.group.label_en].concat(spec.labels.category[p.category] || [],
        spec.labels.status[p.status] || []);  // labels in both languages: an English word finds on a Chinese page
      return parts.filter(function (x) { return x !== null && x !== undefined; }).join(" ").toLowerCase();
    }
    function search(query, limit) {
      var words = query.trim().toLowerCase().split(/[\s,，;；、·]+/).filter(function (w) { return w; });
      var out = [];
      out.total = 0;
      if (!words.length) { return out; }
      for (var i = 0; i < items.length; i++) {
        if (!passesYear(items[i].p)) { continue; }
        var h = haystack(items[i]);
        if (words.every(function (w) { return h.indexOf(w) >= 0; })) {
          out.total += 1;
          if (out.length < limit) { out.push(items[i]); }
        }
      }
      return out;
    }

    ctx.panel(function (panel) {
      var s = el("div", "pm-search", null, panel);
      var input = el("input", "pm-search-input", null, s);
      input.type = "search";
      input.placeholder = text("map.search");
      input.setAttribute("aria-label", text("map.search"));
      var list = el("ul", "pm-results", null, s);
      function show() {
        list.textContent = "";
        var hits = search(input.value, 10);
        hits.forEach(function (it) {
          var li = el("li", null, null, list);
          var b = el("button", "pm-result", it.p.name_zh + (it.p.name_en ? " · " + it.p.name_en : ""), li);
          b.type = "button";
          b.setAttribute("data-id", it.p.id);
          b.addEventListener("click", function () { focus(it.p.id); });
        });
        if (hits.total > hits.length) {  // never hide matches silently
          var more = el("li", "pm-more", null, list);
          more.textContent = text("map.search_more", { n: hits.total - hits.length });
        }
      }
      input.addEventListener("input", show);
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter") {
          var hits = search(input.value, 1);
          if (hits.length) { focus(hits[0].p.id); }
        }
      });

      var f = el("div", "pm-year", null, panel);
      el("label", "pm-year-label", text("map.target_year") + " ", f);
      var select = el("select", "pm-year-select", null, f);
      select.setAttribute("aria-label", text("map.target_year"));
      el("option", null, text("map.year_all"), select).value = "all";
      YEARS.forEach(function (y) { el("option", null, "≤ " + y, select).value = y; });
      var lab = el("label", "pm-year-none", null, f);
      var box = el("input", null, null, lab);
      box.type = "checkbox";
      box.checked = true;
      lab.appendChild(document.createTextNode(" " + text("map.include_no_year")));
      select.addEventListener("change", function () { state.year = select.value; applyFilter(); show(); });
      box.addEventListener("change", function () { state.includeNoYear = box.checked; applyFilter(); show(); });
    });

    return { items: items, byId: byId, layers: layersByGroup, anchors: anchors, focus: focus, search: search,
      canvas: canvasLayer,
      state: state, applyFilter: applyFilter, refresh: relayout };
  }

  /* ---------- districts ---------- */

  function buildDistricts(spec, ctx) {
    function style(key) {
      return function (f) {
        var p = f.properties;
        var a = key ? p.attainment[key] : null;
        var city = p.level === "city";
        var filled = a && a.fill;
        return {
          className: "district district-" + (city ? "city" : "county"),
          color: city ? "#263238" : "#546e7a", weight: city ? 2.2 : 1.2, dashArray: city ? "6 4" : null,
          fillColor: filled ? safeColour(a.fill) : "#ffffff",
          fillOpacity: filled ? (city ? 0.35 : 0.7) : 0
        };
      };
    }
    function tooltip(key) {
      return function (layer) {
        var p = layer.feature.properties;
        var t = el("div", "dt-tip");
        el("div", "dt-tip-title", LANG === "en" ? p.name_en || p.name_zh : p.name_zh, t);
        var a = key ? p.attainment[key] : null;
        if (key && a) {
          el("div", null, text("map.attainment_tip", { named: mwText(a.named_mw), target: mwText(a.target_mw),
            ratio: a.ratio === null ? "—" : Math.round(a.ratio * 100) + "%" }), t);
        } else if (key) {
          el("div", null, text("map.no_target"), t);
        }
        return t;
      };
    }
    function make(key) {
      return L.geoJSON(spec.features, {
        style: style(key),
        onEachFeature: function (feature, layer) {
          layer.bindPopup(feature.properties.popup_html, { maxWidth: 460, autoPanPaddingTopLeft: [60, 50] });
          // Leaflet's popup handler stops the click; while the map takes clicks (click-for-yield, or a point being
          // moved: desk_controls.js and desk_edit.js mark the container "desk-yield-on") the click goes on to the map
          layer.off("click", layer._openPopup, layer);
          layer.on("click", function (e) {
            if (!ctx.map.getContainer().classList.contains("desk-yield-on")) { layer._openPopup(e); }
          });
          layer.bindTooltip(tooltip(key), { sticky: true });
        }
      });
    }
    var first = null;
    spec.options.forEach(function (o) {
      var layer = make(o.key);
      ctx.base(layer, escapeHtml(text("map.attainment_layer", { label: LANG === "en" ? o.label_en : o.label_zh })),
        o.key === spec.default_option);
      if (o.key === spec.default_option) { first = layer; }
    });
    ctx.base(make(null), escapeHtml(text("map.outlines_only")), first === null);

    var labels = L.layerGroup();
    spec.features.features.forEach(function (f) {
      var p = f.properties;
      if (!p.label) { return; }
      var box = el("div", "dl-box dl-" + (p.level === "city" ? "city" : "county"));
      el("div", "dl-zh", p.name_zh, box);
      el("div", "dl-en", p.name_en, box);
      labels.addLayer(L.marker([p.label[1], p.label[0]], {
        icon: L.divIcon({ className: "district-label", html: box, iconSize: [140, 32], iconAnchor: [70, 16] }),
        interactive: false, keyboard: false, zIndexOffset: -2000
      }));
    });
    ctx.overlay(labels, escapeHtml(text("map.district_names")), true);
    return { labels: labels };
  }

  /* ---------- PV yield ---------- */

  function buildPvYield(spec, ctx) {
    var items = [];
    var layer = L.layerGroup();
    rows(spec.table).forEach(function (p) {
      var display = spec.precision_display[p.location_precision] || spec.unknown_precision_display;
      var it = markerItem(p, { shape: "square", colour: p.colour },
        display, 6, "py py-" + display);
      it.marker.bindPopup(function () {
        var root = el("div", "pp");
        el("div", "pp-name", p.name_zh, root);
        if (p.name_en) { el("div", "pp-name-en", p.name_en, root); }
        var t = el("table", "pp-t", null, root);
        [[text("report.specific_yield"), numberText(p.specific_yield_kwh_per_kwp, "kWh/kWp")],
          [text("report.annual_energy"), numberText(p.annual_energy_mwh, "MWh")],
          [text("map.capacity"), p.capacity_mw === null ? null : mwText(p.capacity_mw)]].forEach(function (kv) {
          if (kv[1] === null) { return; }
          var tr = el("tr", null, null, t);
          el("th", null, kv[0], tr);
          el("td", null, kv[1], tr);
        });
        el("div", "pp-note", text("app.estimate") + (display === "district_point" ? (LANG === "en" ? ": " : "：") +
          text("map.yield_district_note") : ""), root);
        return root;
      }, { maxWidth: 340, autoPanPaddingTopLeft: [60, 50] });
      layer.addLayer(it.marker);
      items.push(it);
    });
    ctx.overlay(layer, escapeHtml(text("map.pv_yield_layer")), false);
    function relayout() { layout(items, function () { return ctx.map.hasLayer(layer); }, null); }
    ctx.map.on("overlayadd overlayremove", relayout);
    return { items: items, layer: layer, refresh: relayout };
  }

  var BUILDERS = { districts: buildDistricts, projects: buildProjects, pv_yield: buildPvYield };

  /* ---------- the page ---------- */

  function build(map, dataElementId) {
    var data = JSON.parse(document.getElementById(dataElementId).textContent);
    M = (data.desk && data.desk.messages) || {};
    LANG = (data.desk && data.desk.lang) || "zh";
    var bases = [];
    var overlays = [];
    var panelParts = [];
    var ctx = {
      map: map,
      base: function (layer, name, show) { bases.push([layer, name, show]); },
      overlay: function (layer, name, show) { overlays.push([layer, name, show]); },
      panel: function (fill) { panelParts.push(fill); }
    };
    if (data.basemap) {
      L.tileLayer(data.basemap.url, { attribution: escapeHtml(data.basemap.attribution), maxZoom: data.basemap.max_zoom })
        .addTo(map);
    }
    var built = {};
    data.layers.forEach(function (layer) {
      var builder = BUILDERS[layer.name];
      if (!builder) { throw new Error("no drawing function for layer " + layer.name); }
      built[layer.name] = builder(layer.payload, ctx);
    });
    var baseLayers = {};
    var overlayLayers = {};
    bases.forEach(function (b) { baseLayers[b[1]] = b[0]; if (b[2]) { b[0].addTo(map); } });
    overlays.forEach(function (o) { overlayLayers[o[1]] = o[0]; if (o[2]) { o[0].addTo(map); } });
    var control = L.control.layers(baseLayers, overlayLayers, { collapsed: true, position: "topright" }).addTo(map);
    Object.keys(built).forEach(function (name) { if (built[name] && built[name].refresh) { built[name].refresh(); } });

    if (panelParts.length) {
      var Panel = L.Control.extend({
        onAdd: function () {
          var div = el("div", "pm-panel leaflet-bar");
          panelParts.forEach(function (fill) { fill(div); });
          L.DomEvent.disableClickPropagation(div);
          L.DomEvent.disableScrollPropagation(div);
          return div;
        }
      });
      new Panel({ position: "topleft" }).addTo(map);
    }
    var legend = document.getElementById("planner-legend");
    if (legend) {
      legend.querySelectorAll("[data-shape]").forEach(function (s) {
        s.appendChild(symbol(s.getAttribute("data-shape"), Number(s.getAttribute("data-radius")),
          s.getAttribute("data-colour"), s.getAttribute("data-display")));
      });
      var Legend = L.Control.extend({
        onAdd: function () {
          L.DomEvent.disableClickPropagation(legend);
          L.DomEvent.disableScrollPropagation(legend);
          return legend;
        }
      });
      new Legend({ position: "bottomleft" }).addTo(map);
    }
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(escapeHtml(data.attribution));
    window.plannerMap = { map: map, layers: built, control: control, data: data };
    window.plannerMapReady = true;
    return window.plannerMap;
  }

  return { build: build, symbol: symbol, ringOffsets: ringOffsets, text: text, number: number, mwText: mwText,
    escapeHtml: escapeHtml, el: el };
}());
