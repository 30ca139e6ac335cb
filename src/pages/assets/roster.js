// `/proctor/sittings/{id}`: a sitting's live roster. The roster route is read every 2 seconds and each
// row is updated in place (a row per registration), so changes show without reloading and the focus
// stays where it was; between reads the time left counts down here. Every proctor action asks for its
// reason (and Seconds for Extend) in a dialog and is sent with Confirm.

import { $, el, message, page, sectionName, t } from './dom.js';
import { api, ask, clockTime, duration, ready, report, word } from './staff.js';
import { summary } from './sittings.js';

const POLL_MS = 2000;

/** The actions a session in each state can take. */
const ACTIONS = {
  awaiting_authorization: ['authorize', 'extend', 'terminate', 'report'],
  in_progress: ['pause', 'extend', 'terminate', 'report'],
  paused: ['resume', 'extend', 'terminate', 'report'],
  terminated: ['reactivate', 'report'],
};

const sittingId = page.id;
/** registration id → { cells, data, at (when `data` was read, local ms) }. */
const rows = new Map();
let timer = null;
let reading = false;

function newRow(registrationId) {
  const cells = {
    name: el('th', { scope: 'row' }),
    status: el('td'),
    section: el('td'),
    left: el('td', { class: 'num' }),
    seen: el('td', { class: 'num' }),
    flags: el('td'),
    actions: el('td', { class: 'actions' }),
  };
  const tr = el('tr', { 'data-registration': registrationId }, ...Object.values(cells));
  $('roster').tBodies[0].append(tr);
  return { cells, data: null, at: 0 };
}

function timeLeft(row) {
  const s = row.data.remaining_seconds;
  if (s === null || s === undefined) return '—';
  const running = row.data.status === 'in_progress';
  return duration(running ? s - (Date.now() - row.at) / 1000 : s);
}

function flags(summary) {
  if (!summary.open) return el('span', { text: t('roster.no_flags') });
  return el('span', {
    class: `flag-${summary.max_severity}`,
    text: t('roster.flag_count', { n: summary.open, severity: word('severity', summary.max_severity) }),
  });
}

function actionButtons(data) {
  const buttons = (ACTIONS[data.status] || []).map((action) =>
    el('button', { type: 'button', text: t(`action.${action}`), on: { click: () => act(data, action) } }));
  const links = data.session_id ? [el('a', { href: `/proctor/sessions/${data.session_id}`, text: t('roster.timeline') })] : [];
  return [...buttons, ...links];
}

function update(data) {
  const row = rows.get(data.registration_id) || newRow(data.registration_id);
  rows.set(data.registration_id, row);
  const before = row.data;
  row.data = data;
  row.at = Date.now();
  const c = row.cells;
  c.name.textContent = data.candidate.full_name;
  if (!before || before.status !== data.status) {
    c.status.replaceChildren(el('span', { class: 'status', 'data-status': data.status, text: word('status', data.status) }));
    c.actions.replaceChildren(...actionButtons(data));
  }
  c.section.textContent = data.current_section ? sectionName(data.current_section) : '—';
  c.left.textContent = timeLeft(row);
  c.seen.textContent = clockTime(data.last_seen_at);
  c.flags.replaceChildren(flags(data.flags));
}

async function read() {
  if (reading) return;
  reading = true;
  clearTimeout(timer);
  try {
    const roster = await api('GET', `/api/v1/sittings/${sittingId}/roster`);
    for (const data of roster.sessions) update(data);
    $('roster-empty').hidden = roster.sessions.length > 0;
    $('roster-updated').textContent = t('roster.updated', { time: clockTime(new Date().toISOString()) });
    message($('staff-message'), '');
  } catch (error) {
    report(error);
  } finally {
    reading = false;
    timer = setTimeout(read, POLL_MS);
  }
}

function act(data, action) {
  const name = data.candidate.full_name;
  const extend = action === 'extend';
  ask('action', {
    heading: t('action.heading', { action: t(`action.${action}`), name }),
    prepare: () => {
      $('action-seconds-field').hidden = !extend;
      $('action-scope-field').hidden = !extend;
      $('action-seconds').required = extend;
    },
    check: (form) => (extend && !(Number(form.seconds.value) > 0) ? 'action.seconds_needed' : null),
    send: async (form) => {
      const body = { action, reason: form.reason.value.trim() };
      if (extend) Object.assign(body, { seconds: Number(form.seconds.value), scope: form.scope.value });
      const outcome = await api('POST', `/api/v1/sessions/${data.session_id}/proctor-actions`, body);
      $('roster-announce').textContent = t('roster.done', {
        action: t(`action.${action}`),
        name,
        status: word('status', outcome.status),
      });
      read();
    },
  });
}

async function start() {
  try {
    $('sitting-summary').textContent = summary(await api('GET', `/api/v1/sittings/${sittingId}`));
  } catch (error) {
    report(error);
  }
  read();
  setInterval(() => {
    for (const row of rows.values()) if (row.data?.status === 'in_progress') row.cells.left.textContent = timeLeft(row);
  }, 1000);
}

if (ready) start();
