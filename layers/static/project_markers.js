/* Project markers on one canvas, for maps with many projects (layers/project_layer.py picks the renderer).
 *
 * The DOM renderer (planner_map.js: one SVG divIcon per project) costs Leaflet's per-marker event
 * registration and a compositor layer per marker: 10,000 projects took ~10 s to first paint, 100,000 ~500 s.
 * Here every project is drawn on one canvas, redrawn on the map's moveend/zoomend/resize (one handler), and
 * clustered below CLUSTER_BELOW_ZOOM (a screen grid of CLUSTER_PX cells; a cell with several projects is a
 * bubble with their count, a click zooms into it). Above it, projects at a representative point (or sharing
 * a point) sit on the same display rings as the DOM renderer's (PlannerMap.ringOffsets), the ring and its
 * centre mark drawn too. Clicks and hover are hit-tested against what was drawn; popups are the DOM
 * renderer's (textContent only). Each item keeps its true coordinate (item.getLatLng()).
 */
var PlannerMarkers = (function () {
  "use strict";

  var CLUSTER_PX = 44;           // [px] clustering grid cell
  var CLUSTER_BELOW_ZOOM = 12;   // clusters below this zoom, every project at and above it
  var HIT_SLOP_PX = 3;
  var COLOUR = /^#[0-9a-fA-F]{6}$/;
  var STYLES = {
    exact: { fillOpacity: 0.9, stroke: "#212121", strokeWidth: 1, white: false },
    approximate: { fillOpacity: 0.45, stroke: null, strokeWidth: 2, white: false },
    district_point: { fillOpacity: 0.9, stroke: null, strokeWidth: 2.5, white: true },
    city_point: { fillOpacity: 0.9, stroke: null, strokeWidth: 2.5, white: true, dash: [3, 2] }
  };
  var POLYGONS = { triangle: [3, -90, 0], triangle_down: [3, 90, 0], diamond: [4, -90, 0], pentagon: [5, -90, 0],
    hexagon: [6, 0, 0], star: [5, -90, 0.45] };

  function safeColour(c) { return COLOUR.test(c) ? c : "#777777"; }
  function atRepresentativePoint(it) { return it.display === "district_point" || it.display === "city_point"; }

  /* ---------- symbols: one small canvas per (shape, radius, colour, style), drawn once ---------- */

  function tracePath(g, shape, r, c) {
    g.beginPath();
    if (shape === "circle") { g.arc(c, c, r, 0, 2 * Math.PI); return; }
    if (shape === "square") { var s = r * 0.9; g.rect(c - s, c - s, 2 * s, 2 * s); return; }
    var spec = POLYGONS[shape] || [8, 0, 0];
    var n = spec[0], rr = r * (n === 3 ? 1.15 : 1), steps = spec[2] ? 2 * n : n;
    for (var i = 0; i < steps; i++) {
      var rad = spec[2] && i % 2 ? rr * spec[2] : rr;
      var a = (spec[1] + 360 * i / steps) * Math.PI / 180;
      if (i === 0) { g.moveTo(c + rad * Math.cos(a), c + rad * Math.sin(a)); } else { g.lineTo(c + rad * Math.cos(a), c + rad * Math.sin(a)); }
    }
    g.closePath();
  }

  var sprites = {};
  function sprite(shape, r, colour, styleName, dpr) {
    var key = shape + "|" + r + "|" + colour + "|" + styleName + "|" + dpr;
    if (sprites[key]) { return sprites[key]; }
    var st = STYLES[styleName] || STYLES.district_point;
    colour = safeColour(colour);
    var box = 2 * r + 2 * st.strokeWidth + 2;
    var cv = document.createElement("canvas");
    cv.width = cv.height = Math.ceil(box * dpr);
    var g = cv.getContext("2d");
    g.scale(dpr, dpr);
    tracePath(g, shape, r, box / 2);
    g.globalAlpha = st.fillOpacity;
    g.fillStyle = st.white ? "#ffffff" : colour;
    g.fill();
    g.globalAlpha = 1;
    g.lineWidth = st.strokeWidth;
    g.strokeStyle = st.stroke || colour;
    if (st.dash) { g.setLineDash(st.dash); }
    g.stroke();
    sprites[key] = { canvas: cv, box: box };
    return sprites[key];
  }

  /* ---------- items ---------- */

  function Item(p, group, display, radius, layer, owner) {
    this.p = p; this.group = group; this.display = display; this.radius = radius; this.layer = layer;
    this.owner = owner; this.marker = this; this.dx = 0; this.dy = 0;
    var w = L.CRS.EPSG3857.latLngToPoint(L.latLng(p.lat, p.lon), 0);  // world pixels at zoom 0
    this.wx = w.x; this.wy = w.y;
  }
  /* the part of L.Marker's interface other scripts use (desk_controls.js, desk_edit.js) */
  Item.prototype.getLatLng = function () { return L.latLng(this.p.lat, this.p.lon); };
  Item.prototype.openPopup = function () { this.owner.openPopup(this); return this; };
  Item.prototype.setLatLng = function (ll) {
    ll = L.latLng(ll);
    this.p.lat = ll.lat; this.p.lon = ll.lng;
    var w = L.CRS.EPSG3857.latLngToPoint(ll, 0);
    this.wx = w.x; this.wy = w.y;
    this.owner.regroup();
    this.owner.redraw();
    return this;
  };
  Item.prototype.fire = function () { return this; };  // a popup's source gets popupopen/close and preclick
  Item.prototype.on = function () { return this; };
  Item.prototype.off = function () { return this; };

  /* ---------- the layer ---------- */

  var ProjectCanvas = L.Layer.extend({
    initialize: function (items, options) {
      this.items = items;
      this.options = options;  // visible(it), ringsShown(), popup(it), tooltip(it), ringOffsets(radii)
      this.regroup();
      this.drawn = { items: 0, clusters: 0, rings: 0, targets: [] };
    },

    /* items by exact coordinate: the ring groups */
    regroup: function () {
      var pts = {};
      this.items.forEach(function (it) {
        var key = it.p.lon.toFixed(6) + "," + it.p.lat.toFixed(6);
        (pts[key] = pts[key] || []).push(it);
      });
      this.pointList = Object.keys(pts).map(function (k) { return pts[k]; });
    },

    onAdd: function (map) {
      if (!map.getPane("plannerProjects")) {
        var pane = map.createPane("plannerProjects");
        pane.style.zIndex = 450;  // above districts (overlayPane 400), below markers, tooltips and popups
        pane.style.pointerEvents = "none";
      }
      this._canvas = L.DomUtil.create("canvas", "pm-canvas leaflet-zoom-hide");
      map.getPane("plannerProjects").appendChild(this._canvas);
      this._tip = L.tooltip({ direction: "right", offset: [8, 0] });
      map.on("moveend zoomend resize viewreset", this.redraw, this);
      // DOM listeners in the capture phase on the map's container: the district polygons under the symbols
      // take Leaflet's own click events, so a click on a symbol is caught (and stopped) before them
      var self = this;
      this._dom = {
        mousedown: function (e) { self._down = [e.clientX, e.clientY]; },
        click: function (e) { self._click(e); },
        mousemove: function (e) { self._hover(e); }
      };
      Object.keys(this._dom).forEach(function (t) { map.getContainer().addEventListener(t, self._dom[t], true); });
      this.redraw();
    },

    onRemove: function (map) {
      map.off("moveend zoomend resize viewreset", this.redraw, this);
      var dom = this._dom;
      Object.keys(dom).forEach(function (t) { map.getContainer().removeEventListener(t, dom[t], true); });
      L.DomUtil.remove(this._canvas);
      map.closeTooltip(this._tip);
    },

    /* Draw what is visible now; remembers hit targets (topmost last). */
    redraw: function () {
      var map = this._map;
      if (!map) { return; }
      var size = map.getSize();
      var dpr = window.devicePixelRatio || 1;
      var cv = this._canvas;
      L.DomUtil.setPosition(cv, map.containerPointToLayerPoint([0, 0]));
      cv.style.width = size.x + "px"; cv.style.height = size.y + "px";
      cv.width = Math.round(size.x * dpr); cv.height = Math.round(size.y * dpr);
      var g = cv.getContext("2d");
      g.setTransform(dpr, 0, 0, dpr, 0, 0);
      var zoom = map.getZoom();
      var scale = map.getZoomScale(zoom, 0);
      var origin = map.getPixelBounds().min;
      var margin = 60;
      var visible = this.options.visible;
      var targets = [];
      var drawn = { items: 0, clusters: 0, rings: 0, represented: 0, targets: targets, zoom: zoom };
      function sx(it) { return it.wx * scale - origin.x; }
      function sy(it) { return it.wy * scale - origin.y; }
      function inView(x, y, pad) { return x > -pad && y > -pad && x < size.x + pad && y < size.y + pad; }
      function drawItem(it, x, y) {
        var s = sprite(it.group.shape, it.radius, it.group.colour, it.display, dpr);
        g.drawImage(s.canvas, x - s.box / 2, y - s.box / 2, s.box, s.box);
        targets.push({ x: x, y: y, r: it.radius, item: it });
        drawn.items += 1;
        drawn.represented += 1;
      }

      if (zoom < CLUSTER_BELOW_ZOOM) {
        var cells = {};
        var order = [];
        for (var i = 0; i < this.items.length; i++) {
          var it = this.items[i];
          if (!visible(it)) { continue; }
          var x = sx(it), y = sy(it);
          if (!inView(x, y, margin)) { continue; }
          var key = Math.floor(x / CLUSTER_PX) + ":" + Math.floor(y / CLUSTER_PX);
          var c = cells[key];
          if (!c) { c = cells[key] = { n: 0, x: 0, y: 0, first: it, fx: x, fy: y, colours: {} }; order.push(c); }
          c.n += 1; c.x += x; c.y += y;
          c.colours[it.group.colour] = (c.colours[it.group.colour] || 0) + 1;
        }
        order.forEach(function (c) {
          if (c.n === 1) { drawItem(c.first, c.fx, c.fy); return; }
          var cx = c.x / c.n, cy = c.y / c.n;
          var r = Math.min(26, 9 + 3.2 * Math.log(c.n));
          var top = Object.keys(c.colours).sort(function (a, b) { return c.colours[b] - c.colours[a]; })[0];
          g.beginPath(); g.arc(cx, cy, r + 3, 0, 2 * Math.PI);
          g.fillStyle = "rgba(255,255,255,0.75)"; g.fill();
          g.beginPath(); g.arc(cx, cy, r, 0, 2 * Math.PI);
          g.globalAlpha = 0.85; g.fillStyle = safeColour(top); g.fill(); g.globalAlpha = 1;
          g.lineWidth = 1.5; g.strokeStyle = "#263238"; g.stroke();
          g.fillStyle = "#ffffff"; g.font = "bold 11px sans-serif"; g.textAlign = "center"; g.textBaseline = "middle";
          g.fillText(c.n >= 10000 ? Math.round(c.n / 1000) + "k" : String(c.n), cx, cy);
          targets.push({ x: cx, y: cy, r: r, cluster: c });
          drawn.clusters += 1;
          drawn.represented += c.n;
        });
      } else {
        var rings = this.options.ringsShown();
        var ringOffsets = this.options.ringOffsets;
        for (var k = 0; k < this.pointList.length; k++) {
          var members = this.pointList[k].filter(visible);
          if (!members.length) { continue; }
          var ax = sx(members[0]), ay = sy(members[0]);
          var ring = members.length > 1 || members.some(atRepresentativePoint);
          if (!ring) {
            if (inView(ax, ay, margin)) { members[0].dx = members[0].dy = 0; drawItem(members[0], ax, ay); }
            continue;
          }
          var placed = ringOffsets(members.map(function (m) { return m.radius; }));
          if (!inView(ax, ay, placed.outer + margin)) { continue; }
          if (rings) {
            var city = members.some(function (m) { return m.display === "city_point"; });
            g.beginPath(); g.arc(ax, ay, placed.outer, 0, 2 * Math.PI);
            g.fillStyle = city ? "rgba(106,27,154,0.08)" : "rgba(255,255,255,0.25)"; g.fill();
            g.setLineDash(city ? [2, 3] : [5, 4]); g.lineWidth = city ? 2 : 1.5;
            g.strokeStyle = city ? "#6a1b9a" : "#37474f"; g.stroke(); g.setLineDash([]);
            g.save(); g.translate(ax, ay); if (!city) { g.rotate(Math.PI / 4); }
            g.fillStyle = "#ffffff"; g.fillRect(-4, -4, 8, 8);
            g.lineWidth = 2; g.strokeStyle = city ? "#6a1b9a" : "#263238"; g.strokeRect(-3, -3, 6, 6);
            g.restore();
            drawn.rings += 1;
          }
          for (var m = 0; m < members.length; m++) {
            members[m].dx = placed.offsets[m][0]; members[m].dy = placed.offsets[m][1];
            drawItem(members[m], ax + members[m].dx, ay + members[m].dy);
          }
        }
      }
      this.drawn = drawn;
      this.fire("redraw", drawn);
    },

    hit: function (point) {
      var t = this.drawn.targets;
      for (var i = t.length - 1; i >= 0; i--) {
        var dx = point.x - t[i].x, dy = point.y - t[i].y, r = t[i].r + HIT_SLOP_PX;
        if (dx * dx + dy * dy <= r * r) { return t[i]; }
      }
      return null;
    },

    _onMap: function (e) {  // a DOM event on the map itself, not on a control, popup or tooltip
      var el = e.target;
      return !(el.closest && el.closest(".leaflet-control, .leaflet-popup, .leaflet-tooltip"));
    },

    _click: function (e) {
      if (!this._onMap(e)) { return; }
      var down = this._down;
      if (down && Math.abs(down[0] - e.clientX) + Math.abs(down[1] - e.clientY) > 4) { return; }  // a drag
      var t = this.hit(this._map.mouseEventToContainerPoint(e));
      if (!t) { return; }
      e.stopPropagation();  // the click is the symbol's, not the district's beneath it
      if (t.item) { this.openPopup(t.item); return; }
      var map = this._map;
      map.setView(map.containerPointToLatLng([t.x, t.y]), Math.min(map.getZoom() + 2, CLUSTER_BELOW_ZOOM));
    },

    _hover: function (e) {
      var t = this._onMap(e) ? this.hit(this._map.mouseEventToContainerPoint(e)) : null;
      var map = this._map;
      map.getContainer().style.cursor = t ? "pointer" : "";
      if (t && t.item) {
        this._tip.setContent(this.options.tooltip(t.item));
        this._tip.setLatLng(map.containerPointToLatLng([t.x, t.y]));
        if (!map.hasLayer(this._tip)) { map.openTooltip(this._tip); }
      } else if (map.hasLayer(this._tip)) {
        map.closeTooltip(this._tip);
      }
    },

    openPopup: function (it) {
      var map = this._map;
      this.popup = L.popup({ maxWidth: 380, minWidth: 240, autoPanPaddingTopLeft: [60, 50],
        offset: [it.dx, it.dy - it.radius + 7] }, it)
        .setLatLng(it.getLatLng()).setContent(this.options.popup(it)).openOn(map);
      return this.popup;
    }
  });

  /* The projects' items on one canvas; handles (empty layer groups) stand for each group in the layer control. */
  function build(props, groups, spec, ctx, options) {
    var items = [];
    var handles = {};
    groups.forEach(function (g) {
      var h = handles[g.key] = L.layerGroup();  // stands for the group in the layer control; draws nothing itself
      h.hasLayer = function (layer) {  // "is this project shown", as for the DOM renderer's layers
        return layer instanceof Item ? layer.layer === h && options.visible(layer) : L.LayerGroup.prototype.hasLayer.call(h, layer);
      };
    });
    props.forEach(function (p) {
      var g = groups.byKey[p.group];
      if (!g) { return; }
      var display = spec.precision_display[p.location_precision] || spec.unknown_precision_display;
      items.push(new Item(p, g, display, p.radius_px || 5, handles[g.key], null));
    });
    var canvas = new ProjectCanvas(items, options);
    items.forEach(function (it) { it.owner = canvas; });
    return { items: items, handles: handles, canvas: canvas };
  }

  return { build: build, CLUSTER_BELOW_ZOOM: CLUSTER_BELOW_ZOOM, Item: Item };
}());
