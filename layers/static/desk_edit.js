/* Editing from the map (service only): with an API key entered once per browser session (sessionStorage),
 * change a project's status, capacity and target year, or move its point choosing the precision. The change goes
 * through the service's edit API (same validation and audit trail); the project's edit version is sent in
 * If-Match, so an edit someone else made first is refused (412) with a clear message.
 */
window.PlannerDeskEdit = (function () {
  "use strict";
  var KEY = "plannerApiKey";
  var pickHandler = null;

  var el = PlannerMap.el;  // elements with text content only (planner_map.js)

  function field(form, label, input) {
    var l = el("label", null, label + " ", form);
    l.appendChild(input);
    return input;
  }

  function select(options, value, labels) {
    var s = el("select");
    options.forEach(function (o) {
      var opt = el("option", null, labels && labels[o] ? labels[o] : o, s);
      opt.value = o;
      if (o === value) { opt.selected = true; }
    });
    return s;
  }

  function editForm(pm, desk, it, container) {
    var M = desk.messages;
    var p = it.p;
    var form = el("form", "desk-edit", null, container);
    form.setAttribute("data-id", p.id);
    var keyInput = null;
    if (!sessionStorage.getItem(KEY)) {
      keyInput = field(form, M["map.edit_key"], el("input", "desk-edit-key"));
      keyInput.type = "password";
      keyInput.autocomplete = "off";
    }
    var status = field(form, M["map.status"], select(desk.edit_statuses, p.status, desk.labels.status));
    status.className = "desk-edit-status";
    var cap = field(form, M["map.capacity"] + " MW", el("input", "desk-edit-capacity"));
    cap.type = "number"; cap.min = "0"; cap.step = "any";
    if (p.capacity_mw !== null && p.capacity_mw !== undefined) { cap.value = p.capacity_mw; }
    var year = field(form, M["map.target_year"], el("input", "desk-edit-year"));
    year.type = "number"; year.min = "1990"; year.max = "2100"; year.step = "1";
    if (p.target_year !== null && p.target_year !== undefined) { year.value = p.target_year; }
    var precision = field(form, M["map.edit_precision"], select(desk.edit_precisions, "surveyed", desk.labels.precision));
    precision.className = "desk-edit-precision";
    var moved = null;
    var move = el("button", "desk-edit-move", M["map.edit_move"], form);
    move.type = "button";
    var where = el("div", "pp-coord desk-edit-where", null, form);
    var ghost = null;
    move.addEventListener("click", function (ev) {
      L.DomEvent.stopPropagation(ev);  // this click is not the new point (the popup closes, so the map would take it)
      pm.map.closePopup();
      pm.map.getContainer().classList.add("desk-yield-on");
      pickHandler = function (latlng) {
        pickHandler = null;
        pm.map.getContainer().classList.remove("desk-yield-on");
        moved = latlng;
        if (ghost) { ghost.remove(); }
        ghost = L.circleMarker(latlng, { radius: 7, color: "#d50000", weight: 2, fillOpacity: 0.2 }).addTo(pm.map);
        where.textContent = latlng.lng.toFixed(6) + ", " + latlng.lat.toFixed(6);
        // the form itself again (the marker's own popup would be built afresh, without what was entered)
        L.popup({ maxWidth: 380, minWidth: 240, offset: [it.dx || 0, (it.dy || 0) - it.radius] })
          .setLatLng(it.marker.getLatLng()).setContent(container).openOn(pm.map);
      };
    });
    var save = el("button", "desk-edit-save", M["map.edit_save"], form);
    save.type = "submit";
    var forget = el("button", "desk-edit-forget", M["map.edit_forget"], form);
    forget.type = "button";
    forget.addEventListener("click", function () { sessionStorage.removeItem(KEY); msg.textContent = ""; });
    var msg = el("div", "desk-edit-msg", null, form);
    var version = null;
    fetch("edits?project_id=" + encodeURIComponent(p.id) + "&limit=1")
      .then(function (r) { return r.json(); })
      .then(function (b) { version = b.numberMatched; })["catch"](function () { version = null; });

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (keyInput && keyInput.value) { sessionStorage.setItem(KEY, keyInput.value); }
      var key = sessionStorage.getItem(KEY);
      var props = {};
      if (status.value !== p.status) { props.status = status.value; }
      if (cap.value !== "" && Number(cap.value) !== p.capacity_mw) { props.capacity_mw = Number(cap.value); }
      if (year.value !== "" && Number(year.value) !== p.target_year) { props.target_year = Number(year.value); }
      var body = { properties: props };
      if (moved) {
        body.geometry = { type: "Point", coordinates: [Number(moved.lng.toFixed(6)), Number(moved.lat.toFixed(6))] };
        props.location_precision = precision.value;  // what the new point is: surveyed, site, village, township
      }
      var headers = { "Content-Type": "application/json", "X-API-Key": key || "" };
      if (version !== null) { headers["If-Match"] = "\"" + version + "\""; }
      msg.className = "desk-edit-msg";
      msg.textContent = "…";
      fetch("collections/projects/items/" + encodeURIComponent(p.id), {
        method: "PATCH", headers: headers, body: JSON.stringify(body)
      }).then(function (r) { return r.json().then(function (b) { return [r, b]; }); }).then(function (res) {
        var r = res[0], b = res[1];
        if (r.status === 412 || r.status === 409) {
          msg.className = "desk-edit-msg error";
          msg.textContent = M["map.edit_conflict"] + (b.detail ? " (" + b.detail + ")" : "");
          return;
        }
        if (r.status === 401) { sessionStorage.removeItem(KEY); }
        if (r.status !== 200) {
          msg.className = "desk-edit-msg error";
          msg.textContent = (b.title || r.status) + ": " + (b.detail || "");
          return;
        }
        var np = b.properties || {};
        ["status", "capacity_mw", "target_year", "location_precision"].forEach(function (f) {
          if (f in np) { p[f] = np[f]; }
        });
        if (b.geometry) {
          p.lon = b.geometry.coordinates[0]; p.lat = b.geometry.coordinates[1];
          it.marker.setLatLng([p.lat, p.lon]);
        }
        if (ghost) { ghost.remove(); ghost = null; }
        version = r.headers.get("ETag") ? Number(r.headers.get("ETag").replace(/\D/g, "")) : null;
        msg.textContent = M["map.edit_saved"].replace("{id}", r.headers.get("X-Edit-Id"));
        pm.layers.projects.applyFilter();
      })["catch"](function (err) { msg.className = "desk-edit-msg error"; msg.textContent = String(err); });
    });
    return form;
  }

  function init(pm, desk) {
    var byMarker = new Map();
    pm.layers.projects.items.forEach(function (it) { byMarker.set(it.marker, it); });
    pm.map.on("popupopen", function (e) {
      var it = byMarker.get(e.popup._source);
      var root = e.popup.getElement() && e.popup.getElement().querySelector(".pp");
      if (!it || !root || root.querySelector(".desk-edit-open")) { return; }
      var b = el("button", "desk-edit-open", desk.messages["map.edit"], root);
      b.type = "button";
      b.addEventListener("click", function (ev) {
        L.DomEvent.stopPropagation(ev);  // a click on a node taken out of the page would reach the map and close the popup
        b.remove();
        editForm(pm, desk, it, root);
        // the popup shows this node while open (update() would rebuild it from the marker's function, form lost)
        var content = e.popup.getContent();
        e.popup.setContent(root);
        e.popup.once("remove", function () { e.popup.setContent(content); });
      });
    });
    pm.map.on("click", function (e) { if (pickHandler) { pickHandler(e.latlng); } });
  }

  return { init: init, picking: function () { return pickHandler !== null; } };
}());
