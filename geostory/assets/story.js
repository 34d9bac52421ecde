/* geostory story map: pins, legs, arrows, itinerary and keyboard navigation.
 *
 * Reads one JSON blob (<script type="application/json" id="geostory-data">) written by
 * geostory/render.py. Popup and tooltip strings in it are HTML that Python already escaped;
 * everything else reaches the page through textContent or setAttribute, never innerHTML.
 * Step numbers exist only in the itinerary's current order: a leg shows its number on a badge
 * on its line, a visit on the pin of its place; places merely mentioned carry none.
 * Exposes window.geostory = {map, markers, legs, legGroups, badges, steps, go, next, prev,
 * setOrder, play, pause, playback, numbers, state}.
 */
(function () {
  "use strict";

  var HEX = /^#[0-9a-fA-F]{3,8}$/;
  var ROLES = ["origin", "destination", "waypoint", "visit", "mentioned"];
  var ROLE_RANK = { destination: 500, origin: 400, waypoint: 300, visit: 200, mentioned: 0 };
  var VISIT_ZOOM = { point: 9, site: 11, area: 5 };
  var CITY_ZOOM = 11;  /* no step zooms closer: the offline basemap is blank below city scale */
  var LEG_ZOOM = 10;
  var MIN_GAP = 24;    /* px between pin centres before they are spread apart */

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

  /* An SVG pin from step numbers and known keywords only (no article text). */
  function pinSvg(place, style, label) {
    var role = ROLES.indexOf(place.role) >= 0 ? place.role : "mentioned";
    var fill = colour(style.roles[role], "#6b7780");
    var text = String(label || "").replace(/[^0-9\u00B7+]/g, "");
    var unsure = place.approximate || place.uncertain;
    var dash = unsure ? ' stroke-dasharray="3 2"' : "";
    var edge = unsure ? "#1f2a33" : "#fff";
    var w, h, body;
    var wide = text.length > 2;
    if (place.type === "area") {
      w = h = 36;
      body = '<circle cx="18" cy="18" r="16" fill="' + fill + '" fill-opacity=".16" stroke="' + fill +
        '" stroke-width="1.6"' + dash + "/>";
      if (text) body += '<text x="18" y="18" dy=".35em" text-anchor="middle" fill="' + fill + '">' + text + "</text>";
    } else if (wide) {
      h = 24; w = Math.round(12 + 6.6 * text.length);
      body = '<rect x="1" y="1" width="' + (w - 2) + '" height="22" rx="' + (place.type === "site" ? 4 : 11) +
        '" fill="' + fill + '" stroke="' + edge + '" stroke-width="2"' + dash + "/>" +
        '<text x="' + w / 2 + '" y="12" dy=".35em" text-anchor="middle" fill="#fff">' + text + "</text>";
    } else if (place.type === "site") {
      w = h = text ? 26 : 22;
      var c = w / 2, q = w * 0.27;
      body = '<rect x="' + (c - q) + '" y="' + (c - q) + '" width="' + 2 * q + '" height="' + 2 * q +
        '" rx="2.5" transform="rotate(45 ' + c + " " + c + ')" fill="' + fill + '" stroke="' + edge +
        '" stroke-width="1.8"' + dash + "/>" +
        (text ? '<text x="' + c + '" y="' + c + '" dy=".35em" text-anchor="middle" fill="#fff">' + text + "</text>" : "");
    } else {
      w = h = text ? 26 : (role === "mentioned" ? 16 : 22);
      var r = w / 2 - 2;
      body = '<circle cx="' + w / 2 + '" cy="' + w / 2 + '" r="' + r + '" fill="' + fill +
        '" stroke="' + edge + '" stroke-width="2"' + dash + "/>" +
        (text ? '<text x="' + w / 2 + '" y="' + w / 2 + '" dy=".35em" text-anchor="middle" fill="#fff">' + text + "</text>"
          : (role !== "mentioned" ? '<circle cx="' + w / 2 + '" cy="' + w / 2 + '" r="3" fill="#fff"/>' : ""));
    }
    return {
      w: w, h: h,
      html: '<span class="gs-hit"><svg xmlns="http://www.w3.org/2000/svg" width="' + w + '" height="' + h +
        '" viewBox="0 0 ' + w + " " + h + '" aria-hidden="true" focusable="false">' + body + "</svg></span>"
    };
  }

  function pinIcon(place, style, label) {
    var pin = pinSvg(place, style, label);
    var classes = "gs-pin gs-role-" + (ROLES.indexOf(place.role) >= 0 ? place.role : "mentioned") +
      " gs-type-" + (place.type === "area" || place.type === "site" ? place.type : "point") +
      (place.approximate || place.uncertain ? " gs-unsure" : "") + (label ? " gs-numbered" : "");
    return L.divIcon({
      className: classes, html: pin.html, iconSize: [pin.w, pin.h],
      iconAnchor: [pin.w / 2, pin.h / 2], popupAnchor: [0, -pin.h / 2 + 2],
      tooltipAnchor: [pin.w / 2, 0]
    });
  }

  /* "2", "2·5", "2·5+": the steps that happen at a place. */
  function stepsLabel(list) {
    if (!list || !list.length) return "";
    return list.slice(0, 2).join("\u00B7") + (list.length > 2 ? "+" : "");
  }

  function arrowIcon(fill, angle) {
    var a = Math.round(angle * 10) / 10;
    return L.divIcon({
      className: "gs-arrow",
      iconSize: [16, 16],
      iconAnchor: [8, 8],
      html: '<span class="gs-hit"><svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 14 14" ' +
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
    var badges = [];
    var numbers = { places: {}, legs: {} };
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
      group.bindPopup(function () { return popupContent("leg", i); }, popupOptions());
      group.on("click", function () { selectEvent("leg", i); });
      group.addTo(map);
      line.gsIndex = i;
      legs.push(line);
      legGroups.push(group);
      arrowLayers.push(L.layerGroup().addTo(map));
    });

    /* Popups fit the map: narrower than it, clear of the zoom control, scrolling inside. */
    function popupOptions() {
      var size = map.getSize();
      return {
        /* 66 px clears the zoom control, 34 px is the popup's own margin */
        maxWidth: Math.max(200, Math.min(340, size.x - 66 - 12 - 34)), minWidth: Math.min(240, size.x - 112),
        maxHeight: Math.max(160, Math.min(420, size.y - 110)), className: "gs-popup",
        autoPanPaddingTopLeft: [66, 12], autoPanPaddingBottomRight: [12, 28]
      };
    }

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
        var fill = colour(style.modes[modeOf(i)], "#55606a");
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

    /* Pins: one per place; `applyNumbers` gives each the numbers of the steps held there. */
    (data.places || []).forEach(function (place, i) {
      var marker = L.marker(L.GeoJSON.coordsToLatLng(place.coordinates), {
        icon: pinIcon(place, style, ""),
        keyboard: true, riseOnHover: true, zIndexOffset: ROLE_RANK[place.role] || 0
      });
      marker.bindTooltip(place.tooltip, { direction: "right", className: "gs-tip", offset: [2, 0] });
      marker.bindPopup(function () { return popupContent("place", i); }, popupOptions());
      marker.on("click", function () {
        var steps = currentSteps();
        for (var k = 1; k < steps.length; k++) {
          if (steps[k].kind === "visit" && steps[k].place === i) { selectEvent("visit", steps[k].ref); return; }
        }
      });
      marker.addTo(map);
      markers.push(marker);
    });

    /* A numbered badge at the middle of each leg: where its step happens on the map. */
    legs.forEach(function (line, i) {
      var badge = L.marker(line.getCenter(), {
        icon: L.divIcon({ className: "gs-leg-num", html: "", iconSize: [24, 24], iconAnchor: [12, 12] }),
        keyboard: false, zIndexOffset: 600
      });
      badge.on("click", function () { legGroups[i].fire("click"); go(stepOf("leg", i)); });
      badge.addTo(map);
      badges.push(badge);
    });

    function stepOf(kind, ref) {
      var steps = currentSteps();
      for (var k = 1; k < steps.length; k++) if (steps[k].kind === kind && steps[k].ref === ref) return k;
      return 0;
    }

    /* Step numbers of the current order, the one numbering used on pins, badges and popups. */
    function stepNumbers() {
      var steps = currentSteps(), places = {}, legNums = {};
      for (var k = 1; k < steps.length; k++) {
        if (steps[k].kind === "leg") legNums[steps[k].ref] = k;
        else (places[steps[k].place] = places[steps[k].place] || []).push(k);
      }
      return { places: places, legs: legNums };
    }

    function applyNumbers() {
      numbers = stepNumbers();
      api.numbers = numbers;
      markers.forEach(function (marker, i) {
        var place = data.places[i], list = numbers.places[i] || [];
        marker.setIcon(pinIcon(place, style, stepsLabel(list)));
        var node = marker.getElement();
        if (node) {
          node.setAttribute("aria-label", place.name + (list.length ? ", step " + list.join(", ") : ""));
          node.setAttribute("data-steps", list.join(" "));
        }
      });
      badges.forEach(function (badge, i) {
        var node = badge.getElement();
        if (!node) return;
        while (node.firstChild) node.removeChild(node.firstChild);
        var n = el("span", "", String(numbers.legs[i] || ""));
        n.style.background = colour(style.modes[modeOf(i)], "#55606a");
        node.appendChild(n);
        node.setAttribute("aria-label", "Step " + (numbers.legs[i] || "") + ": " + data.legs[i].title);
        node.setAttribute("data-steps", String(numbers.legs[i] || ""));
      });
      spreadPins();
    }

    /* A popup's content: the escaped HTML render.py wrote and, in edit mode, the edit controls. */
    function popupContent(kind, i) {
      var node = el("div", "gs-pop-wrap");
      node.innerHTML = kind === "leg" ? data.legs[i].popup : data.places[i].popup;  /* escaped in Python */
      /* in edit mode the controls come first: what the reader came to change, without scrolling */
      if (editing) node.insertBefore(kind === "leg" ? legEditor(i) : placeEditor(i), node.firstChild);
      return node;
    }

    /* Popups show the same numbers: filled in when they open. */
    map.on("popupopen", function (e) {
      var root = e.popup.getElement();
      /* the key folds rather than cover an open popup (checked once the popup has panned) */
      setTimeout(function () {
        var box = root && root.querySelector(".leaflet-popup-content-wrapper");
        if (legendNode && box && legendNode.open && overlaps(legendNode.getBoundingClientRect(), box.getBoundingClientRect())) {
          legendNode.removeAttribute("open");
        }
      }, 300);
      var badge = root && root.querySelector(".gs-pop-num");
      if (!badge) return;
      var list = [];
      var article = root.querySelector(".gs-pop-place");
      if (article) list = numbers.places[parseInt(article.getAttribute("data-place"), 10)] || [];
      else {
        legGroups.forEach(function (g, i) { if (g.getPopup() === e.popup) list = [numbers.legs[i]]; });
      }
      badge.textContent = stepsLabel(list);
      badge.hidden = !list.length;
    });

    /* ---------------------------------------------------------------- legibility */

    /* Pins closer than MIN_GAP px are spread on a ring around the most important one, each
       joined to where it really is by a thin leader line. Redone at every zoom. */
    var leaders = L.layerGroup().addTo(map);
    var offsets = [];

    function spreadPins() {
      leaders.clearLayers();
      var items = markers.map(function (m, i) {
        var place = data.places[i];
        return { layer: m, point: map.latLngToLayerPoint(m.getLatLng()), place: i,
          rank: (ROLE_RANK[place.role] || 0) + ((numbers.places[i] || []).length ? 1000 : 0) -
            (place.type === "area" ? 800 : 0) };
      }).concat(badges.map(function (b) {
        return { layer: b, point: map.latLngToLayerPoint(b.getLatLng()), place: -1, rank: 900 };
      }));
      var order = items.slice().sort(function (a, b) { return b.rank - a.rank; });
      var anchors = [];
      order.forEach(function (item) {
        item.dx = item.dy = 0;
        item.group = null;
        for (var k = 0; k < anchors.length; k++) {
          if (anchors[k].point.distanceTo(item.point) < MIN_GAP) { anchors[k].members.push(item); return; }
        }
        item.members = [];
        anchors.push(item);
      });
      anchors.forEach(function (anchor) {
        var n = anchor.members.length;
        if (!n) return;
        var radius = Math.max(MIN_GAP + 6, n > 1 ? (MIN_GAP + 4) / (2 * Math.sin(Math.PI / n)) : 0);
        anchor.members.forEach(function (item, k) {
          var angle = -Math.PI / 2 + 2 * Math.PI * k / Math.max(n, 3);
          item.dx = anchor.point.x + radius * Math.cos(angle) - item.point.x;
          item.dy = anchor.point.y + radius * Math.sin(angle) - item.point.y;
        });
      });
      relax(items);
      items.forEach(function (item) {
        if (!item.dx && !item.dy) return;
        var shown = map.layerPointToLatLng(L.point(item.point.x + item.dx, item.point.y + item.dy));
        L.polyline([item.layer.getLatLng(), shown], {
          color: "#39434b", weight: 1.2, opacity: 0.8, interactive: false, className: "gs-leader"
        }).addTo(leaders);
        L.circleMarker(item.layer.getLatLng(), {
          radius: 2.5, color: "#39434b", weight: 1, fillColor: "#fff", fillOpacity: 1, interactive: false
        }).addTo(leaders);
      });
      offsets = [];
      items.forEach(function (item) {
        var node = item.layer.getElement();
        var inner = node && node.firstChild;
        if (inner) inner.style.transform = item.dx || item.dy ?
          "translate(" + Math.round(item.dx) + "px," + Math.round(item.dy) + "px)" : "";
        if (item.place >= 0) offsets[item.place] = [item.dx, item.dy];
      });
      placeLabels();
    }

    /* Rings can meet other rings: push any two pins still too close apart, the less important
       one further, until none is (a few rounds suffice for a story's dozens of pins). */
    function relax(items) {
      for (var round = 0; round < 60; round++) {
        var moved = false;
        for (var a = 0; a < items.length; a++) {
          for (var b = a + 1; b < items.length; b++) {
            var p = items[a], q = items[b];
            var dx = (q.point.x + q.dx) - (p.point.x + p.dx), dy = (q.point.y + q.dy) - (p.point.y + p.dy);
            var d = Math.sqrt(dx * dx + dy * dy);
            if (d >= MIN_GAP + 1) continue;
            if (d < 0.01) { dx = Math.cos(a + b); dy = Math.sin(a + b); d = 1; }
            var push = (MIN_GAP + 2 - d), share = p.rank > q.rank ? 0.2 : (p.rank < q.rank ? 0.8 : 0.5);
            p.dx -= dx / d * push * share; p.dy -= dy / d * push * share;
            q.dx += dx / d * push * (1 - share); q.dy += dy / d * push * (1 - share);
            moved = true;
          }
        }
        if (!moved) return;
      }
    }

    /* Names on the map for the current step's places (at the overview: where the journey starts
       and ends), as text with a halo that reads without tiles. */
    var labels = L.layerGroup().addTo(map);
    var labelled = [];

    function labelPlaces(list) {
      labelled = list.filter(function (i, k) { return i >= 0 && list.indexOf(i) === k; });
      placeLabels();
    }

    function placeLabels() {
      labels.clearLayers();
      labelled.forEach(function (i) {
        var marker = markers[i], place = data.places[i];
        if (!marker) return;
        var off = offsets[i] || [0, 0];
        var icon = marker.options.icon.options.iconSize;
        var text = el("span", "", place.name);
        L.tooltip({
          permanent: true, direction: "right", interactive: false, className: "gs-label",
          offset: [Math.round(off[0] + icon[0] / 2 + 1), Math.round(off[1])]
        }).setLatLng(marker.getLatLng()).setContent(text).addTo(labels);
      });
    }

    function overviewLabels() {
      var happened = (data.steps && data.steps.happened) || [];
      var first = happened[0], last = happened[happened.length - 1];
      var list = [];
      if (first) list.push(first.kind === "leg" ? data.legs[first.ref].from : first.place);
      if (last) list.push(last.kind === "leg" ? data.legs[last.ref].to : last.place);
      return list;
    }

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
          if (step.quote) body.appendChild(el("span", "gs-step-quote", step.quote));
        }
        button.appendChild(num);
        button.appendChild(body);
        button.addEventListener("click", function () { go(i); });
        li.appendChild(button);
        list.appendChild(li);
      });
      markCurrent(false);
      applyNumbers();
      renderTimeline();
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
      Array.prototype.forEach.call(document.querySelectorAll(".gs-tl-mark"), function (m) {
        if (m.getAttribute("data-step") === String(state.step)) m.setAttribute("aria-current", "step");
        else m.removeAttribute("aria-current");
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
        if (token !== moveToken) return;
        fn();
        /* a popup opened by fn may pan the map to fit: settled only once that pan is over too */
        var finish = function () { if (token === moveToken) { clearLegend(); api.settled = true; } };
        if (map._panAnim && map._panAnim._inProgress) map.once("moveend", finish);
        else finish();  /* tests and embedders wait for this */
      }
      map.on("moveend", run);
      setTimeout(run, prefersReducedMotion() ? 30 : 1400);
    }

    /* Fitted views stay clear of the zoom control (top left), scale and attribution (bottom). */
    var FIT = { paddingTopLeft: [62, 58], paddingBottomRight: [40, 44] };

    function overviewFit() { return L.extend({ maxZoom: 7 }, FIT); }

    function flyOrSet(bounds, fit, duration) {
      if (!prefersReducedMotion()) map.flyToBounds(bounds, L.extend({ duration: duration }, fit));
      else map.fitBounds(bounds, L.extend({ animate: false }, fit));
    }

    function showStep(step, then) {
      var animate = !prefersReducedMotion();
      if (step.kind === "overview") {
        moveToken++;
        map.closePopup();
        labelPlaces(overviewLabels());
        var bounds = allBounds();
        afterMove(function () { if (then) then(); });
        if (bounds.isValid()) flyOrSet(bounds, overviewFit(), 0.8);
        return;
      }
      if (step.kind === "leg") {
        var line = legs[step.ref], group = legGroups[step.ref];
        if (!line) { api.settled = true; return; }
        map.closePopup();
        labelPlaces([data.legs[step.ref].from, data.legs[step.ref].to]);
        /* Room above the line for its popup. */
        var room = Math.round(Math.max(58, Math.min(260, map.getSize().y * 0.4)));
        var fit = L.extend({}, FIT, { paddingTopLeft: [62, room], maxZoom: LEG_ZOOM });
        afterMove(function () {
          if (!playback.playing) group.openPopup(line.getCenter());
          if (then) then();
        });
        flyOrSet(line.getBounds(), fit, 0.9);
        return;
      }
      var marker = markers[step.place];
      if (!marker) { api.settled = true; return; }
      var place = data.places[step.place];
      var zoom = Math.min(CITY_ZOOM, Math.max(Math.min(map.getZoom(), CITY_ZOOM), VISIT_ZOOM[place.type] || 9));
      map.closePopup();
      labelPlaces([step.place]);
      afterMove(function () { if (!playback.playing) marker.openPopup(); if (then) then(); });
      if (animate) map.flyTo(marker.getLatLng(), zoom, { duration: 0.9 });
      else map.setView(marker.getLatLng(), zoom, { animate: false });
    }

    function go(n, options) {
      if (playback.playing && !(options && options.playing)) pause();  /* the reader took over */
      var steps = currentSteps();
      var i = Math.max(0, Math.min(steps.length - 1, parseInt(n, 10) || 0));
      state.step = i;
      api.settled = false;
      markCurrent(!(options && options.initial));
      showStep(steps[i], options && options.then);
      showDate(steps[i]);
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

    /* ---------------------------------------------------------------- playback */

    /* Play walks the steps in the order they happened: the map follows, each leg is drawn
       along its line, later legs wait faded. Off under prefers-reduced-motion. */
    var playback = { playing: false, speed: 1, timer: null, frame: null, drawing: null };
    var playButton = document.querySelector(".gs-play");
    var dateBadge = el("div", "gs-date");
    dateBadge.hidden = true;
    dateBadge.setAttribute("aria-hidden", "true");
    map.getContainer().appendChild(dateBadge);
    if (playButton && (prefersReducedMotion() || !(data.steps && (data.steps.happened || []).length))) {
      playButton.hidden = true;
    }

    /* The date of the step being played, while playing (a popup has it otherwise). */
    function showDate(step) {
      var text = playback.playing && step && step.kind !== "overview" ? step.when : "";
      dateBadge.textContent = text || "";
      dateBadge.hidden = !text;
    }

    function legLayers(i) { return [legGroups[i].getLayers()[0], legs[i]]; }

    function fadeAhead(k) {
      legs.forEach(function (line, i) {
        var ahead = playback.playing && stepOf("leg", i) > k;
        legLayers(i).forEach(function (layer, j) { layer.setStyle({ opacity: ahead ? 0.12 : (j ? 0.95 : 0.85) }); });
      });
    }

    function finishDrawing() {
      var d = playback.drawing;
      if (!d) return;
      cancelAnimationFrame(playback.frame);
      legLayers(d.i).forEach(function (layer) { layer.setLatLngs(d.full); });
      arrowLayers[d.i].addTo(map);
      playback.drawing = null;
    }

    function drawLeg(i, done) {
      var full = legs[i].getLatLngs();
      if (!full.length || !(full[0] instanceof L.LatLng)) { done(); return; }  /* multi-part line */
      var cum = [0];
      for (var k = 1; k < full.length; k++) {
        cum.push(cum[k - 1] + map.latLngToLayerPoint(full[k]).distanceTo(map.latLngToLayerPoint(full[k - 1])));
      }
      var total = cum[cum.length - 1] || 1;
      var duration = Math.max(900, Math.min(2600, total * 4)) / playback.speed;
      var t0 = null;
      playback.drawing = { i: i, full: full };
      map.removeLayer(arrowLayers[i]);
      legLayers(i).forEach(function (layer) { layer.setStyle({ opacity: 0.95 }); });
      function frame(t) {
        if (t0 === null) t0 = t;
        var at = total * Math.min(1, (t - t0) / duration), n = 1;
        while (n < cum.length - 1 && cum[n] < at) n++;
        var f = Math.min(1, (at - cum[n - 1]) / ((cum[n] - cum[n - 1]) || 1));
        var a = full[n - 1], b = full[n];
        var part = full.slice(0, n).concat([L.latLng(a.lat + (b.lat - a.lat) * f, a.lng + (b.lng - a.lng) * f)]);
        legLayers(i).forEach(function (layer) { layer.setLatLngs(part); });
        if (at < total) playback.frame = requestAnimationFrame(frame);
        else { finishDrawing(); done(); }
      }
      playback.frame = requestAnimationFrame(frame);
    }

    function setPlaying(on) {
      playback.playing = on;
      document.body.classList.toggle("gs-playing", on);
      if (!playButton) return;
      playButton.setAttribute("aria-pressed", on ? "true" : "false");
      playButton.setAttribute("aria-label", on ? "Pause the journey" : "Play the journey");
      playButton.lastChild.textContent = on ? "Pause" : "Play";
    }

    function advance() {
      if (!playback.playing) return;
      var steps = currentSteps(), k = state.step + 1;
      if (k >= steps.length) {
        setPlaying(false);
        fadeAhead(k);
        if (live) live.textContent = "End of the journey. " + stepLabel(steps[k - 1], k - 1, steps.length);
        return;
      }
      var step = steps[k];
      fadeAhead(k);
      go(k, { playing: true, then: function () {
        if (!playback.playing) return;
        var dwell = function () { playback.timer = setTimeout(advance, 1500 / playback.speed); };
        if (step.kind === "leg") drawLeg(step.ref, dwell); else dwell();
      } });
    }

    function play() {
      if (prefersReducedMotion() || playback.playing) return;
      if (state.order !== "happened") setOrder("happened");
      if (state.step >= currentSteps().length - 1) state.step = 0;
      setPlaying(true);
      advance();
    }

    function pause() {
      clearTimeout(playback.timer);
      finishDrawing();
      setPlaying(false);
      fadeAhead(0);
    }

    if (playButton) playButton.addEventListener("click", function () { if (playback.playing) pause(); else play(); });

    /* ---------------------------------------------------------------- timeline */

    /* Dated legs (upper lane) and visits (lower lane) on one time axis; a click steps there. */
    var timeline = document.querySelector(".gs-timeline");

    function renderTimeline() {
      if (!timeline) return;
      var steps = currentSteps(), dated = [];
      steps.forEach(function (step, k) { if (k && step.start) dated.push(k); });
      while (timeline.firstChild) timeline.removeChild(timeline.firstChild);
      timeline.hidden = !dated.length;
      if (!dated.length) return;
      var day = 864e5, t = function (iso) { return Date.parse(iso + "T00:00:00Z"); };
      var lo = Math.min.apply(null, dated.map(function (k) { return t(steps[k].start); }));
      var hi = Math.max.apply(null, dated.map(function (k) { return t(steps[k].end || steps[k].start) + day; }));
      var track = el("div", "gs-tl-track");
      dated.forEach(function (k) {
        var step = steps[k], from = t(step.start), to = t(step.end || step.start) + day;
        var mark = el("button", "gs-tl-mark gs-tl-" + step.kind);
        mark.type = "button";
        mark.setAttribute("data-step", String(k));
        mark.setAttribute("aria-label", "Step " + k + ": " + step.title + ", " + step.when);
        mark.title = k + ". " + step.title;
        mark.style.setProperty("--at", (100 * (from - lo) / (hi - lo)).toFixed(2) + "%");
        mark.style.width = (100 * (to - from) / (hi - lo)).toFixed(2) + "%";
        if (step.kind === "leg") mark.style.background = colour(style.modes[step.mode], "#55606a");
        mark.appendChild(el("span", "", String(k)));
        mark.addEventListener("click", function () { go(k); });
        track.appendChild(mark);
      });
      var axis = el("div", "gs-tl-axis");
      axis.appendChild(el("span", "", new Date(lo).toISOString().slice(0, 10)));
      axis.appendChild(el("span", "", new Date(hi - day).toISOString().slice(0, 10)));
      timeline.appendChild(track);
      timeline.appendChild(axis);
    }

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
      if (key === " " && tag !== "button" && tag !== "a" && playButton && !playButton.hidden) {
        if (playback.playing) pause(); else play();
        e.preventDefault();
        return;
      }
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

    /* The key as a map control, folded on small screens; it never covers a pin: it moves to
       a free corner, else folds. Checked after every move. */
    var legendNode = document.getElementById("gs-legend");
    var legend = null;
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
      legend = new Legend().addTo(map);
      if (window.matchMedia && window.matchMedia("(max-width: 720px)").matches) legendNode.removeAttribute("open");
      legendNode.addEventListener("toggle", function () { clearLegend(); });
    }

    function pinBoxes() {
      var frame = map.getContainer().getBoundingClientRect();
      var nodes = map.getContainer().querySelectorAll(".gs-pin svg, .gs-leg-num span");
      return Array.prototype.map.call(nodes, function (n) { return n.getBoundingClientRect(); })
        .filter(function (box) { return box.width && overlaps(box, frame); });
    }

    function overlaps(a, b) {
      return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    }

    function legendCovers() {
      var box = legendNode.getBoundingClientRect();
      return pinBoxes().some(function (pin) { return overlaps(box, pin); });
    }

    function clearLegend() {
      if (!legend || !legendCovers()) return;
      var corners = ["bottomleft", "topright", "bottomright"];
      for (var k = 0; k < corners.length; k++) {
        legend.setPosition(corners[k]);
        if (!legendCovers()) return;
      }
      legendNode.removeAttribute("open");
      for (k = 0; k < corners.length; k++) {
        legend.setPosition(corners[k]);
        if (!legendCovers()) return;
      }
    }

    /* Also mentioned: places with no journey or event, one click away. */
    var also = document.querySelector(".gs-also"), alsoList = document.querySelector(".gs-also-list");
    if (also && alsoList && data.mentioned && data.mentioned.length) {
      data.mentioned.forEach(function (i) {
        var place = data.places[i];
        var li = el("li");
        var b = el("button", "gs-also-btn");
        b.type = "button";
        b.appendChild(el("span", "gs-also-dot"));  /* mentioned only: no step number */
        b.appendChild(el("span", "", place.name));
        b.addEventListener("click", function () {
          var zoom = Math.min(CITY_ZOOM, VISIT_ZOOM[place.type] || 7);
          labelPlaces([i]);
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


    /* ---------------------------------------------------------------- fix and rebuild */

    /* Edit mode: drag a pin, pick another reading ("Did you mean ...?"), remove a place or a
       journey, change a journey's mode; then download the edits as the files `geostory build
       --places FILE --legs FILE` reads. Text from the story reaches the page by textContent and
       the files through one CSV writer that quotes and defuses spreadsheet formulas. */
    var editing = false;
    var edits = { places: {}, legs: {} };
    var editToggle = document.querySelector(".gs-edit-toggle");
    var editBar = document.querySelector(".gs-edit-bar");
    var editCount = document.querySelector(".gs-edit-count");
    var downloadButton = document.querySelector(".gs-edit-download");
    var resetButton = document.querySelector(".gs-edit-reset");
    var MODE_NAMES = ["rail", "air", "road", "sea", "unknown"];
    var MODE_WORDS = { rail: "Rail", air: "Air", road: "Road", sea: "Sea", unknown: "Not known" };

    function modeOf(i) {
      var e = edits.legs[i];
      return e && e.mode ? e.mode : data.legs[i].mode;
    }

    function wrapLng(lng) {
      var x = ((lng + 180) % 360 + 360) % 360 - 180;
      return Math.round(x * 1e6) / 1e6;
    }

    function setEditing(on) {
      editing = !!on;
      map.closePopup();
      document.body.classList.toggle("gs-editing", editing);
      if (editToggle) {
        editToggle.setAttribute("aria-pressed", editing ? "true" : "false");
        editToggle.textContent = editing ? "Done fixing" : "Fix the map";
      }
      if (editBar) editBar.hidden = !editing;
      markers.forEach(function (m, i) {
        if (!m.dragging) return;
        if (editing && !(edits.places[i] && edits.places[i].kind === "drop")) m.dragging.enable();
        else m.dragging.disable();
      });
      if (live) live.textContent = editing ? "Edit mode: drag pins, open a pin or a line to change it" : "Edit mode off";
    }

    function button(text, className, onClick) {
      var b = el("button", className, text);
      b.type = "button";
      b.addEventListener("click", function (e) { L.DomEvent.stop(e); onClick(); });
      return b;
    }

    function placeEditor(i) {
      var place = data.places[i], edit = edits.places[i];
      var box = el("div", "gs-editor");
      box.appendChild(el("h3", "", "Fix this place"));
      (place.alternatives || []).forEach(function (alt, k) {
        var chosen = edit && edit.kind === "alt" && edit.alt === k;
        var b = button((chosen ? "\u2713 " : "Did you mean ") + alt.label + "?", "gs-edit-alt", function () {
          setPlaceEdit(i, chosen ? null : { kind: "alt", alt: k });
        });
        b.setAttribute("data-alt", String(k));
        box.appendChild(b);
      });
      if (edit && edit.kind === "drop") {
        box.appendChild(button("Put it back on the map", "gs-edit-undo", function () { setPlaceEdit(i, null); }));
      } else {
        box.appendChild(button("Remove from the map", "gs-edit-drop", function () { setPlaceEdit(i, { kind: "drop" }); }));
        if (edit) box.appendChild(button("Undo my change", "gs-edit-undo", function () { setPlaceEdit(i, null); }));
      }
      box.appendChild(el("p", "gs-edit-hint", "Or drag the pin to where it belongs."));
      return box;
    }

    function legEditor(i) {
      var edit = edits.legs[i] || {};
      var box = el("div", "gs-editor");
      box.appendChild(el("h3", "", "Fix this journey"));
      var label = el("label", "gs-edit-mode-label", "Travelled by ");
      var select = el("select", "gs-edit-mode");
      MODE_NAMES.forEach(function (m) {
        var option = el("option", "", MODE_WORDS[m]);
        option.value = m;
        if (m === modeOf(i)) option.selected = true;
        select.appendChild(option);
      });
      select.addEventListener("change", function () { setLegEdit(i, { drop: !!edit.drop, mode: select.value }); });
      label.appendChild(select);
      box.appendChild(label);
      box.appendChild(edit.drop ?
        button("Put the journey back", "gs-edit-undo", function () { setLegEdit(i, { drop: false, mode: edit.mode }); }) :
        button("Remove this journey", "gs-edit-drop", function () { setLegEdit(i, { drop: true, mode: edit.mode }); }));
      return box;
    }

    function setPlaceEdit(i, edit) {
      var place = data.places[i], marker = markers[i];
      map.closePopup();  /* first: an open popup would pan the map after its moved pin */
      if (edit) edits.places[i] = edit; else delete edits.places[i];
      var at = place.coordinates;
      if (edit && edit.kind === "alt") at = place.alternatives[edit.alt].coordinates;
      if (edit && edit.kind === "move") at = edit.shown;
      marker.setLatLng(L.GeoJSON.coordsToLatLng(at));
      var node = marker.getElement();
      if (node) node.classList.toggle("gs-dropped", !!(edit && edit.kind === "drop"));
      if (marker.dragging) {
        if (editing && !(edit && edit.kind === "drop")) marker.dragging.enable(); else marker.dragging.disable();
      }
      spreadPins();
      editsChanged();
    }

    function setLegEdit(i, edit) {
      var keep = edit.drop || (edit.mode && edit.mode !== data.legs[i].mode);
      if (keep) edits.legs[i] = { drop: !!edit.drop, mode: edit.mode && edit.mode !== data.legs[i].mode ? edit.mode : null };
      else delete edits.legs[i];
      var stroke = colour(style.modes[modeOf(i)], "#55606a"), dropped = !!(edits.legs[i] && edits.legs[i].drop);
      legs[i].setStyle({ color: stroke, opacity: dropped ? 0.2 : 0.95 });
      legGroups[i].getLayers()[0].setStyle({ opacity: dropped ? 0.2 : 0.85 });
      var path = legs[i].getElement && legs[i].getElement();
      if (path) path.classList.toggle("gs-dropped", dropped);
      map.closePopup();
      applyNumbers();
      placeArrows();
      editsChanged();
    }

    function editsChanged() {
      var n = Object.keys(edits.places).length + Object.keys(edits.legs).length;
      if (editCount) editCount.textContent = n ? n + (n === 1 ? " edit" : " edits") + " to download" : "No edits yet";
      if (downloadButton) downloadButton.disabled = !n;
      if (resetButton) resetButton.disabled = !n;
      api.edits = edits;
    }

    markers.forEach(function (marker, i) {
      marker.on("dragend", function () {
        var ll = marker.getLatLng(), place = data.places[i];
        edits.places[i] = { kind: "move", shown: [ll.lng, ll.lat] };
        map.closePopup();
        spreadPins();
        editsChanged();
        if (live) live.textContent = place.name + " moved";
      });
    });

    /* One CSV cell: quoted when it holds a comma, quote, line break or edge space; text that a
       spreadsheet would run as a formula (= + - @, tab, CR first) gets a leading apostrophe.
       Numbers geostory wrote itself are left as numbers. */
    function csvCell(value, numeric) {
      var text = value === null || value === undefined ? "" : String(value);
      if (!numeric && /^[=+\-@\t\r]/.test(text)) text = "'" + text;
      if (/[",\r\n]/.test(text) || /^\s|\s$/.test(text)) text = '"' + text.replace(/"/g, '""') + '"';
      return text;
    }

    function csvRow(cells) {
      return cells.map(function (c) { return csvCell(c.v, c.n); }).join(",") + "\n";
    }

    function num(x) { return { v: (Math.round(x * 1e6) / 1e6).toFixed(6).replace(/\.?0+$/, ""), n: true }; }
    function txt(x) { return { v: x, n: false }; }

    /* The place edits as an overrides file: one row per spelling the article uses. */
    function placesCsv() {
      var out = csvRow(["name", "latitude", "longitude", "exclude", "place_type", "display_name"].map(txt));
      Object.keys(edits.places).map(Number).sort(function (a, b) { return a - b; }).forEach(function (i) {
        var place = data.places[i], edit = edits.places[i];
        (place.spellings && place.spellings.length ? place.spellings : [place.name]).forEach(function (name) {
          if (edit.kind === "drop") {
            out += csvRow([txt(name), txt(""), txt(""), txt("true"), txt(""), txt("")]);
            return;
          }
          var at = edit.kind === "alt" ? place.alternatives[edit.alt].coordinates : edit.shown;
          var type = edit.kind === "alt" ? place.alternatives[edit.alt].place_type : place.place_type;
          var label = edit.kind === "alt" ? place.alternatives[edit.alt].name : place.name;
          out += csvRow([txt(name), num(at[1]), num(wrapLng(at[0])), txt(""), txt(type), txt(label)]);
        });
      });
      return out;
    }

    /* The leg edits as a legs file; journeys of a removed place go with it. */
    function legsCsv() {
      var out = csvRow(["origin", "destination", "occurrence", "drop", "mode"].map(txt));
      Object.keys(edits.legs).map(Number).sort(function (a, b) { return a - b; }).forEach(function (i) {
        var leg = data.legs[i], edit = edits.legs[i];
        var gone = [leg.from, leg.to].some(function (p) { return edits.places[p] && edits.places[p].kind === "drop"; });
        if (gone) return;
        var same = data.legs.filter(function (l) { return l.from === leg.from && l.to === leg.to; }).length;
        var name = function (p) { var pl = data.places[p]; return (pl.spellings && pl.spellings[0]) || pl.name; };
        out += csvRow([txt(name(leg.from)), txt(name(leg.to)), txt(same > 1 ? String(leg.occurrence) : ""),
          txt(edit.drop ? "true" : ""), txt(edit.drop ? "" : (edit.mode || ""))]);
      });
      return out;
    }

    function download(name, text) {
      var blob = new Blob(["\ufeff" + text], { type: "text/csv;charset=utf-8" });
      var url = URL.createObjectURL(blob);
      var a = el("a");
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    }

    function downloadEdits() {
      var legsText = legsCsv(), placesText = placesCsv();
      if (Object.keys(edits.places).length) download("places.csv", placesText);
      if (legsText.split("\n").length > 2) setTimeout(function () { download("legs.csv", legsText); }, 50);
    }

    if (editToggle) editToggle.addEventListener("click", function () { setEditing(!editing); });
    if (downloadButton) downloadButton.addEventListener("click", downloadEdits);
    if (resetButton) {
      resetButton.addEventListener("click", function () {
        Object.keys(edits.places).forEach(function (i) { setPlaceEdit(Number(i), null); });
        Object.keys(edits.legs).forEach(function (i) { setLegEdit(Number(i), { drop: false, mode: null }); });
      });
    }
    api.edits = edits;
    api.setEditing = setEditing;
    api.placesCsv = placesCsv;
    api.legsCsv = legsCsv;
    api.csvCell = csvCell;

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
    spreadPins();
    map.on("zoomend viewreset", function () { placeArrows(); spreadPins(); });
    map.on("moveend", clearLegend);
    api.settled = true;
    if (start.step) go(start.step, { initial: true });
    else { markCurrent(false); labelPlaces(overviewLabels()); }
    clearLegend();

    api.map = map;
    api.data = data;
    api.markers = markers;
    api.legs = legs;
    api.legGroups = legGroups;
    api.badges = badges;
    api.play = play;
    api.pause = pause;
    api.playback = playback;
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
