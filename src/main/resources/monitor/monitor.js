// The monitor page (SPEC §9): only the public API; data from it goes into the page as text; the credential in
// sessionStorage and in request headers, never in a URL.
'use strict';

const CREDENTIAL_KEY = 'async-table-query.credential';
const PAGE_SIZE = 20;
const MAX_STREAMS = 20;
const FINISHED = new Set(['Completed', 'Failed', 'Terminated']);

const el = (id) => document.getElementById(id);
const rows = new Map();      // job id -> {row, job}
const streams = new Map();   // job id -> AbortController
let continuation = null;
let detailId = null;
let authScheme = null;       // null (none), 'key' or 'bearer', learnt from the first 401

// --- The credential ---------------------------------------------------------------------------------
function credential() {
  try { return JSON.parse(sessionStorage.getItem(CREDENTIAL_KEY)); } catch (e) { return null; }
}

function authHeaders() {
  const c = credential();
  if (!c) return {};
  return c.kind === 'bearer' ? { Authorization: 'Bearer ' + c.value } : { 'x-functions-key': c.value };
}

let asking = null;          // the open prompt: concurrent 401s wait for the same one

function askForCredential(scheme) {
  if (asking) return asking;
  asking = new Promise((resolve) => {
    const dialog = el('credential-dialog');
    el('credential-label').textContent = scheme === 'bearer' ? 'Entra ID access token' : 'API key';
    el('credential-help').textContent = scheme === 'bearer'
      ? 'Paste an access token for this API. It is kept for this tab only.'
      : 'Enter your API key. It is kept for this tab only.';
    el('credential').value = '';
    el('credential-form').onsubmit = () => {
      const value = el('credential').value.trim();
      if (value) sessionStorage.setItem(CREDENTIAL_KEY, JSON.stringify({ kind: scheme, value }));
    };
    dialog.addEventListener('close', () => { // submitted, or dismissed with Escape
      asking = null;
      resolve();
    }, { once: true });
    dialog.showModal();
    el('credential').focus();
  });
  return asking;
}

// --- Talking to the API -------------------------------------------------------------------------------
async function api(method, path, { body, headers } = {}) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const response = await fetch(path, {
      method,
      headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}),
        ...authHeaders(), ...(headers || {}) },
      body: body ? JSON.stringify(body) : undefined,
      credentials: 'same-origin',
      cache: 'no-store',
    });
    if (response.status !== 401) return response;
    authScheme = (response.headers.get('WWW-Authenticate') || '').startsWith('Bearer') ? 'bearer' : 'key';
    sessionStorage.removeItem(CREDENTIAL_KEY);
    await askForCredential(authScheme);
    showWho();
  }
  throw new Error('Not signed in.');
}

async function problemText(response) {
  try {
    const problem = await response.json();
    return problem.detail || problem.title || ('HTTP ' + response.status);
  } catch (e) {
    return 'HTTP ' + response.status;
  }
}

function say(text, isError) {
  const message = el('message');
  message.textContent = text;
  message.classList.toggle('error', Boolean(isError));
}

function showWho() {
  const c = credential();
  el('who').textContent = c ? (c.kind === 'bearer' ? 'Signed in with a token' : 'Signed in with a key') : '';
}

