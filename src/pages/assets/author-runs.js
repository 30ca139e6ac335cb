// `/author/calibration`: the calibration runs, newest first, and starting one from the responses of
// finished sessions (it is stored, not applied: its page shows what it would change).

import { $, el, message, t } from './dom.js';
import { api, ready, report, when, word } from './staff.js';

async function load() {
  try {
    const runs = await api('GET', '/api/v1/calibration-runs');
    $('runs').tBodies[0].replaceChildren(...runs.map((r) => el('tr', {},
      el('th', { scope: 'row' }, el('a', { href: `/author/calibration/${r.id}`, text: when(r.created_at) })),
      el('td', { text: word('model', r.model) }),
      el('td', { text: String(r.n_persons) }),
      el('td', { text: String(r.n_items) }),
      el('td', { text: t(r.converged ? 'author.yes' : 'author.no') }),
      el('td', { text: r.applied_at ? when(r.applied_at) : t('author.no') }))));
    $('runs-empty').hidden = runs.length > 0;
  } catch (error) {
    report(error);
  }
}

async function start(event) {
  event.preventDefault();
  const form = $('run-form');
  const box = $('run-message');
  const min = Number(form.elements.min_responses.value);
  if (!Number.isInteger(min) || min < 1) {
    form.elements.min_responses.setAttribute('aria-invalid', 'true');
    message(box, t('author.run.min_needed'));
    return;
  }
  form.elements.min_responses.removeAttribute('aria-invalid');
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  message(box, t('author.runs.running'), 'info');
  try {
    const run = await api('POST', '/api/v1/calibration-runs', { model: form.elements.model.value, min_responses: min });
    location.assign(`/author/calibration/${run.id}`);
  } catch (error) {
    report(error, box);
    if (error?.detail && error.status === 409) box.append(` ${error.detail}`);
    button.disabled = false;
  }
}

if (ready) {
  $('run-form').addEventListener('submit', start);
  load();
}
