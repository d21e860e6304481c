// localbuild's web page: one script, no framework. Every value from the server goes into the page
// as text (el(), textContent); only log lines arrive as HTML, escaped and coloured by the server.
'use strict';

const FINAL = ['SUCCEEDED', 'FAILED', 'FAULT', 'TIMED_OUT', 'STOPPED'];
// a followed log keeps this many lines in the page; older ones are a click away
const MAX_LINES = 5000;
let me = null;
let leave = () => {}; // what the current view must stop (a live log, a refresh timer)

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

async function api(method, path, body) {
  const headers = {};
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    if (me) headers['X-CSRF-Token'] = me.csrfToken;
  }
  const res = await fetch('/ui/api/' + path, {
    method, headers, credentials: 'same-origin',
    body: method === 'GET' ? undefined : JSON.stringify(body || {}),
  });
  const json = await res.json().catch(() => ({ message: res.statusText }));
  if (res.status === 401 && path !== 'signin') {
    me = null;
    showSignIn();
  }
  if (!res.ok) throw new Error(json.message || ('HTTP ' + res.status));
  return json;
}

const enc = encodeURIComponent;

function statusBadge(status, id) {
  return el('span', { class: 'status ' + status, id }, status.replace('_', ' '));
}

function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

function duration(start, end) {
  if (!start) return '';
  const ms = (end ? new Date(end) : new Date()) - new Date(start);
  if (!(ms >= 0)) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return s + 's';
  if (s < 3600) return Math.floor(s / 60) + 'm ' + (s % 60) + 's';
  return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm';
}

function shortVersion(v) {
  return /^[0-9a-f]{40}$/.test(v) ? v.slice(0, 8) : v;
}

function showSignIn() {
  leave();
  document.getElementById('top').hidden = true;
  document.getElementById('view').replaceChildren();
  document.getElementById('signin').hidden = false;
}

async function signIn(ev) {
  ev.preventDefault();
  const error = document.getElementById('signin-error');
  error.textContent = '';
  try {
    me = await api('POST', 'signin', {
      accessKeyId: document.getElementById('access-key-id').value,
      secretAccessKey: document.getElementById('secret-access-key').value,
    });
    document.getElementById('secret-access-key').value = '';
    signedIn();
  } catch (e) {
    error.textContent = e.message;
  }
}

function signedIn() {
  document.getElementById('signin').hidden = true;
  document.getElementById('top').hidden = false;
  document.getElementById('who').textContent = me.accessKeyId;
  route();
}

async function signOut() {
  try { await api('POST', 'signout'); } catch (e) { /* signed out either way */ }
  me = null;
  showSignIn();
}

function route() {
  if (!me) return;
  leave();
  leave = () => {};
  const view = document.getElementById('view');
  view.replaceChildren();
  const hash = location.hash.replace(/^#/, '') || '/';
  const parts = hash.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'builds' && parts[1]) buildPage(view, parts.slice(1).join('/'));
  else if (parts[0] === 'projects' && parts[1]) projectPage(view, parts[1]);
  else if (parts[0] === 'projects') projectsPage(view);
  else buildsPage(view, null);
}

function failed(view, e) {
  view.append(el('p', { class: 'error' }, e.message));
}

// The build list: a page at a time, newest first; the first page refreshes itself.
function buildList(project) {
  const body = el('tbody');
  const more = el('button', { type: 'button', id: 'older-builds', hidden: true }, 'Older builds');
  let next = null;
  const table = el('table', { id: 'builds' },
    el('thead', {}, el('tr', {}, ['Status', 'Build', 'Source version', 'Initiator', 'Started', 'Duration']
      .map(h => el('th', {}, h)))), body);
  const row = b => el('tr', { class: 'build-row', 'data-id': b.id },
    el('td', {}, statusBadge(b.status), b.untrusted ? el('span', { class: 'tag' }, 'untrusted') : null),
    el('td', {}, el('a', { href: '#/builds/' + enc(b.id) }, b.project + ' #' + b.number)),
    el('td', { class: 'mono' }, shortVersion(b.sourceVersion)),
    el('td', {}, b.initiator),
    el('td', {}, time(b.startTime)),
    el('td', {}, duration(b.startTime, b.endTime)));
  const q = project ? 'project=' + enc(project) + '&' : '';
  async function load(first) {
    const page = await api('GET', 'builds?' + q + (first || !next ? '' : 'next=' + enc(next)));
    if (first) body.replaceChildren();
    page.builds.forEach(b => body.append(row(b)));
    if (first && page.builds.length === 0) body.append(el('tr', {}, el('td', { class: 'empty', colspan: 6 }, 'No builds yet.')));
    next = page.next || null;
    more.hidden = !next;
  }
  // once older pages are shown, a refresh would take them away: only the first page refreshes
  let pages = 1;
  more.addEventListener('click', () => { pages++; load(false).catch(e => alert(e.message)); });
  const timer = setInterval(() => { if (pages === 1) load(true).catch(() => {}); }, 5000);
  return { node: el('div', {}, table, el('p', {}, more)), load: () => load(true), stop: () => clearInterval(timer) };
}

