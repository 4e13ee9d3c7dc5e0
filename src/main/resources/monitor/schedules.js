// The monitor page's schedules (SPEC §17): each with when it runs, its next run and its recent jobs; pause,
// unpause and trigger. Uses monitor.js's api(), el(), cell(), say(), localTime() and problemText(), and only the
// public API.
'use strict';

let scheduleContinuation = null;
let scheduleListings = 0;

function when(schedule) {
  const timing = schedule.cron ? 'cron ' + schedule.cron + ' (' + schedule.timeZone + ')' : 'every ' + schedule.every;
  return timing + ', overlap ' + schedule.overlap;
}

function rangeText(range) {
  if (range.lastDays) return 'last ' + range.lastDays + ' days';
  if (range.previousMonth) return 'previous month';
  return range.s + ' – ' + range.e;
}

function renderSchedule(schedule) {
  const row = document.createElement('tr');
  row.dataset.id = schedule.id;
  row.dataset.paused = String(schedule.paused);
  const name = document.createElement('span');
  name.textContent = schedule.name;
  const nameBox = document.createElement('div');
  nameBox.append(name);
  if (schedule.paused) {
    const paused = document.createElement('span');
    paused.className = 'paused';
    paused.textContent = ' paused';
    nameBox.append(paused);
  }
  row.append(cell('Schedule', nameBox), cell('When', when(schedule)), cell('Range', rangeText(schedule.range)));
  row.append(cell('Next run', schedule.paused ? '' : localTime(schedule.nextRunTimes[0]), 'next-run'));

  const recent = document.createElement('div');
  recent.className = 'recent-jobs';
  for (const job of schedule.recentJobs) {
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'job-link';
    open.textContent = job.id.slice(0, 8) + ' ' + job.status;
    open.title = 'Open job ' + job.id + ', made for ' + localTime(job.occurrenceTime);
    open.addEventListener('click', () => openScheduledJob(job.id).catch((e) => say(e.message, true)));
    recent.append(open);
  }
  row.append(cell('Recent jobs', recent, 'recent'));

  const actions = document.createElement('div');
  actions.className = 'actions';
  for (const [action, label] of [[schedule.paused ? 'unpause' : 'pause', schedule.paused ? 'Unpause' : 'Pause'],
    ['trigger', 'Run now']]) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'schedule-' + action;
    button.textContent = label;
    button.setAttribute('aria-label', label + ' schedule ' + schedule.name);
    button.addEventListener('click', () => scheduleAction(schedule, action).catch((e) => say(e.message, true)));
    actions.append(button);
  }
  row.append(cell('Actions', actions));
  return row;
}

async function loadSchedules(append) {
  const asked = ++scheduleListings;
  if (!append) scheduleContinuation = null;
  const response = await api('GET', '/api/schedules?top=20',
    { headers: scheduleContinuation ? { 'x-ms-continuation-token': scheduleContinuation } : {} });
  if (asked !== scheduleListings) return;
  if (!response.ok) {
    say(await problemText(response), true);
    return;
  }
  const schedules = await response.json();
  if (asked !== scheduleListings) return;
  scheduleContinuation = response.headers.get('x-ms-continuation-token');
  const body = el('schedule-rows');
  if (!append) body.replaceChildren();
  for (const schedule of schedules) body.append(renderSchedule(schedule));
  el('no-schedules').hidden = body.children.length > 0;
  el('more-schedules').hidden = !scheduleContinuation;
}

// Pause and unpause answer the schedule; trigger answers the check-status body of its new job (409: the overlap
// rule skipped it).
async function scheduleAction(schedule, action) {
  const response = await api('POST', '/api/schedules/' + encodeURIComponent(schedule.id) + '/' + action);
  if (action === 'trigger') {
    if (response.status !== 202) {
      say(await problemText(response), true);
      return;
    }
    const accepted = await response.json();
    say('Schedule ' + schedule.name + ' started job ' + accepted.id + '.');
    await loadJobs(false);
  } else if (response.ok) {
    say('Schedule ' + schedule.name + (action === 'pause' ? ' paused.' : ' unpaused.'));
  } else {
    say(await problemText(response), true);
  }
  await loadSchedules(false);
}

async function openScheduledJob(id) {
  if (!rows.has(id)) {
    const response = await api('GET', '/api/status/' + encodeURIComponent(id));
    if (!response.ok && response.status !== 202) {
      say(await problemText(response), true);
      return;
    }
    el('job-rows').prepend(render(await response.json()));
    el('empty').hidden = true;
  }
  await openDetail(id);
}

function initSchedules() {
  const load = (append) => loadSchedules(append).catch((e) => say(e.message, true));
  el('refresh-schedules').addEventListener('click', () => load(false));
  el('more-schedules').addEventListener('click', () => load(true));
  setInterval(() => { if (!document.hidden) load(false); }, 10000); // next runs and recent jobs move on
  load(false);
}

initSchedules();
