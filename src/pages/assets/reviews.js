// `/proctor/reviews`: the held results with their flags. An admin releases (certifies) or voids each,
// with a reason, and may ban the candidate when voiding; a proctor reads the queue (the API refuses
// them the decision, and the page says so).

import { $, el, t } from './dom.js';
import { api, ask, ready, report, when, word } from './staff.js';

function flags(review) {
  return el('ul', { class: 'plain' }, ...review.flags.map((f) =>
    el('li', { class: `flag-${f.severity}`, text: `${f.rule} (${word('severity', f.severity)})` })));
}

function decision(review) {
  if (!review.decision) return '—';
  const text = t('reviews.decided', { decision: word('decided', review.decision), reason: review.reason || '' });
  return review.ban ? `${text} · ${t('reviews.banned')}` : text;
}

function decide(review, choice) {
  const name = review.candidate.full_name;
  ask('decide', {
    heading: t('action.heading', { action: t(`decide.${choice}`), name }),
    prepare: () => {
      $('decide-ban-field').hidden = choice !== 'void';
    },
    send: async (form) => {
      await api('POST', `/api/v1/reviews/${review.session_id}`, {
        decision: choice,
        reason: form.reason.value.trim(),
        ban: choice === 'void' && form.ban.checked,
      });
      load();
    },
  });
}

function row(review) {
  const actions = review.status === 'open'
    ? ['release', 'void'].map((choice) =>
      el('button', { type: 'button', text: t(`decide.${choice}`), on: { click: () => decide(review, choice) } }))
    : [];
  return el('tr', { 'data-session': review.session_id },
    el('th', { scope: 'row' }, review.candidate.full_name, el('br'),
      el('span', { class: 'mono', text: review.candidate.document_number })),
    el('td', { text: when(review.opened_at) }),
    el('td', {}, flags(review)),
    el('td', { text: decision(review) }),
    el('td', { class: 'actions' }, ...actions,
      el('a', { href: `/proctor/sessions/${review.session_id}`, text: t('roster.timeline') })));
}

async function load() {
  try {
    const { reviews } = await api('GET', `/api/v1/reviews?status=${$('review-state').value}`);
    $('reviews').tBodies[0].replaceChildren(...reviews.map(row));
    $('reviews-empty').hidden = reviews.length > 0;
  } catch (error) {
    report(error);
  }
}

if (ready) {
  $('review-state').addEventListener('change', load);
  load();
}