async function buildsPage(view) {
  const list = buildList(null);
  leave = list.stop;
  view.append(el('h1', {}, 'Builds'), list.node);
  try { await list.load(); } catch (e) { failed(view, e); }
}

async function projectsPage(view) {
  view.append(el('h1', {}, 'Projects'));
  try {
    const { projects } = await api('GET', 'projects');
    if (projects.length === 0) {
      view.append(el('p', { class: 'empty' }, 'No projects yet: aws codebuild create-project --endpoint-url ' + location.origin + ' ...'));
      return;
    }
    view.append(el('table', { id: 'projects' },
      el('thead', {}, el('tr', {}, ['Project', 'Source', 'Image', 'Last build', ''].map(h => el('th', {}, h)))),
      el('tbody', {}, projects.map(p => el('tr', { class: 'project-row' },
        el('td', {}, el('a', { href: '#/projects/' + enc(p.name) }, p.name), p.webhook ? el('span', { class: 'tag' }, 'webhook') : null),
        el('td', { class: 'mono wrap' }, p.sourceType + (p.sourceLocation ? ' ' + p.sourceLocation : '')),
        el('td', { class: 'mono' }, p.image),
        el('td', {}, p.lastBuild ? [statusBadge(p.lastBuild.status), ' ',
          el('a', { href: '#/builds/' + enc(p.lastBuild.id) }, '#' + p.lastBuild.number)] : '-'),
        el('td', {}, startButton(p.name, () => '')))))));
  } catch (e) { failed(view, e); }
}

function startButton(project, version) {
  const b = el('button', { type: 'button', class: 'primary start-build', 'data-project': project }, 'Start build');
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      const { id } = await api('POST', 'projects/' + enc(project) + '/start', { sourceVersion: version() });
      location.hash = '#/builds/' + enc(id);
    } catch (e) {
      b.disabled = false;
      alert(e.message);
    }
  });
  return b;
}

async function projectPage(view, name) {
  const version = el('input', { id: 'source-version', placeholder: 'source version (default: the project\'s)', size: 36 });
  const list = buildList(name);
  leave = list.stop;
  const deliveries = el('div', { id: 'deliveries' });
  view.append(el('h1', {}, name),
    el('div', { class: 'bar' }, version, startButton(name, () => version.value)),
    el('h2', {}, 'Builds'), list.node, el('h2', {}, 'Webhook deliveries'), deliveries);
  try {
    await list.load();
    const d = await api('GET', 'projects/' + enc(name) + '/deliveries');
    if (d.deliveries.length === 0) {
      deliveries.append(el('p', { class: 'empty' }, 'None.'));
      return;
    }
    deliveries.append(el('table', {},
      el('thead', {}, el('tr', {}, ['Received', 'Provider', 'Event', 'Result', 'Reason', 'Build'].map(h => el('th', {}, h)))),
      el('tbody', {}, d.deliveries.map(x => el('tr', { class: 'delivery-row' },
        el('td', {}, new Date(x.received).toLocaleString()),
        el('td', {}, x.provider), el('td', {}, x.event || ''), el('td', {}, x.result),
        el('td', { class: 'wrap' }, x.reason || ''),
        el('td', {}, x.buildId ? el('a', { href: '#/builds/' + enc(x.buildId) }, x.buildId.split(':')[0]) : ''))))));
  } catch (e) { failed(view, e); }
}