// --- Formatting -----------------------------------------------------------------------------------------
function localTime(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

function duration(job) {
  const end = FINISHED.has(job.runtimeStatus) ? Date.parse(job.lastUpdatedTime) : Date.now();
  const seconds = Math.max(0, (end - Date.parse(job.createdTime)) / 1000);
  if (seconds < 60) return seconds.toFixed(1) + ' s';
  const minutes = Math.floor(seconds / 60);
  return minutes + ' min ' + Math.round(seconds % 60) + ' s';
}

function cell(label, content, className) {
  const td = document.createElement('td');
  td.dataset.label = label;
  if (className) td.className = className;
  if (content instanceof Node) td.append(content); else td.textContent = content ?? '';
  return td;
}

// --- The jobs table -----------------------------------------------------------------------------------
// Answers may come out of order (a listing asked before an event arrives): none sets a job back. A finished job
// may run again (rewind, restart), so the last update decides, not the state.
function latest(known, job) {
  if (!known) return job;
  return Date.parse(known.lastUpdatedTime) > Date.parse(job.lastUpdatedTime) ? known : job;
}

function render(update) {
  const known = rows.get(update.id);
  const job = latest(known && known.job, update);
  const row = known ? known.row : document.createElement('tr');
  row.dataset.id = job.id;
  row.dataset.state = job.runtimeStatus;
  row.replaceChildren();

  const open = document.createElement('button');
  open.type = 'button';
  open.className = 'job-link';
  open.textContent = job.id.slice(0, 8);
  open.title = 'Open job ' + job.id;
  open.setAttribute('aria-label', 'Open job ' + job.id);
  open.addEventListener('click', () => openDetail(job.id).catch((e) => say(e.message, true)));
  row.append(cell('Job', open));

  const state = document.createElement('span');
  state.className = 'state state-' + job.runtimeStatus;
  state.textContent = job.runtimeStatus;
  row.append(cell('State', state));

  const status = job.customStatus || {};
  const progressBox = document.createElement('div');
  const bar = document.createElement('progress');
  bar.max = 100;
  bar.value = status.percentComplete || 0;
  bar.setAttribute('aria-label', 'Progress of job ' + job.id);
  const text = document.createElement('span');
  text.className = 'progress-text';
  text.textContent = (status.percentComplete || 0) + ' %, ' + (status.partitionsDone || 0) + '/'
    + (status.partitionsTotal || 0) + ' days'
    + (status.partitionsFromSummaries ? ' (' + status.partitionsFromSummaries + ' from summaries)' : '')
    + (status.partitionsFromCheckpoint ? ' (' + status.partitionsFromCheckpoint + ' from its checkpoint)' : '')
    + ', ' + (status.entitiesScanned || 0).toLocaleString() + ' entities'
    + (status.retrying ? ', retrying (' + status.retrying.attempts + ')' : '');
  progressBox.append(bar, text);
  row.append(cell('Progress', progressBox));

  row.append(cell('Range', job.input ? job.input.start + ' – ' + job.input.end : ''));
  row.append(cell('Created', localTime(job.createdTime)));
  row.append(cell('Duration', duration(job), 'num'));
  const result = job.runtimeStatus === 'Completed' ? String(job.result)
    : job.runtimeStatus === 'Failed' && job.error ? job.error.code : '';
  row.append(cell('Result', result, 'num result'));

  rows.set(job.id, { row, job });
  if (detailId === job.id) showDetail(job);
  return row;
}

let listings = 0; // listings asked for: the answer to one asked before the latest is dropped

async function loadJobs(append) {
  const asked = ++listings;
  if (!append) continuation = null;
  const state = el('state-filter').value;
  const query = '/api/status?top=' + PAGE_SIZE + (state ? '&runtimeStatus=' + encodeURIComponent(state) : '');
  const response = await api('GET', query, { headers: continuation ? { 'x-ms-continuation-token': continuation } : {} });
  if (asked !== listings) return;
  if (!response.ok) {
    say(await problemText(response), true);
    return;
  }
  const jobs = await response.json();
  if (asked !== listings) return;
  continuation = response.headers.get('x-ms-continuation-token');
  const body = el('job-rows');
  const before = new Map(rows);
  if (!append) {
    body.replaceChildren();
    rows.clear();
  }
  for (const listed of jobs) {
    const shown = before.get(listed.id);
    const job = latest(shown && shown.job, listed);
    body.append(render(job));
    watch(job);
  }
  el('empty').hidden = rows.size > 0;
  el('more').hidden = !continuation;
}

// --- Live progress from the event stream (read with fetch, which can send the credential) ----------------
function watch(job) {
  if (FINISHED.has(job.runtimeStatus) || streams.has(job.id) || streams.size >= MAX_STREAMS) return;
  const controller = new AbortController();
  streams.set(job.id, controller);
  stream(job.id, controller).catch(() => {}).finally(() => {
    streams.delete(job.id);
    const known = rows.get(job.id);
    if (known && !FINISHED.has(known.job.runtimeStatus)) {
      setTimeout(() => refreshJob(job.id).catch((e) => say(e.message, true)), 2000);
    }
  });
}

async function stream(id, controller) {
  const response = await fetch('/api/status/' + encodeURIComponent(id), {
    headers: { Accept: 'text/event-stream', ...authHeaders() }, signal: controller.signal, cache: 'no-store',
  });
  if (!response.ok || !response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split('\n').filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim()).join('\n');
      if (data && rows.has(id)) render(JSON.parse(data));
    }
  }
}

async function refreshJob(id) {
  if (!rows.has(id)) return;
  const response = await api('GET', '/api/status/' + encodeURIComponent(id));
  if (response.status === 404) return removeRow(id);
  if (response.status === 200 || response.status === 202) {
    const job = await response.json();
    render(job);
    watch(job);
  }
}

function removeRow(id) {
  const known = rows.get(id);
  if (known) known.row.remove();
  rows.delete(id);
  const controller = streams.get(id);
  if (controller) controller.abort();
  el('empty').hidden = rows.size > 0;
}

// --- Detail, its history, and what can be done with the job ------------------------------------------------
function showDetail(job) {
  const shown = job.id + ' ' + job.runtimeStatus; // the history is read again when another job or state is shown
  const before = el('detail').hidden ? null : el('detail-document').dataset.shown;
  el('detail').hidden = false;
  el('detail-id').textContent = job.id;
  el('detail-document').textContent = JSON.stringify(job, null, 2);
  el('detail-document').dataset.shown = shown;
  const finished = FINISHED.has(job.runtimeStatus);
  el('suspend').hidden = job.runtimeStatus !== 'Pending' && job.runtimeStatus !== 'Running';
  el('resume').hidden = job.runtimeStatus !== 'Suspended';
  el('rewind').hidden = job.runtimeStatus !== 'Failed';
  el('restart').hidden = !finished;
  el('terminate').hidden = finished;
  el('purge').hidden = !finished;
  if (before !== shown) loadHistory(job.id).catch((e) => say(e.message, true));
  const links = el('detail-links');
  links.replaceChildren();
  const base = location.origin + '/api/';
  const id = encodeURIComponent(job.id);
  const entries = [['Status', base + 'status/' + id], ['Operation', base + 'operations/' + id]];
  if (job.runtimeStatus === 'Completed') entries.push(['Result', base + 'results/' + id]);
  for (const [name, url] of entries) {
    const item = document.createElement('li');
    item.textContent = name + ': ' + url;
    links.append(item);
  }
}

