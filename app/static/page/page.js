/* Drawdown's explorer page: a timeline and a map of the events, filters mirrored in the page URL, and an event
   panel with the evidence highlighted in each article's text. It uses the public API only, with relative URLs
   (events, bases, articles), and loads nothing from another host. No build step: plain script, run as written. */
(function () {
  "use strict";

  var FILTERS = ["date_from", "date_to", "forces_of", "country", "actor", "base", "q"];
  var LIMIT = 500; // the API's largest page: the most reported events of a query are drawn
  // Okabe-Ito and Tableau hues, distinguishable with the common colour-vision deficiencies; grey is "other".
  var PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#F0E442", "#7F3C8D"];
  var OTHER = "#9a9a9a";
  var DAY = 86400000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var SVG = "http://www.w3.org/2000/svg";
  var script = document.currentScript;

  var state = {
    filters: {},
    events: [], // the drawn events: {id, title, date (ms or null), day, forces, articles, point}
    total: 0,
    bases: [],
    colours: new Map(),
    request: 0,
    loads: 0,
    open: null,
    timeline: { domain: null, view: null, focus: -1, dated: [] },
    map: { projection: null, k: 1, x: 0, y: 0, ready: false },
  };

  function $(id) { return document.getElementById(id); }

  function node(tag, attrs, text) {
    var svg = ["svg", "g", "circle", "rect", "line", "path", "text"].indexOf(tag) >= 0;
    var element = svg ? document.createElementNS(SVG, tag) : document.createElement(tag);
    for (var name in attrs || {}) {
      if (attrs[name] !== null && attrs[name] !== undefined) element.setAttribute(name, attrs[name]);
    }
    if (text !== undefined && text !== null) element.textContent = text;
    return element;
  }

  function clear(element) { while (element.firstChild) element.removeChild(element.firstChild); }

  // --- the query ------------------------------------------------------------------------------------------

  function query(filters, extra) {
    var params = new URLSearchParams();
    FILTERS.forEach(function (name) { if (filters[name]) params.set(name, filters[name]); });
    for (var name in extra || {}) params.set(name, extra[name]);
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function readForm() {
    var filters = {};
    FILTERS.forEach(function (name) {
      var value = $("f-" + name).value.trim();
      if (value) filters[name] = value;
    });
    return filters;
  }

  function fillForm(filters) {
    FILTERS.forEach(function (name) { $("f-" + name).value = filters[name] || ""; });
  }

  function fromLocation() {
    var params = new URLSearchParams(location.search);
    var filters = {};
    FILTERS.forEach(function (name) { if (params.get(name)) filters[name] = params.get(name); });
    var event = parseInt(params.get("event"), 10);
    return { filters: filters, event: event > 0 ? event : null };
  }

  function pageUrl() {
    var extra = state.open ? { event: state.open } : {};
    return location.pathname + query(state.filters, extra);
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: url.indexOf("format=geojson") >= 0 ? "application/geo+json" : "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (body) {
          if (!response.ok) {
            var message = body && body.error ? body.error.message : "HTTP " + response.status;
            throw new Error(message);
          }
          return body;
        });
      });
  }

  // --- loading --------------------------------------------------------------------------------------------

  function showQuery() {
    var api = "events" + query(state.filters);
    $("api-url").href = api;
    $("api-url").firstChild.textContent = "/" + api;
    $("csv-url").href = "events" + query(state.filters, { format: "csv" });
    $("geojson-url").href = "events" + query(state.filters, { format: "geojson" });
  }

  function fetchEvents() {
    return Promise.all([
      getJSON("events" + query(state.filters, { sort: "-articles", limit: LIMIT, format: "geojson" })),
      getJSON("events" + query(state.filters, { limit: 1 })),
    ]);
  }

  function load() {
    var request = ++state.request;
    showQuery();
    setStatus("Loading events…");
    return fetchEvents().then(function (answers) { render(request, answers); }, function (error) { fail(request, error); });
  }

  function render(request, answers) {
    if (request !== state.request) return; // a later query answered, or will
    state.events = answers[0].features.map(function (feature) {
      var p = feature.properties;
      return {
        id: p.id, title: p.title, day: p.date, date: p.date ? Date.parse(p.date) : null,
        precision: p.date_precision, forces: p.forces_of || "unknown", country: p.country,
        articles: p.article_count, base: p.base,
        point: feature.geometry ? feature.geometry.coordinates : null,
      };
    });
    state.total = answers[1].total;
    assignColours();
    fillLists();
    resetTimeline();
    drawTimeline();
    legend();
    drawMapEvents();
    fitMap();
    drawList();
    describe();
    finished();
  }

  function fail(request, error) {
    if (request !== state.request) return;
    state.events = [];
    resetTimeline();
    drawTimeline();
    drawMapEvents();
    drawList();
    setStatus("The API refused this query: " + error.message, true);
    finished();
  }

  function finished() {
    state.loads += 1;
    document.documentElement.setAttribute("data-loads", String(state.loads));
    performance.mark("drawdown:drawn");
    if (state.loads === 1) {
      performance.mark("drawdown:interactive");
      document.documentElement.setAttribute("data-state", "interactive");
    } else if (performance.getEntriesByName("drawdown:filter").length) {
      performance.measure("drawdown:redraw", "drawdown:filter", "drawdown:drawn");
    }
  }

  function setStatus(text, error) {
    var status = $("status");
    status.textContent = text;
    status.className = error ? "error" : "";
  }

  function describe() {
    var n = state.events.length;
    var undated = state.events.filter(function (e) { return e.date === null; }).length;
    var unplaced = state.events.filter(function (e) { return !e.point; }).length;
    var text = state.total === n
      ? n + (n === 1 ? " event" : " events") + " match."
      : "The " + n + " most reported of " + state.total.toLocaleString("en") + " matching events are shown; narrow the filters to see the others.";
    if (undated) text += " " + undated + " undated (not on the timeline).";
    if (unplaced) text += " " + unplaced + " not placed at a base (not on the map).";
    setStatus(text);
  }

  function assignColours() {
    var counts = new Map();
    state.events.forEach(function (e) { counts.set(e.forces, (counts.get(e.forces) || 0) + 1); });
    var used = new Set(state.colours.values());
    Array.from(counts.keys()).sort(function (a, b) { return counts.get(b) - counts.get(a); }).forEach(function (forces) {
      if (state.colours.has(forces) || forces === "unknown") return;
      var free = PALETTE.filter(function (c) { return !used.has(c); })[0];
      if (free) { state.colours.set(forces, free); used.add(free); }
    });
  }

  function colour(forces) { return state.colours.get(forces) || OTHER; }

  function fillLists() {
    function fill(id, values) {
      var list = $(id);
      clear(list);
      Array.from(new Set(values)).filter(Boolean).sort().forEach(function (v) { list.appendChild(node("option", { value: v })); });
    }
    fill("l-forces", state.events.map(function (e) { return e.forces; }).concat(Array.from(state.colours.keys())));
    fill("l-countries", state.events.map(function (e) { return e.country; }));
    fill("l-bases", state.bases.map(function (b) { return b.name; }));
  }

  // --- the tooltip ----------------------------------------------------------------------------------------

  function label(e) {
    return e.title + " (" + (e.day ? formatDay(e.day, e.precision) : "undated") + "; " + e.articles + (e.articles === 1 ? " article)" : " articles)");
  }

  function formatDay(day, precision) {
    var parts = day.split("-");
    var month = MONTHS[parseInt(parts[1], 10) - 1];
    if (precision === "year") return parts[0];
    if (precision === "month") return month + " " + parts[0];
    return parseInt(parts[2], 10) + " " + month + " " + parts[0];
  }

  function showTooltip(text, x, y) {
    var tip = $("tooltip");
    tip.textContent = text;
    tip.hidden = false;
    var left = Math.min(x + 12, window.innerWidth - tip.offsetWidth - 8);
    tip.style.left = Math.max(4, left) + "px";
    tip.style.top = Math.max(4, y - tip.offsetHeight - 10) + "px";
  }

  function hideTooltip() { $("tooltip").hidden = true; }

  function hover(element, text) {
    element.addEventListener("mouseenter", function (ev) { showTooltip(text, ev.clientX, ev.clientY); });
    element.addEventListener("mousemove", function (ev) { showTooltip(text, ev.clientX, ev.clientY); });
    element.addEventListener("mouseleave", hideTooltip);
  }

  // --- the timeline ---------------------------------------------------------------------------------------

  var MARGIN = { left: 96, right: 12, top: 8, bottom: 26 };
  var MIN_SPAN = 2 * DAY;
  var MAX_SPAN = 80 * 365.25 * DAY;

  function resetTimeline() {
    var t = state.timeline;
    t.dated = state.events.filter(function (e) { return e.date !== null; })
      .sort(function (a, b) { return a.date - b.date || a.id - b.id; });
    var lo = state.filters.date_from ? Date.parse(state.filters.date_from) : null;
    var hi = state.filters.date_to ? Date.parse(state.filters.date_to) : null;
    if (t.dated.length) {
      if (lo === null || isNaN(lo)) lo = t.dated[0].date;
      if (hi === null || isNaN(hi)) hi = t.dated[t.dated.length - 1].date;
    }
    if (lo === null || isNaN(lo) || hi === null || isNaN(hi) || hi < lo) {
      hi = Date.now();
      lo = hi - 10 * 365.25 * DAY;
    }
    var span = Math.max(hi - lo, 30 * DAY);
    var middle = (lo + hi) / 2;
    t.domain = [middle - span * 0.53, middle + span * 0.53];
    t.view = t.domain.slice();
    t.focus = -1;
    t.lanes = lanes();
  }

  function lanes() {
    var counts = new Map();
    state.timeline.dated.forEach(function (e) { counts.set(e.forces, (counts.get(e.forces) || 0) + 1); });
    var named = Array.from(counts.keys()).filter(function (f) { return state.colours.has(f); })
      .sort(function (a, b) { return counts.get(b) - counts.get(a); });
    var others = Array.from(counts.keys()).some(function (f) { return !state.colours.has(f); });
    return others ? named.concat(["other"]) : named;
  }

  function laneOf(e) {
    var i = state.timeline.lanes.indexOf(e.forces);
    return i >= 0 ? i : state.timeline.lanes.length - 1;
  }

  function size(svg) {
    var box = svg.getBoundingClientRect();
    return { w: Math.max(box.width, 200), h: Math.max(box.height, 120) };
  }

  function ticks(lo, hi, width) {
    var span = hi - lo;
    var wanted = Math.max(2, Math.floor(width / 95));
    var steps = [[1, "day"], [2, "day"], [7, "day"], [14, "day"], [1, "month"], [3, "month"], [6, "month"],
      [1, "year"], [2, "year"], [5, "year"], [10, "year"], [20, "year"]];
    var step = steps[steps.length - 1];
    for (var i = 0; i < steps.length; i++) {
      var approx = steps[i][0] * (steps[i][1] === "day" ? DAY : steps[i][1] === "month" ? 30.44 * DAY : 365.25 * DAY);
      if (span / approx <= wanted) { step = steps[i]; break; }
    }
    var d = new Date(lo);
    var t;
    if (step[1] === "day") t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    else if (step[1] === "month") t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (d.getUTCMonth() % step[0]), 1);
    else t = Date.UTC(d.getUTCFullYear() - (d.getUTCFullYear() % step[0]), 0, 1);
    var out = [];
    while (t <= hi && out.length < 200) {
      if (t >= lo) out.push([t, tickLabel(t, step[1])]);
      var n = new Date(t);
      if (step[1] === "day") t += step[0] * DAY;
      else if (step[1] === "month") t = Date.UTC(n.getUTCFullYear(), n.getUTCMonth() + step[0], 1);
      else t = Date.UTC(n.getUTCFullYear() + step[0], 0, 1);
    }
    return out;
  }

  function tickLabel(t, unit) {
    var d = new Date(t);
    if (unit === "year") return String(d.getUTCFullYear());
    if (unit === "month") return MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
    return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }

  function jitter(id) { // a stable offset in [-1, 1], so that events of one day and lane do not hide each other
    var x = Math.sin(id * 12.9898) * 43758.5453;
    return (x - Math.floor(x)) * 2 - 1;
  }

  function drawTimeline() {
    var svg = $("timeline");
    var t = state.timeline;
    var dims = size(svg);
    svg.setAttribute("viewBox", "0 0 " + dims.w + " " + dims.h);
    clear(svg);
    if (!t.view) return;
    var x0 = MARGIN.left, x1 = dims.w - MARGIN.right, y0 = MARGIN.top, y1 = dims.h - MARGIN.bottom;
    var scale = (x1 - x0) / (t.view[1] - t.view[0]);
    var xOf = function (ms) { return x0 + (ms - t.view[0]) * scale; };
    var axis = node("g", { class: "axis", "aria-hidden": "true" });
    axis.appendChild(node("line", { x1: x0, x2: x1, y1: y1, y2: y1 }));
    ticks(t.view[0], t.view[1], x1 - x0).forEach(function (tick) {
      var x = xOf(tick[0]);
      axis.appendChild(node("line", { class: "grid", x1: x, x2: x, y1: y0, y2: y1 }));
      axis.appendChild(node("text", { x: x, y: y1 + 16, "text-anchor": "middle" }, tick[1]));
    });
    svg.appendChild(axis);
    var laneCount = Math.max(t.lanes.length, 1);
    var laneHeight = (y1 - y0) / laneCount;
    var labels = node("g", { "aria-hidden": "true" });
    t.lanes.forEach(function (lane, i) {
      labels.appendChild(node("text", { class: "lane-label", x: 6, y: y0 + laneHeight * (i + 0.5) + 4 }, lane === "other" ? "Other forces" : lane));
    });
    svg.appendChild(labels);
    var dots = node("g", { class: "events" });
    var visible = 0;
    t.dated.forEach(function (e, i) {
      if (e.date < t.view[0] || e.date > t.view[1]) return;
      visible += 1;
      var r = Math.min(3 + 2.2 * Math.sqrt(e.articles), 16);
      var y = y0 + laneHeight * (laneOf(e) + 0.5) + jitter(e.id) * Math.min(Math.max(laneHeight / 2 - r, 0), 40);
      var dot = node("circle", {
        id: "tl-event-" + e.id, class: "event" + (i === t.focus ? " active" : ""), cx: xOf(e.date).toFixed(1),
        cy: y.toFixed(1), r: r.toFixed(1), fill: colour(e.forces), "data-id": e.id, "data-date": e.day,
        role: "button", "aria-label": label(e),
      });
      hover(dot, label(e));
      dot.addEventListener("click", function () { t.focus = i; openEvent(e.id, true); });
      dots.appendChild(dot);
    });
    svg.appendChild(dots);
    svg.setAttribute("aria-label", "Events by date: " + visible + " in view, " + tickLabel(t.view[0], "day") + " to " + tickLabel(t.view[1], "day"));
    if (t.focus >= 0 && $("tl-event-" + t.dated[t.focus].id)) svg.setAttribute("aria-activedescendant", "tl-event-" + t.dated[t.focus].id);
    else svg.removeAttribute("aria-activedescendant");
  }

  function zoomTimeline(factor, centre) {
    var t = state.timeline;
    if (!t.view) return;
    if (!factor) { t.view = t.domain.slice(); return redrawTimeline(); }
    var span = t.view[1] - t.view[0];
    var next = Math.min(Math.max(span / factor, MIN_SPAN), MAX_SPAN);
    var c = centre === undefined ? (t.view[0] + t.view[1]) / 2 : centre;
    var ratio = (c - t.view[0]) / span;
    t.view = [c - next * ratio, c + next * (1 - ratio)];
    redrawTimeline();
  }

  function panTimeline(ms) {
    var t = state.timeline;
    t.view = [t.view[0] + ms, t.view[1] + ms];
    redrawTimeline();
  }

  var pending = false;
  function redrawTimeline() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; drawTimeline(); });
  }

  function timelineTime(svg, clientX) {
    var t = state.timeline;
    var box = svg.getBoundingClientRect();
    var x0 = MARGIN.left, x1 = box.width - MARGIN.right;
    return t.view[0] + ((clientX - box.left - x0) / (x1 - x0)) * (t.view[1] - t.view[0]);
  }

  function focusEvent(i) {
    var t = state.timeline;
    if (!t.dated.length) return;
    t.focus = Math.max(0, Math.min(i, t.dated.length - 1));
    var e = t.dated[t.focus];
    var span = t.view[1] - t.view[0];
    if (e.date < t.view[0] || e.date > t.view[1]) t.view = [e.date - span / 2, e.date + span / 2];
    drawTimeline();
    var dot = $("tl-event-" + e.id);
    if (dot) {
      var box = dot.getBoundingClientRect();
      showTooltip(label(e), box.left + box.width / 2, box.top);
    }
  }

  function setUpTimeline() {
    var svg = $("timeline");
    svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      zoomTimeline(ev.deltaY < 0 ? 1.25 : 0.8, timelineTime(svg, ev.clientX));
    }, { passive: false });
    drag(svg, function (dx) {
      var t = state.timeline;
      var width = svg.getBoundingClientRect().width - MARGIN.left - MARGIN.right;
      panTimeline(-dx / width * (t.view[1] - t.view[0]));
    });
    svg.addEventListener("keydown", function (ev) {
      var t = state.timeline;
      if (!t.view) return;
      var span = t.view[1] - t.view[0];
      if (ev.key === "+" || ev.key === "=") zoomTimeline(2);
      else if (ev.key === "-" || ev.key === "_") zoomTimeline(0.5);
      else if (ev.key === "0") zoomTimeline(0);
      else if (ev.key === "ArrowLeft" && ev.shiftKey) panTimeline(-span / 5);
      else if (ev.key === "ArrowRight" && ev.shiftKey) panTimeline(span / 5);
      else if (ev.key === "ArrowLeft") focusEvent(t.focus < 0 ? firstInView(true) : t.focus - 1);
      else if (ev.key === "ArrowRight") focusEvent(t.focus < 0 ? firstInView(false) : t.focus + 1);
      else if (ev.key === "Home") focusEvent(0);
      else if (ev.key === "End") focusEvent(t.dated.length - 1);
      else if ((ev.key === "Enter" || ev.key === " ") && t.focus >= 0) openEvent(t.dated[t.focus].id, true);
      else if (ev.key === "Escape") hideTooltip();
      else return;
      ev.preventDefault();
    });
    svg.addEventListener("blur", hideTooltip);
  }

  function firstInView(last) {
    var t = state.timeline;
    var inView = [];
    t.dated.forEach(function (e, i) { if (e.date >= t.view[0] && e.date <= t.view[1]) inView.push(i); });
    if (!inView.length) return last ? t.dated.length - 1 : 0;
    return last ? inView[inView.length - 1] : inView[0];
  }

  function drag(svg, move) {
    var start = null;
    svg.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0) return;
      start = { x: ev.clientX, y: ev.clientY, moved: false };
    });
    svg.addEventListener("pointermove", function (ev) {
      if (!start) return;
      var dx = ev.clientX - start.x, dy = ev.clientY - start.y;
      if (!start.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!start.moved) { start.moved = true; svg.setPointerCapture(ev.pointerId); }
      start.x = ev.clientX; start.y = ev.clientY;
      hideTooltip();
      move(dx, dy);
    });
    function end() { start = null; }
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
  }

  // --- the map --------------------------------------------------------------------------------------------

  function setUpMap(atlas) {
    var svg = $("map");
    var dims = size(svg);
    svg.setAttribute("viewBox", "0 0 " + dims.w + " " + dims.h);
    var m = state.map;
    m.w = dims.w; m.h = dims.h;
    m.projection = d3.geoNaturalEarth1().fitExtent([[4, 4], [dims.w - 4, dims.h - 4]], { type: "Sphere" });
    var path = d3.geoPath(m.projection);
    var world = node("g", { id: "map-world" });
    world.appendChild(node("path", { class: "sphere", d: path({ type: "Sphere" }), "aria-hidden": "true" }));
    var land = node("g", { "aria-hidden": "true" });
    topojson.feature(atlas, atlas.objects.countries).features.forEach(function (country) {
      var d = path(country);
      if (d) land.appendChild(node("path", { class: "country", d: d }));
    });
    world.appendChild(land);
    world.appendChild(node("g", { id: "map-events" }));
    world.appendChild(node("g", { id: "map-bases" }));
    svg.appendChild(world);
    m.ready = true;
    svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var box = svg.getBoundingClientRect();
      zoomMap(ev.deltaY < 0 ? 1.25 : 0.8, (ev.clientX - box.left) * m.w / box.width, (ev.clientY - box.top) * m.h / box.height);
    }, { passive: false });
    drag(svg, function (dx, dy) {
      var box = svg.getBoundingClientRect();
      m.x += dx * m.w / box.width; m.y += dy * m.h / box.height;
      transformMap();
    });
    svg.addEventListener("keydown", function (ev) {
      var step = 60;
      if (ev.key === "+" || ev.key === "=") zoomMap(2);
      else if (ev.key === "-" || ev.key === "_") zoomMap(0.5);
      else if (ev.key === "0") fitMap();
      else if (ev.key === "ArrowLeft") { m.x += step; transformMap(); }
      else if (ev.key === "ArrowRight") { m.x -= step; transformMap(); }
      else if (ev.key === "ArrowUp") { m.y += step; transformMap(); }
      else if (ev.key === "ArrowDown") { m.y -= step; transformMap(); }
      else return;
      ev.preventDefault();
    });
  }

  function project(point) { return state.map.projection(point); }

  function drawMapBases() {
    var m = state.map;
    if (!m.ready) return;
    var group = $("map-bases");
    clear(group);
    state.bases.forEach(function (b) {
      if (!b.point) return;
      var p = project(b.point);
      if (!p) return;
      var mark = node("g", { class: "base-mark", transform: "translate(" + p[0].toFixed(2) + "," + p[1].toFixed(2) + ")", "data-name": b.name });
      var square = node("rect", { class: "base", role: "button", "aria-label": "Base: " + b.name + " (" + b.kind.replace("_", " ") + ", " + (b.country || "country unknown") + "); filter by it", tabindex: "-1" });
      hover(square, b.name + " (" + b.kind.replace("_", " ") + (b.country ? ", " + b.country : "") + "): click to filter by this base");
      square.addEventListener("click", function () { $("f-base").value = b.name; apply(); });
      mark.appendChild(square);
      mark.appendChild(node("text", { class: "base-label", x: 8, y: 4 }, b.name));
      group.appendChild(mark);
    });
    transformMap();
  }

  function drawMapEvents() {
    var m = state.map;
    if (!m.ready) return;
    var group = $("map-events");
    clear(group);
    var byPlace = new Map();
    state.events.forEach(function (e) {
      if (!e.point) return;
      var key = e.point.join(",");
      if (!byPlace.has(key)) byPlace.set(key, []);
      byPlace.get(key).push(e);
    });
    byPlace.forEach(function (events) {
      var p = project(events[0].point);
      if (!p) return;
      events.sort(function (a, b) { return b.articles - a.articles; });
      events.forEach(function (e, i) {
        // Events at one base are spread on a small ring around it (in screen pixels, see transformMap).
        var angle = i * 2.39996, ring = events.length > 1 ? 5 + 1.5 * Math.sqrt(i) : 0;
        var dot = node("circle", {
          class: "event", fill: colour(e.forces), "data-id": e.id, "data-x": p[0], "data-y": p[1],
          "data-dx": (Math.cos(angle) * ring).toFixed(2), "data-dy": (Math.sin(angle) * ring).toFixed(2),
          "data-r": Math.min(2.5 + 1.6 * Math.sqrt(e.articles), 12).toFixed(1), role: "button", "aria-label": label(e),
        });
        hover(dot, label(e) + (e.base ? ", at " + e.base : ""));
        dot.addEventListener("click", function () { openEvent(e.id, true); });
        group.appendChild(dot);
      });
    });
    transformMap();
  }

  function transformMap() {
    var m = state.map;
    if (!m.ready) return;
    $("map-world").setAttribute("transform", "translate(" + m.x.toFixed(2) + "," + m.y.toFixed(2) + ") scale(" + m.k + ")");
    // Marks keep their size on screen whatever the zoom.
    var dots = $("map-events").childNodes;
    for (var i = 0; i < dots.length; i++) {
      var dot = dots[i];
      dot.setAttribute("cx", (+dot.getAttribute("data-x") + dot.getAttribute("data-dx") / m.k).toFixed(3));
      dot.setAttribute("cy", (+dot.getAttribute("data-y") + dot.getAttribute("data-dy") / m.k).toFixed(3));
      dot.setAttribute("r", (dot.getAttribute("data-r") / m.k).toFixed(3));
    }
    var labels = m.k >= 6 || state.bases.length <= 12;
    var marks = $("map-bases").childNodes;
    for (var j = 0; j < marks.length; j++) {
      var mark = marks[j];
      var base = mark.getAttribute("transform").replace(/ scale\(.*$/, "");
      mark.setAttribute("transform", base + " scale(" + (1 / m.k) + ")");
      var square = mark.firstChild;
      square.setAttribute("x", -4); square.setAttribute("y", -4); square.setAttribute("width", 8); square.setAttribute("height", 8);
      mark.lastChild.style.display = labels ? "" : "none";
    }
  }

  function zoomMap(factor, cx, cy) {
    var m = state.map;
    if (!m.ready) return;
    if (!factor) return fitMap();
    var k = Math.min(Math.max(m.k * factor, 1), 96);
    if (cx === undefined) { cx = m.w / 2; cy = m.h / 2; }
    m.x = cx - (cx - m.x) * (k / m.k);
    m.y = cy - (cy - m.y) * (k / m.k);
    m.k = k;
    transformMap();
  }

  function fitMap() {
    var m = state.map;
    if (!m.ready) return;
    var points = state.events.filter(function (e) { return e.point; }).map(function (e) { return e.point; });
    if (!points.length && state.filters.base) points = state.bases.filter(function (b) { return b.point; }).map(function (b) { return b.point; });
    var xs = [], ys = [];
    points.forEach(function (point) { var p = project(point); if (p) { xs.push(p[0]); ys.push(p[1]); } });
    if (!xs.length) { m.k = 1; m.x = 0; m.y = 0; return transformMap(); }
    var minSize = m.w / 14; // about 25 degrees: a single place is shown with its region
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs), y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    var bw = Math.max(x1 - x0, minSize), bh = Math.max(y1 - y0, minSize * m.h / m.w);
    var k = Math.min(Math.max(Math.min(m.w / bw, m.h / bh) * 0.8, 1), 96);
    m.k = k;
    m.x = m.w / 2 - k * (x0 + x1) / 2;
    m.y = m.h / 2 - k * (y0 + y1) / 2;
    transformMap();
  }

  // --- the list -------------------------------------------------------------------------------------------

  function drawList() {
    var list = $("event-list");
    clear(list);
    var sorted = state.events.slice().sort(function (a, b) {
      if (a.date === null || b.date === null) return (a.date === null) - (b.date === null);
      return b.date - a.date || b.id - a.id;
    });
    var fragment = document.createDocumentFragment();
    sorted.forEach(function (e) {
      var item = node("li");
      var button = node("button", { type: "button", "data-id": e.id }, e.title);
      button.addEventListener("click", function () { openEvent(e.id, true); });
      item.appendChild(button);
      item.appendChild(document.createTextNode(" — " + (e.day ? formatDay(e.day, e.precision) : "undated") + " · " + e.forces + " · " + e.articles + (e.articles === 1 ? " article" : " articles")));
      fragment.appendChild(item);
    });
    list.appendChild(fragment);
  }

  // --- the event panel ------------------------------------------------------------------------------------

  function openEvent(id, push) {
    state.open = id;
    if (push) history.pushState(null, "", pageUrl());
    Array.prototype.forEach.call(document.querySelectorAll("svg .event"), function (dot) {
      dot.classList.toggle("active", +dot.getAttribute("data-id") === id);
    });
    var panel = $("event");
    return getJSON("events/" + id).then(function (event) {
      if (state.open !== id) return;
      renderEvent(event);
      panel.hidden = false;
      if (push) panel.focus();
    }).catch(function (error) {
      setStatus("Event " + id + " could not be opened: " + error.message, true);
    });
  }

  function closeEvent() {
    state.open = null;
    $("event").hidden = true;
    history.pushState(null, "", pageUrl());
  }

  function fact(dl, name, value) {
    if (value === null || value === undefined || value === "") return;
    dl.appendChild(node("dt", {}, name));
    var dd = node("dd");
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = value;
    dl.appendChild(dd);
  }

  function renderEvent(event) {
    $("event-title").textContent = event.title;
    var facts = $("event-facts");
    clear(facts);
    fact(facts, "Date", event.date ? formatDay(event.date, event.date_precision) + " (precision: " + event.date_precision + ")" : "undated" + (event.month_day ? " (" + event.month_day + ")" : ""));
    fact(facts, "Takes effect", event.effective_date);
    fact(facts, "Type", event.type + (event.cameo_code ? " (CAMEO " + event.cameo_code + ")" : ""));
    fact(facts, "Whose forces", event.forces_of);
    fact(facts, "Out of", event.country);
    fact(facts, "Where ordered", event.place);
    fact(facts, "Ordered by", event.ordering_actor ? event.ordering_actor.name : null);
    var figures = Object.keys(event.figures || {}).map(function (k) { return event.figures[k] + " " + k; }).join(", ");
    fact(facts, "Figures", figures);
    fact(facts, "Reports", event.article_count + " articles from " + event.source_count + " outlets");
    fact(facts, "Summary", event.summary);
    fact(facts, "API", node("a", { href: "events/" + event.id }, "/events/" + event.id));
    (event.carried_out_by || []).forEach(function (e) { fact(facts, "Carried out by", e.title + " (" + (e.date || "undated") + ")"); });

    function linked(listId, items, filter) {
      var list = $(listId);
      clear(list);
      if (!items.length) list.appendChild(node("li", {}, "None found."));
      items.forEach(function (item) {
        var li = node("li");
        var button = node("button", { type: "button", class: "link", title: "Filter the events by " + item.name }, item.name);
        button.addEventListener("click", function () { $("f-" + filter).value = item.name; apply(); });
        li.appendChild(button);
        if (item.role) li.appendChild(node("span", { class: "role" }, item.role.replace(/_/g, " ")));
        var detail = [item.title || item.kind, item.country].filter(Boolean).join(", ");
        if (detail) li.appendChild(document.createTextNode(" " + detail));
        list.appendChild(li);
      });
    }
    linked("event-actors", event.actors || [], "actor");
    linked("event-bases", event.bases || [], "base");

    var articles = $("event-articles");
    clear(articles);
    (event.articles || []).forEach(function (article, i) {
      var li = node("li");
      var details = node("details", { "data-article": article.id });
      var summary = node("summary");
      summary.appendChild(node("strong", {}, article.title));
      summary.appendChild(document.createTextNode(" — " + [article.outlet, article.published_at, article.relation].filter(Boolean).join(" · ")));
      details.appendChild(summary);
      var text = node("div", { class: "article-text", tabindex: "0", role: "region", "aria-label": "Text of " + article.title }, "Loading the article…");
      details.appendChild(text);
      var loaded = false;
      details.addEventListener("toggle", function () {
        if (details.open && !loaded) { loaded = true; showArticle(article, text); }
      });
      if (i < 3) details.open = true;
      li.appendChild(details);
      articles.appendChild(li);
    });
  }

  function showArticle(link, box) {
    getJSON("articles/" + link.id).then(function (article) {
      clear(box);
      var text = article.clean_text || "";
      var evidence = link.evidence;
      if (!evidence || evidence.end <= evidence.start || evidence.end > text.length) {
        box.textContent = text;
        return;
      }
      box.appendChild(document.createTextNode(text.slice(0, evidence.start)));
      var mark = node("mark", { class: "evidence", "data-start": evidence.start, "data-end": evidence.end }, text.slice(evidence.start, evidence.end));
      box.appendChild(mark);
      box.appendChild(document.createTextNode(text.slice(evidence.end)));
      box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - 24);
    }).catch(function (error) { box.textContent = "The article could not be loaded: " + error.message; });
  }

  // --- wiring ---------------------------------------------------------------------------------------------

  function apply() {
    performance.mark("drawdown:filter");
    state.filters = readForm();
    history.pushState(null, "", pageUrl());
    return load();
  }

  function legend() {
    var list = $("legend");
    clear(list);
    state.timeline.lanes.forEach(function (lane) {
      var li = node("li");
      li.appendChild(node("span", { class: "swatch", style: null }));
      li.firstChild.style.background = lane === "other" ? OTHER : colour(lane);
      li.appendChild(document.createTextNode(lane === "other" ? "Other forces" : lane));
      list.appendChild(li);
    });
  }

  function start() {
    var initial = fromLocation();
    state.filters = initial.filters;
    fillForm(state.filters);
    $("filters").addEventListener("submit", function (ev) { ev.preventDefault(); apply(); });
    $("clear").addEventListener("click", function () { fillForm({}); apply(); });
    $("close-event").addEventListener("click", closeEvent);
    Array.prototype.forEach.call(document.querySelectorAll("[data-zoom]"), function (button) {
      button.addEventListener("click", function () {
        var by = parseFloat(button.getAttribute("data-by"));
        if (button.getAttribute("data-zoom") === "timeline") zoomTimeline(by); else zoomMap(by);
      });
    });
    window.addEventListener("popstate", function () {
      var now = fromLocation();
      state.filters = now.filters;
      fillForm(state.filters);
      load();
      if (now.event) openEvent(now.event, false); else { state.open = null; $("event").hidden = true; }
    });
    window.addEventListener("resize", function () { redrawTimeline(); });
    setUpTimeline();
    // The map's outlines, the bases and the first query's events are fetched at once.
    var request = ++state.request;
    showQuery();
    var atlas = getJSON(script.getAttribute("data-atlas"));
    var bases = getJSON("bases?format=geojson").then(function (answer) {
      state.bases = answer.features.map(function (f) {
        var p = f.properties;
        return { id: p.id, name: p.name, kind: p.kind, country: p.country, point: f.geometry ? f.geometry.coordinates : null };
      });
    });
    var events = fetchEvents();
    Promise.all([atlas, bases]).then(function (answers) {
      setUpMap(answers[0]);
      drawMapBases();
      return events.then(function (answers) { render(request, answers); }, function (error) { fail(request, error); });
    }).then(function () {
      if (initial.event) openEvent(initial.event, false);
    }).catch(function (error) { setStatus("The page could not start: " + error.message, true); });
  }

  start();
})();