// The build page: facts, phases on a timeline, reports, artifacts, and the log, followed live.
async function buildPage(view, id) {
  let detail;
  try {
    detail = await api('GET', 'builds/' + enc(id));
  } catch (e) { failed(view, e); return; }
  const s = detail.summary;
  let status = statusBadge(s.status, 'build-status');
  const phase = el('span', { id: 'current-phase', class: 'mono' }, s.currentPhase);
  const took = el('dd', {}, duration(s.startTime, s.endTime));
  const stop = el('button', { type: 'button', class: 'danger', id: 'stop-build', hidden: FINAL.includes(s.status) }, 'Stop');
  const retry = el('button', { type: 'button', id: 'retry-build', hidden: !FINAL.includes(s.status) }, 'Retry');
  stop.addEventListener('click', async () => {
    stop.disabled = true;
    try { await api('POST', 'builds/' + enc(id) + '/stop'); } catch (e) { alert(e.message); stop.disabled = false; }
  });
  retry.addEventListener('click', async () => {
    retry.disabled = true;
    try {
      const r = await api('POST', 'builds/' + enc(id) + '/retry');
      location.hash = '#/builds/' + enc(r.id);
    } catch (e) { alert(e.message); retry.disabled = false; }
  });
  const timeline = el('div', { class: 'timeline', id: 'timeline' });
  const legend = el('div', { class: 'phases-legend' });
  const outputs = el('div', { id: 'outputs' });
  const facts = el('dl', { class: 'facts' });
  const drawFacts = () => facts.replaceChildren(
    el('dt', {}, 'Build ID'), el('dd', { class: 'mono' }, s.id),
    el('dt', {}, 'Initiator'), el('dd', {}, s.initiator),
    el('dt', {}, 'Source version'), el('dd', { class: 'mono', id: 'source-version' }, s.sourceVersion || '(the project\'s)'),
    el('dt', {}, 'Started'), el('dd', {}, time(s.startTime)),
    el('dt', {}, 'Duration'), took);
  drawFacts();
  view.append(el('div', { class: 'bar' }, el('h1', {}, s.project + ' #' + s.number), status, phase, stop, retry));
  if (s.untrusted) {
    view.append(el('div', { class: 'banner', id: 'untrusted' },
      'Untrusted build (a pull request from a fork): it runs without AWS credentials, Parameter Store or Secrets Manager values, privileged mode or cache writes.'));
  }
  view.append(facts, el('h2', {}, 'Phases'), timeline, legend, outputs);
  drawPhases(timeline, legend, detail.build.phases || [], s.status);
  drawOutputs(outputs, id, detail);
  const log = logView(id);
  view.append(el('h2', {}, 'Log'), log.node);
  await log.loadTail();
  if (FINAL.includes(s.status)) return;
  const tick = setInterval(() => { took.textContent = duration(s.startTime, s.endTime); }, 1000);
  const source = new EventSource('/ui/api/builds/' + enc(id) + '/events?after=' + log.lastSeq());
  source.addEventListener('lines', ev => log.append(JSON.parse(ev.data)));
  source.addEventListener('build', ev => {
    const b = JSON.parse(ev.data);
    Object.assign(s, b);
    drawFacts();
    const fresh = statusBadge(b.status, 'build-status');
    status.replaceWith(fresh);
    status = fresh;
    phase.textContent = b.currentPhase;
    drawPhases(timeline, legend, b.phases || [], b.status);
    stop.hidden = FINAL.includes(b.status);
    retry.hidden = !FINAL.includes(b.status);
  });
  source.addEventListener('end', async () => {
    source.close();
    clearInterval(tick);
    took.textContent = duration(s.startTime, s.endTime);
    try { drawOutputs(outputs, id, await api('GET', 'builds/' + enc(id))); } catch (e) { /* shown at the next visit */ }
  });
  leave = () => { source.close(); clearInterval(tick); };
}

function drawPhases(timeline, legend, phases, status) {
  timeline.replaceChildren();
  const secs = p => p.durationInSeconds !== undefined ? p.durationInSeconds
    : Math.max(0, ((p.endTime ? new Date(p.endTime) : new Date()) - new Date(p.startTime)) / 1000);
  const total = phases.reduce((t, p) => t + secs(p), 0) || 1;
  for (const p of phases) {
    const d = secs(p);
    const state = p.phaseStatus || (FINAL.includes(status) ? '' : 'running');
    timeline.append(el('div', {
      class: 'phase ' + state, 'data-phase': p.phaseType,
      style: 'flex: ' + Math.max(d / total, 0.01) + ' 0 0',
      title: p.phaseType + ': ' + (p.phaseStatus || 'running') + ', ' + Math.round(d) + 's' +
        ((p.contexts || []).map(c => c.message).filter(Boolean).map(m => '\n' + m).join('')),
    }, d / total > 0.08 ? p.phaseType.replace('_', ' ') : ''));
  }
  const failedPhase = phases.find(p => p.phaseStatus && p.phaseStatus !== 'SUCCEEDED');
  legend.textContent = failedPhase
    ? failedPhase.phaseType + ' ' + failedPhase.phaseStatus + ((failedPhase.contexts || [])[0]?.message ? ': ' + failedPhase.contexts[0].message : '')
    : phases.length + ' phases';
}