async function loadHistory(id) {
  const response = await api('GET', '/api/status/' + encodeURIComponent(id) + '?showHistory=true');
  if (!response.ok || detailId !== id) return;
  const job = await response.json();
  const body = el('history-rows');
  body.replaceChildren();
  for (const event of job.historyEvents || []) {
    const row = document.createElement('tr');
    row.append(cell('When', localTime(event.timestamp)), cell('Event', event.eventType),
      cell('Days done', String(event.partitionsDone), 'num'), cell('Instance', event.instance || ''),
      cell('Reason', event.reason || ''));
    body.append(row);
  }
}

async function openDetail(id) {
  detailId = id;
  const known = rows.get(id);
  if (known) showDetail(known.job);
  await refreshJob(id);
  el('detail-document').focus();
}

// Suspend, resume, rewind: 202 and the job changes; restart: 202 with the job that runs (maybe a new one).
async function control(action, question, done) {
  if (!detailId || !confirm(question + ' job ' + detailId + '?')) return;
  const id = detailId;
  const response = await api('POST', '/api/status/' + encodeURIComponent(id) + '/' + action
    + (action === 'restart' ? '' : '?reason=' + encodeURIComponent('From the monitor page')));
  if (response.status !== 202) {
    say(await problemText(response), true);
    return;
  }
  if (action === 'restart') {
    const accepted = await response.json();
    say('Job ' + id + ' restarted as job ' + accepted.id + '.');
    await loadJobs(false);
    await openDetail(accepted.id);
    return;
  }
  say('Job ' + id + ' ' + done + '.');
  await refreshJob(id);
  await loadHistory(id);
}

async function terminate() {
  if (!detailId || !confirm('Terminate job ' + detailId + '?')) return;
  const response = await api('POST', '/api/status/' + encodeURIComponent(detailId)
    + '/terminate?reason=' + encodeURIComponent('Terminated from the monitor page'));
  if (response.status === 202) say('Job ' + detailId + ' terminated.');
  else say(await problemText(response), true);
  await refreshJob(detailId);
}

async function purge() {
  if (!detailId || !confirm('Purge job ' + detailId + '? Its status and result will be gone.')) return;
  const id = detailId;
  const response = await api('DELETE', '/api/status/' + encodeURIComponent(id));
  if (response.status === 200) {
    say('Job ' + id + ' purged.');
    removeRow(id);
    closeDetail();
  } else {
    say(await problemText(response), true);
  }
}

function closeDetail() {
  detailId = null;
  el('detail').hidden = true;
}

// --- Submit ---------------------------------------------------------------------------------------------
async function submit(event) {
  event.preventDefault();
  let response;
  try {
    response = await api('POST', '/api/submit/query', { body: { s: el('start').value, e: el('end').value } });
  } catch (e) {
    say(e.message, true);
    return;
  }
  if (response.status === 202 || response.status === 200) {
    const accepted = await response.json();
    say('Job ' + accepted.id + ' started.');
    await loadJobs(false);
  } else {
    say(await problemText(response), true);
  }
}

function init() {
  const today = new Date();
  const monthAgo = new Date(today.getTime() - 30 * 86400000);
  el('start').value = monthAgo.toISOString().slice(0, 10);
  el('end').value = today.toISOString().slice(0, 10);
  el('submit-form').addEventListener('submit', submit);
  const load = (append) => loadJobs(append).catch((e) => say(e.message, true));
  el('state-filter').addEventListener('change', () => load(false));
  el('refresh').addEventListener('click', () => load(false));
  el('more').addEventListener('click', () => load(true));
  el('terminate').addEventListener('click', () => terminate().catch((e) => say(e.message, true)));
  for (const [action, question, done] of [['suspend', 'Suspend', 'suspended'], ['resume', 'Resume', 'resumed'],
    ['rewind', 'Rewind', 'rewound'], ['restart', 'Restart', 'restarted']]) {
    el(action).addEventListener('click', () => control(action, question, done).catch((e) => say(e.message, true)));
  }
  el('purge').addEventListener('click', () => purge().catch((e) => say(e.message, true)));
  el('close-detail').addEventListener('click', closeDetail);
  setInterval(() => { // the durations of unfinished jobs tick
    for (const { row, job } of rows.values()) {
      if (!FINISHED.has(job.runtimeStatus)) row.querySelector('[data-label="Duration"]').textContent = duration(job);
    }
  }, 1000);
  showWho();
  load(false);
}

init();
