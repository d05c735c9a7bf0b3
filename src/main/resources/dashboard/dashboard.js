// Palisade dashboard: polls /api/stats every second. Every value is written with textContent, never
// as HTML, because addresses, hosts and paths come from clients.
(function () {
  'use strict';
  var HISTORY = 120;
  var STATES = ['up', 'slow_start', 'ejected', 'down'];
  var history = [];

  function byId(id) { return document.getElementById(id); }

  function setText(id, value) { byId(id).textContent = value; }

  function num(v, digits) {
    if (v === null || v === undefined) { return '\u2013'; }
    return Number(v).toFixed(digits);
  }

  function cell(row, text, cls) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    if (cls) { td.className = cls; }
    row.appendChild(td);
    return td;
  }

  function fill(tableId, items, columns, emptyText) {
    var body = byId(tableId).tBodies[0];
    while (body.firstChild) { body.removeChild(body.firstChild); }
    if (!items || items.length === 0) {
      var r = document.createElement('tr');
      var td = cell(r, emptyText, 'empty');
      td.colSpan = columns.length;
      body.appendChild(r);
      return;
    }
    items.forEach(function (item) {
      var row = document.createElement('tr');
      columns.forEach(function (c) { c(row, item); });
      body.appendChild(row);
    });
  }

  function time(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? '' : d.toLocaleTimeString();
  }

  function draw() {
    var canvas = byId('chart');
    var ctx = canvas.getContext && canvas.getContext('2d');
    if (!ctx) { return; }
    var w = canvas.width, h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    var max = 1;
    history.forEach(function (p) { max = Math.max(max, p.r, p.b); });
    ctx.strokeStyle = '#e3e6eb';
    ctx.beginPath(); ctx.moveTo(0, h - 0.5); ctx.lineTo(w, h - 0.5); ctx.stroke();
    ctx.fillStyle = '#6b7280';
    ctx.font = '11px sans-serif';
    ctx.fillText(max.toFixed(max < 10 ? 1 : 0) + '/s', 4, 12);
    function line(key, color) {
      ctx.strokeStyle = color;
      ctx.lineWidth = 2;
      ctx.beginPath();
      history.forEach(function (p, i) {
        var x = w - (history.length - 1 - i) * (w / (HISTORY - 1));
        var y = h - 2 - (p[key] / max) * (h - 18);
        if (i === 0) { ctx.moveTo(x, y); } else { ctx.lineTo(x, y); }
      });
      ctx.stroke();
    }
    line('r', '#2563eb');
    line('b', '#c2410c');
  }

  function render(s) {
    setText('rps', num(s.requests_per_s, 1));
    setText('bps', num(s.blocked_per_s, 1));
    setText('requests-total', String(s.requests_total));
    setText('blocked-total', String(s.blocked_total));
    setText('p50', num(s.latency_ms.p50, 2));
    setText('p99', num(s.latency_ms.p99, 2));
    setText('window', String(s.latency_ms.window_s));
    fill('rules', s.blocked_by_rule, [
      function (r, x) { cell(r, x.rule); },
      function (r, x) { cell(r, num(x.per_s, 1), 'num'); },
      function (r, x) { cell(r, x.total, 'num'); }
    ], 'no blocks yet');
    fill('top', s.top_blocked, [
      function (r, x) { cell(r, x.address); },
      function (r, x) { cell(r, x.count, 'num'); }
    ], 'none');
    fill('origins', s.origins, [
      function (r, x) { cell(r, x.group); },
      function (r, x) { cell(r, x.origin); },
      function (r, x) { cell(r, x.state, 'state-' + (STATES.indexOf(x.state) >= 0 ? x.state : 'unknown')); },
      function (r, x) { cell(r, x.in_flight, 'num'); },
      function (r, x) { cell(r, x.ejections, 'num'); },
      function (r, x) { cell(r, num(x.latency_ms, 2), 'num'); }
    ], 'no origins');
    fill('recent', s.recent_blocks, [
      function (r, x) { cell(r, time(x.time)); },
      function (r, x) { cell(r, x.client); },
      function (r, x) { cell(r, x.rule); },
      function (r, x) { cell(r, x.status, 'num'); },
      function (r, x) { cell(r, x.method); },
      function (r, x) { cell(r, x.host); },
      function (r, x) { cell(r, x.path, 'path'); }
    ], 'no blocks yet');
    history.push({ r: Number(s.requests_per_s) || 0, b: Number(s.blocked_per_s) || 0 });
    if (history.length > HISTORY) { history.shift(); }
    draw();
    var st = byId('status');
    st.textContent = 'updated ' + time(s.time) + ' \u00b7 up ' + s.uptime_s + ' s';
    st.className = 'status';
    document.body.setAttribute('data-updated', String(Date.now()));
  }

  function poll() {
    fetch('/api/stats', { cache: 'no-store', credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(render)
      .catch(function (e) {
        var st = byId('status');
        st.textContent = 'no data: ' + e.message;
        st.className = 'status stale';
      })
      .then(function () { setTimeout(poll, 1000); });
  }

  poll();
}());