function drawOutputs(outputs, id, detail) {
  outputs.replaceChildren();
  const file = (kind, name) => '/ui/api/builds/' + enc(id) + '/files/' + kind + '/' + enc(name);
  if (detail.reports.length) {
    outputs.append(el('h2', {}, 'Reports'), el('div', { id: 'reports' }, detail.reports.map(r => {
      const counts = (r.testSummary && r.testSummary.statusCounts) || {};
      return el('div', { class: 'report' },
        el('div', { class: 'bar' }, el('strong', {}, r.name), statusBadge(r.status),
          el('a', { href: file('reports', r.file), download: r.file }, 'Download')),
        r.testSummary ? el('div', { class: 'counts' },
          el('span', {}, 'Total ' + r.testSummary.total),
          Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => el('span', { class: 'count-' + k }, k + ' ' + n))) : null,
        r.codeCoverageSummary ? el('div', {}, 'Line coverage ' + r.codeCoverageSummary.lineCoveragePercentage.toFixed(1) + '%') : null,
        r.failing.map(c => el('div', { class: 'failing-case' },
          el('strong', {}, c.status + ' ' + (c.prefix ? c.prefix + '.' : '') + c.name),
          c.message ? el('pre', {}, c.message) : null)));
    })));
  }
  if (detail.artifacts.length) {
    outputs.append(el('h2', {}, 'Artifacts'), el('ul', { id: 'artifacts' }, detail.artifacts.map(a =>
      el('li', {}, el('a', { href: file('artifacts', a.name), download: a.name }, a.name), ' (' + (a.size / 1024).toFixed(1) + ' KiB)'))));
  }
}

// A log in pages: the last page first, earlier pages on request, new lines as they come.
function logView(id) {
  const box = el('div', { id: 'log', role: 'log' });
  const earlier = el('button', { type: 'button', id: 'earlier-lines', hidden: true }, 'Show earlier lines');
  const follow = el('input', { type: 'checkbox', id: 'follow', checked: true });
  const count = el('span', { id: 'line-count' });
  let first = null;
  let last = 0;
  let shown = 0;
  const line = l => el('div', { class: 'log-line', 'data-seq': l.seq, title: new Date(l.at).toLocaleTimeString() });
  function render(l) {
    const d = line(l);
    d.innerHTML = l.html; // escaped and coloured by the server (AnsiHtml)
    return d;
  }
  function counted() { count.textContent = shown + ' lines shown'; }
  async function loadTail() {
    const page = await api('GET', 'builds/' + enc(id) + '/log');
    box.replaceChildren(...page.lines.map(render));
    shown = page.lines.length;
    if (page.lines.length) { first = page.lines[0].seq; last = page.lines[page.lines.length - 1].seq; }
    earlier.hidden = !page.moreBefore;
    counted();
    box.scrollTop = box.scrollHeight;
  }
  earlier.addEventListener('click', async () => {
    const page = await api('GET', 'builds/' + enc(id) + '/log?before=' + first);
    const height = box.scrollHeight;
    box.prepend(...page.lines.map(render));
    shown += page.lines.length;
    if (page.lines.length) first = page.lines[0].seq;
    earlier.hidden = !page.moreBefore;
    box.scrollTop += box.scrollHeight - height;
    counted();
  });
  function append(lines) {
    const fresh = lines.filter(l => l.seq > last);
    if (!fresh.length) return;
    const frag = document.createDocumentFragment();
    fresh.forEach(l => frag.append(render(l)));
    box.append(frag);
    last = fresh[fresh.length - 1].seq;
    if (first === null) first = fresh[0].seq;
    shown += fresh.length;
    while (shown > MAX_LINES) {
      box.firstChild.remove();
      shown--;
      first = Number(box.firstChild.dataset.seq);
      earlier.hidden = false;
    }
    counted();
    if (follow.checked) box.scrollTop = box.scrollHeight;
  }
  const node = el('div', {},
    el('div', { class: 'log-tools' }, earlier, el('label', {}, follow, ' Follow'), count), box);
  return { node, loadTail, append, lastSeq: () => last };
}

async function boot() {
  document.getElementById('signin').addEventListener('submit', signIn);
  document.getElementById('signout').addEventListener('click', signOut);
  window.addEventListener('hashchange', route);
  try {
    me = await api('GET', 'me');
    signedIn();
  } catch (e) {
    showSignIn();
  }
}

document.addEventListener('DOMContentLoaded', boot);
