/* geostory story map: pins, legs, arrows, itinerary and keyboard navigation.
 *
 * Reads one JSON blob (<script type="application/json" id="geostory-data">) written by
 * geostory/render.py. Popup and tooltip strings in it are HTML that Python already escaped;
 * everything else reaches the page through textContent or setAttribute, never innerHTML.
 * Exposes window.geostory = {map, markers, legs, legGroups, steps, go, next, prev, setOrder, state}.
 */
(function () {
  "use strict";

  var HEX = /^#[0-9a-fA-F]{3,8}$/;
  var ROLES = ["origin", "destination", "waypoint", "visit", "mentioned"];
  var ROLE_RANK = { destination: 500, origin: 400, waypoint: 300, visit: 200, mentioned: 0 };
  var VISIT_ZOOM = { point: 8, site: 12, area: 5 };

  function prefersReducedMotion() {
    return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  function colour(value, fallback) {
    return typeof value === "string" && HEX.test(value) ? value : fallback;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null && text !== "") node.textContent = String(text);
    return node;
  }

  /* An SVG pin from numbers and known keywords only (no article text). */
  function pinSvg(place, style) {
    var role = ROLES.indexOf(place.role) >= 0 ? place.role : "mentioned";
    var fill = colour(style.roles[role], "#6b7780");
    var n = String(parseInt(place.n, 10) || "");
    var unsure = place.approximate || place.uncertain;
    var dash = unsure ? ' stroke-dasharray="3 2"' : "";
    var size, body;
    if (place.type === "area") {
      size = 36;
      body = '<circle cx="18" cy="18" r="16" fill="' + fill + '" fill-opacity=".16" stroke="' + fill +
        '" stroke-width="1.6"' + dash + "/>" +
        '<text x="18" y="18" dy=".35em" text-anchor="middle" fill="' + fill + '">' + n + "</text>";
    } else if (place.type === "site") {
      size = 26;
      body = '<rect x="6" y="6" width="14" height="14" rx="2.5" transform="rotate(45 13 13)" fill="' +
        fill + '" stroke="' + (unsure ? "#1f2a33" : "#fff") + '" stroke-width="1.8"' + dash + "/>" +
        '<text x="13" y="13" dy=".35em" text-anchor="middle" fill="#fff">' + n + "</text>";
    } else {
      size = role === "mentioned" ? 20 : 26;
      var r = size / 2 - 2;
      body = '<circle cx="' + size / 2 + '" cy="' + size / 2 + '" r="' + r + '" fill="' + fill +
        '" stroke="' + (unsure ? "#1f2a33" : "#fff") + '" stroke-width="2"' + dash + "/>" +
        '<text x="' + size / 2 + '" y="' + size / 2 + '" dy=".35em" text-anchor="middle" fill="#fff">' +
        n + "</text>";
    }
    return {
      size: size,
      html: '<svg xmlns="http://www.w3.org/2000/svg" width="' + size + '" height="' + size +
        '" viewBox="0 0 ' + size + " " + size + '" aria-hidden="true" focusable="false">' + body + "</svg>"
    };
  }

  function arrowIcon(fill, angle) {
    var a = Math.round(angle * 10) / 10;
    return L.divIcon({
      className: "gs-arrow",
      iconSize: [16, 16],
      iconAnchor: [8, 8],
      html: '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 14 14" ' +
        'style="transform:rotate(' + a + 'deg)" aria-hidden="true" focusable="false">' +
        '<path d="M2 1.5 L13 7 L2 12.5 L4.5 7 Z" fill="' + fill + '" stroke="#fff" stroke-width="1.2" ' +
        'stroke-linejoin="round"/></svg>'
    });
  }

  function init(map, dataId) {
    var blob = document.getElementById(dataId);
    var data = JSON.parse(blob ? blob.textContent : "{}");
    var style = data.style || { roles: {}, modes: {}, dashes: {} };
    var api = window.geostory;
    var state = { order: "told", step: 0 };
    var markers = [];
    var legs = [];
    var legGroups = [];
    var arrowLayers = [];
    var moveToken = 0;
    var live = document.getElementById("gs-live");
    var list = document.getElementById("gs-steps");

    /* Offline basemap under the tiles: visible only where tiles fail to load. */
    map.createPane("gs-basemap").style.zIndex = 150;
    if (data.basemap && data.basemap.length) {
      L.geoJSON(data.basemap, {
        pane: "gs-basemap",
        interactive: false,
        style: { color: "#aab4bd", weight: 0.7, fillColor: "#f4f2ec", fillOpacity: 1 }
      }).addTo(map);
    }
    map.eachLayer(function (layer) {
      if (layer instanceof L.TileLayer) {
        layer.on("tileerror", function (e) { if (e.tile) e.tile.style.visibility = "hidden"; });
      }
    });
    map.attributionControl.setPrefix(
      '<a href="https://leafletjs.com" title="A JavaScript library for interactive maps">Leaflet</a>');

    /* No scroll hijack when embedded: ctrl/cmd + scroll (or two fingers) to zoom in an iframe. */
    var embedded = false;
    try { embedded = window.self !== window.top; } catch (err) { embedded = true; }
    if (embedded && map.gestureHandling) map.gestureHandling.enable();

    /* Legs: a white casing under a line coloured by mode, dashed by status. */
    (data.legs || []).forEach(function (leg, i) {
      var latlngs = L.GeoJSON.coordsToLatLngs(leg.coordinates, 0);
      var stroke = colour(style.modes[leg.mode], "#55606a");
      var dash = style.dashes[leg.status] || null;
      var casing = L.polyline(latlngs, {
        color: "#ffffff", weight: 8, opacity: 0.85, lineCap: "round", lineJoin: "round",
        className: "gs-leg-casing"
      });
      var line = L.polyline(latlngs, {
        color: stroke, weight: 3.5, opacity: 0.95, dashArray: dash,
        lineCap: leg.status === "possible" ? "round" : "butt", lineJoin: "round",
        className: "gs-leg gs-leg-" + leg.mode + " gs-status-" + leg.status
      });
      var group = L.featureGroup([casing, line]);
      group.bindTooltip(leg.tooltip, { sticky: true, className: "gs-tip", direction: "top", offset: [0, -6] });
      group.bindPopup(leg.popup, { maxWidth: 340, minWidth: 240, className: "gs-popup", autoPanPadding: [30, 30] });
      group.on("click", function () { selectEvent("leg", i); });
      group.addTo(map);
      line.gsIndex = i;
      legs.push(line);
      legGroups.push(group);
      arrowLayers.push(L.layerGroup().addTo(map));
    });

    function placeArrows() {
      legs.forEach(function (line, i) {
        var layer = arrowLayers[i];
        layer.clearLayers();
        var pts = line.getLatLngs().map(function (ll) { return map.latLngToLayerPoint(ll); });
        var total = 0, lengths = [0];
        for (var k = 1; k < pts.length; k++) {
          total += pts[k].distanceTo(pts[k - 1]);
          lengths.push(total);
        }
        if (total < 36) return;
        var count = Math.max(1, Math.min(6, Math.floor(total / 240)));
        var fill = colour(style.modes[data.legs[i].mode], "#55606a");
        for (var c = 0; c < count; c++) {
          var at = total * (c + 0.5) / count, s = 1;
          while (s < lengths.length - 1 && lengths[s] < at) s++;
          var a = pts[s - 1], b = pts[s], seg = lengths[s] - lengths[s - 1] || 1;
          var f = (at - lengths[s - 1]) / seg;
          var p = L.point(a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f);
          var angle = Math.atan2(b.y - a.y, b.x - a.x) * 180 / Math.PI;
          L.marker(map.layerPointToLatLng(p), {
            icon: arrowIcon(fill, angle), interactive: false, keyboard: false, pane: "markerPane",
            zIndexOffset: -1000
          }).addTo(layer);
        }
      });
    }

    /* Pins, numbered in story order (first mention). */
    (data.places || []).forEach(function (place, i) {
      var pin = pinSvg(place, style);
      var classes = "gs-pin gs-role-" + (ROLES.indexOf(place.role) >= 0 ? place.role : "mentioned") +
        " gs-type-" + (place.type === "area" || place.type === "site" ? place.type : "point") +
        (place.approximate || place.uncertain ? " gs-unsure" : "");
      var marker = L.marker(L.GeoJSON.coordsToLatLng(place.coordinates), {
        icon: L.divIcon({
          className: classes, html: pin.html, iconSize: [pin.size, pin.size],
          iconAnchor: [pin.size / 2, pin.size / 2], popupAnchor: [0, -pin.size / 2 + 2],
          tooltipAnchor: [pin.size / 2, 0]
        }),
        keyboard: true, riseOnHover: true, zIndexOffset: ROLE_RANK[place.role] || 0
      });
      marker.bindTooltip(place.tooltip, { direction: "right", className: "gs-tip", offset: [2, 0] });
      marker.bindPopup(place.popup, { maxWidth: 340, minWidth: 240, className: "gs-popup", autoPanPadding: [30, 30] });
      marker.on("click", function () {
        var visits = (data.visits || []);
        for (var v = 0; v < visits.length; v++) if (visits[v].place === i) { selectEvent("visit", v); return; }
      });
      marker.addTo(map);
      var node = marker.getElement();
      if (node) node.setAttribute("aria-label", (i + 1) + ". " + place.name);
      markers.push(marker);
    });

    /* The story's extent: journeys and point places. A country or region named in passing
       ("US officials") would zoom the overview out to the world, so areas count only when the
       story has nothing else. */
    function allBounds() {
      var bounds = L.latLngBounds([]);
      markers.forEach(function (m, i) {
        if (data.places[i].type !== "area") bounds.extend(m.getLatLng());
      });
      legs.forEach(function (l) { bounds.extend(l.getBounds()); });
      if (!bounds.isValid()) markers.forEach(function (m) { bounds.extend(m.getLatLng()); });
      return bounds;
    }

    /* ---------------------------------------------------------------- steps */

    function currentSteps() {
      return [{ kind: "overview", title: "Overview" }].concat((data.steps && data.steps[state.order]) || []);
    }

    function stepLabel(step, i, total) {
      if (step.kind === "overview") return "Overview of the whole story";
      var bits = ["Step " + i + " of " + (total - 1) + ": " + step.title];
      if (step.meta) bits.push(step.meta);
      if (step.when) bits.push(step.when);
      return bits.join(". ");
    }

    function renderSteps() {
      var steps = currentSteps();
      api.steps = steps;
      while (list.firstChild) list.removeChild(list.firstChild);
      steps.forEach(function (step, i) {
        var li = el("li", "gs-step-item gs-kind-" + step.kind);
        var button = el("button", "gs-step");
        button.type = "button";
        button.setAttribute("data-step", String(i));
        var num = el("span", "gs-step-num", i === 0 ? "\u25CE" : String(i));
        num.setAttribute("aria-hidden", "true");
        if (step.kind === "leg") {
          num.style.background = colour(style.modes[step.mode], "#55606a");
          if (step.status !== "reported") num.classList.add("gs-num-" + step.status);
        } else if (step.kind === "visit") {
          num.style.background = colour(style.roles.visit, "#6a3d9a");
        }
        var body = el("span", "gs-step-body");
        body.appendChild(el("span", "gs-step-title", i === 0 ? "Overview" : step.title));
        if (i === 0) {
          var counts = [];
          var np = (data.places || []).length, nl = (data.legs || []).length, nv = (data.visits || []).length;
          counts.push(np + (np === 1 ? " place" : " places"));
          if (nl) counts.push(nl + (nl === 1 ? " journey" : " journeys"));
          if (nv) counts.push(nv + (nv === 1 ? " event" : " events"));
          body.appendChild(el("span", "gs-step-meta", counts.join(" \u00B7 ")));
        } else {
          body.appendChild(el("span", "gs-step-meta", step.meta));
          if (step.when) body.appendChild(el("span", "gs-step-when", step.when));
          if (step.quote) body.appendChild(el("q", "gs-step-quote", step.quote));
        }
        button.appendChild(num);
        button.appendChild(body);
        button.addEventListener("click", function () { go(i); });
        li.appendChild(button);
        list.appendChild(li);
      });
      markCurrent(false);
      var orderButtons = document.querySelectorAll(".gs-order button");
      Array.prototype.forEach.call(orderButtons, function (b) {
        b.setAttribute("aria-pressed", b.getAttribute("data-order") === state.order ? "true" : "false");
      });
    }

    function markCurrent(scroll) {
      var buttons = list.querySelectorAll(".gs-step");
      Array.prototype.forEach.call(buttons, function (b, i) {
        if (i === state.step) {
          b.setAttribute("aria-current", "step");
          if (scroll && b.scrollIntoView) {
            b.scrollIntoView({ block: "nearest", behavior: prefersReducedMotion() ? "auto" : "smooth" });
          }
        } else {
          b.removeAttribute("aria-current");
        }
      });
      var pos = document.querySelector(".gs-pos");
      var total = currentSteps().length;
      if (pos) pos.textContent = state.step === 0 ? "Overview" : state.step + " / " + (total - 1);
    }

    function writeHash() {
      var hash = "#step=" + state.step + (state.order === "happened" ? "&order=happened" : "");
      if (location.hash === hash) return;
      try {
        history.replaceState(null, "", hash);
      } catch (err) {
        location.hash = hash;
      }
    }

    function readHash() {
      var h = location.hash || "";
      var step = /(?:^#|&)step=(\d+)/.exec(h);
      var order = /(?:^#|&)order=(told|happened)/.exec(h);
      return { step: step ? parseInt(step[1], 10) : null, order: order ? order[1] : null };
    }

    function afterMove(fn) {
      var token = ++moveToken, done = false;
      function run() {
        if (done) return;
        done = true;
        map.off("moveend", run);
        if (token === moveToken) fn();
      }
      map.on("moveend", run);
      setTimeout(run, prefersReducedMotion() ? 30 : 1400);
    }

    /* Keep the story clear of the open key in the lower left. */
    function legendRoom() {
      var legendBox = document.getElementById("gs-legend");
      return legendBox && legendBox.open && legendBox.offsetHeight ? legendBox.offsetHeight + 28 : 36;
    }

    function overviewFit() {
      return { paddingTopLeft: [48, 48], paddingBottomRight: [48, legendRoom()], maxZoom: 7 };
    }

    function showStep(step) {
      var animate = !prefersReducedMotion();
      if (step.kind === "overview") {
        moveToken++;
        map.closePopup();
        var bounds = allBounds();
        if (bounds.isValid()) {
          if (animate) map.flyToBounds(bounds, L.extend({ duration: 0.8 }, overviewFit()));
          else map.fitBounds(bounds, L.extend({ animate: false }, overviewFit()));
        }
        return;
      }
      if (step.kind === "leg") {
        var line = legs[step.ref], group = legGroups[step.ref];
        if (!line) return;
        map.closePopup();
        /* Room above the line for its popup. */
        var bottom = legendRoom();
        var room = Math.round(Math.max(48, Math.min(260, (map.getSize().y - bottom) * 0.45)));
        var fit = { paddingTopLeft: [48, room], paddingBottomRight: [48, bottom], maxZoom: 10 };
        afterMove(function () { group.openPopup(line.getCenter()); });
        if (animate) map.flyToBounds(line.getBounds(), L.extend({ duration: 0.9 }, fit));
        else map.fitBounds(line.getBounds(), L.extend({ animate: false }, fit));
        return;
      }
      var marker = markers[step.place];
      if (!marker) return;
      var place = data.places[step.place];
      var zoom = Math.max(map.getZoom(), VISIT_ZOOM[place.type] || 8);
      map.closePopup();
      afterMove(function () { marker.openPopup(); });
      if (animate) map.flyTo(marker.getLatLng(), zoom, { duration: 0.9 });
      else map.setView(marker.getLatLng(), zoom, { animate: false });
    }

    function go(n, options) {
      var steps = currentSteps();
      var i = Math.max(0, Math.min(steps.length - 1, parseInt(n, 10) || 0));
      state.step = i;
      markCurrent(!(options && options.initial));
      showStep(steps[i]);
      if (!(options && options.keepHash)) writeHash();
      if (live && !(options && options.initial)) live.textContent = stepLabel(steps[i], i, steps.length);
      return i;
    }

    function selectEvent(kind, ref) {
      var steps = currentSteps();
      for (var i = 1; i < steps.length; i++) {
        if (steps[i].kind === kind && steps[i].ref === ref) {
          state.step = i;
          markCurrent(true);
          writeHash();
          return;
        }
      }
    }

    function setOrder(order) {
      if (order !== "told" && order !== "happened") return;
      var current = currentSteps()[state.step];
      state.order = order;
      renderSteps();
      var steps = currentSteps(), target = 0;
      for (var i = 1; i < steps.length; i++) {
        if (current && steps[i].kind === current.kind && steps[i].ref === current.ref) target = i;
      }
      state.step = target;
      markCurrent(true);
      writeHash();
      if (live) live.textContent = (order === "told" ? "Steps in the order the article tells them" :
        "Steps in the order they happened") + ". " + stepLabel(steps[target], target, steps.length);
    }

    function next() { return go(state.step + 1); }
    function prev() { return go(state.step - 1); }

    /* ---------------------------------------------------------------- controls */

    Array.prototype.forEach.call(document.querySelectorAll(".gs-order button"), function (b) {
      b.addEventListener("click", function () { setOrder(b.getAttribute("data-order")); });
    });
    var prevButton = document.querySelector(".gs-prev"), nextButton = document.querySelector(".gs-next");
    if (prevButton) prevButton.addEventListener("click", prev);
    if (nextButton) nextButton.addEventListener("click", next);

    document.addEventListener("keydown", function (e) {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      var t = e.target;
      var tag = t && t.tagName ? t.tagName.toLowerCase() : "";
      if (tag === "input" || tag === "textarea" || tag === "select" || (t && t.isContentEditable)) return;
      var inMap = t && map.getContainer().contains(t);
      var key = e.key;
      if (key === "ArrowRight" || key === "ArrowLeft") {
        if (inMap) return; /* Leaflet pans the focused map with the arrows */
      }
      if (key === "ArrowRight" || key === "j" || key === "J") { next(); e.preventDefault(); }
      else if (key === "ArrowLeft" || key === "k" || key === "K") { prev(); e.preventDefault(); }
      else if (key === "Home" && !inMap) { go(0); e.preventDefault(); }
      else if (key === "End" && !inMap) { go(currentSteps().length - 1); e.preventDefault(); }
    });

    window.addEventListener("hashchange", function () {
      var h = readHash();
      if (h.order && h.order !== state.order) setOrder(h.order);
      if (h.step !== null && h.step !== state.step) go(h.step, { keepHash: true });
    });

    /* Legend as a map control; folded on small screens. */
    var legendNode = document.getElementById("gs-legend");
    if (legendNode) {
      var Legend = L.Control.extend({
        options: { position: "bottomleft" },
        onAdd: function () {
          legendNode.classList.add("leaflet-control");
          L.DomEvent.disableClickPropagation(legendNode);
          L.DomEvent.disableScrollPropagation(legendNode);
          return legendNode;
        }
      });
      new Legend().addTo(map);
      if (window.matchMedia && window.matchMedia("(max-width: 720px)").matches) legendNode.removeAttribute("open");
    }

    /* Also mentioned: places with no journey or event, one click away. */
    var also = document.querySelector(".gs-also"), alsoList = document.querySelector(".gs-also-list");
    if (also && alsoList && data.mentioned && data.mentioned.length) {
      data.mentioned.forEach(function (i) {
        var place = data.places[i];
        var li = el("li");
        var b = el("button", "gs-also-btn");
        b.type = "button";
        var num = el("span", "gs-also-num", String(place.n));
        num.setAttribute("aria-hidden", "true");
        b.appendChild(num);
        b.appendChild(el("span", "", place.name));
        b.addEventListener("click", function () {
          var zoom = Math.max(map.getZoom(), VISIT_ZOOM[place.type] || 7);
          map.closePopup();
          afterMove(function () { markers[i].openPopup(); });
          if (prefersReducedMotion()) map.setView(markers[i].getLatLng(), zoom, { animate: false });
          else map.flyTo(markers[i].getLatLng(), zoom, { duration: 0.9 });
          if (live) live.textContent = place.name;
        });
        li.appendChild(b);
        alsoList.appendChild(li);
      });
      also.hidden = false;
    }

    /* First view: the hash if any, else the overview. */
    var start = readHash();
    if (start.order) state.order = start.order;
    renderSteps();
    var bounds = allBounds();
    if (bounds.isValid()) {
      if (markers.length === 1 && !legs.length) map.setView(markers[0].getLatLng(), 6, { animate: false });
      else map.fitBounds(bounds, L.extend({ animate: false }, overviewFit()));
    }
    placeArrows();
    map.on("zoomend viewreset", placeArrows);
    if (start.step) go(start.step, { initial: true });
    else markCurrent(false);

    api.map = map;
    api.data = data;
    api.markers = markers;
    api.legs = legs;
    api.legGroups = legGroups;
    api.state = state;
    api.go = function (n) { return go(n); };
    api.next = next;
    api.prev = prev;
    api.setOrder = setOrder;
    api.ready = true;
    return api;
  }

  window.geostory = { init: init, ready: false };
})();
