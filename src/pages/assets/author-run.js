// `/author/calibration/{id}`: one calibration run: what it is, the picture of each estimated item's
// parameters before the run against the run's, the estimates, and applying it to the bank (once, and
// only a run that converged). Its estimates are shown 50 at first, all on request.

import { $, el, message, number, page, t } from './dom.js';
import { showPicture } from './picture.js';
import { api, ready, report, when, word } from './staff.js';

const id = page.id;
/** Estimates shown at first; the rest on request. */
const PAGE = 50;
let shown = null;

function params(p) {
  if (!p) return '—';
  const b = Array.isArray(p.b) ? p.b.map(number).join(', ') : p.b === undefined ? '' : number(p.b);
  return [p.a === undefined ? null : `a ${number(p.a)}`, b ? `b ${b}` : null, p.c ? `c ${number(p.c)}` : null]
    .filter(Boolean).join(', ');
}

function render(run) {
  $('run-summary').textContent = t('author.run.summary', {
    model: word('model', run.model),
    persons: run.n_persons,
    items: run.n_items,
    iterations: run.iterations,
    converged: t(run.converged ? 'author.run.did_converge' : 'author.run.did_not_converge'),
    created: when(run.created_at),
    applied: run.applied_at ? t('author.run.applied_at', { at: when(run.applied_at) }) : t('author.run.not_applied'),
  });
  $('apply').hidden = !run.converged || Boolean(run.applied_at);
  shown = run;
  showEstimates(PAGE);
}

/** The first `n` estimates, and a button for the rest when there are more. */
function showEstimates(n) {
  const estimates = shown.estimates;
  $('estimates').tBodies[0].replaceChildren(...estimates.slice(0, n).map((e) => el('tr', {},
    el('th', { scope: 'row' }, el('a', { class: 'mono', href: `/author/items/${e.id}`, text: e.id })),
    el('td', { text: String(e.version) }),
    el('td', { text: String(e.n) }),
    el('td', { text: params(e.before) }),
    el('td', { text: params(e.params) }),
    el('td', { text: t(e.anchor ? 'author.yes' : 'author.no') }))));
  $('estimates-empty').hidden = estimates.length > 0;
  const more = $('estimates-more');
  more.hidden = estimates.length <= n;
  more.textContent = t('author.run.show_all', { n: estimates.length });
}

async function load() {
  try {
    render(await api('GET', `/api/v1/calibration-runs/${id}`));
    await showPicture($('run-picture'), `/api/v1/calibration-runs/${id}/picture?lang=${page.lang}`);
  } catch (error) {
    report(error);
  }
}

async function apply() {
  const box = $('apply-message');
  $('apply').disabled = true;
  try {
    render(await api('POST', `/api/v1/calibration-runs/${id}/apply`));
    message(box, t('author.run.applied'), 'info');
  } catch (error) {
    report(error, box);
  } finally {
    $('apply').disabled = false;
  }
}

if (ready) {
  $('apply').addEventListener('click', apply);
  $('estimates-more').addEventListener('click', () => showEstimates(Infinity));
  load();
}
