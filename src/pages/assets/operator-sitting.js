// `/operator/sittings/{id}`: registering candidates to the sitting and the sitting's registrations and
// results. Registering shows the candidate's access-code slip at once, to print: the API returns the
// code only in that answer, and this page keeps it only in memory while the slip is shown — closing
// the slip or leaving the page loses it for good.

import { $, el, level, message, page, sectionName, t } from './dom.js';
import { search } from './candidate-list.js';
import { api, ready, report, when, word } from './staff.js';
import { summary } from './sittings.js';

const sittingId = page.id;
let sitting = null;

function registerButton(candidate) {
  return el('button', { type: 'button', text: t('button.register'), on: { click: () => register(candidate) } });
}

async function find(event) {
  event?.preventDefault();
  try {
    await search('register-candidates', $('register-search-q').value.trim(), registerButton);
  } catch (error) {
    report(error, $('register-message'));
  }
}

async function register(candidate) {
  const box = $('register-message');
  message(box, '');
  try {
    const registration = await api('POST', `/api/v1/sittings/${sittingId}/registrations`, {
      candidate_id: candidate.id,
    });
    showSlip(candidate, registration);
    loadResults();
  } catch (error) {
    report(error, box);
  }
}

function showSlip(candidate, registration) {
  $('slip-name').textContent = candidate.full_name;
  $('slip-document').textContent = candidate.document_number;
  $('slip-test').textContent = sitting ? sitting.blueprint : '';
  $('slip-window').textContent = sitting ? `${when(sitting.opens_at)} – ${when(sitting.closes_at)}` : '';
  $('slip-registration').textContent = registration.registration_id;
  $('slip-code').textContent = registration.access_code;
  $('sitting-work').hidden = true;
  $('slip').hidden = false;
  $('slip-heading').tabIndex = -1;
  $('slip-heading').focus();
}

/** Closes the slip: the code is gone from the page. */
function closeSlip() {
  for (const id of ['slip-name', 'slip-document', 'slip-registration', 'slip-code']) $(id).textContent = '';
  $('slip').hidden = true;
  $('sitting-work').hidden = false;
  $('register-search-q').focus();
}

function outcome(result) {
  if (!result) return '—';
  const sections = result.sections.map((s) => `${sectionName(s.id)} ${Math.round(s.percent)} %`).join(', ');
  return [level(result.level), t(`decision.${result.decision}`), word('outcome', result.status), sections]
    .join(' · ');
}

async function loadResults() {
  try {
    const { results } = await api('GET', `/api/v1/sittings/${sittingId}/results`);
    const rows = results.map((r) => el('tr', { 'data-registration': r.registration_id },
      el('th', { scope: 'row', text: r.candidate.full_name }),
      el('td', { class: 'mono', text: r.candidate.document_number }),
      el('td', { class: 'mono', text: r.registration_id }),
      el('td', { text: word('status', r.session_status) }),
      el('td', { text: outcome(r.result) })));
    $('results').tBodies[0].replaceChildren(...rows);
    $('results-empty').hidden = results.length > 0;
  } catch (error) {
    report(error);
  }
}

async function start() {
  try {
    sitting = await api('GET', `/api/v1/sittings/${sittingId}`);
    $('sitting-summary').textContent = summary(sitting);
  } catch (error) {
    report(error);
  }
  loadResults();
  find();
}

if (ready) {
  $('register-search').addEventListener('submit', find);
  $('slip-print').addEventListener('click', () => window.print());
  $('slip-done').addEventListener('click', closeSlip);
  start();
}
