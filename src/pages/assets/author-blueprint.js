// `/author/blueprints/{id}`: a blueprint's sections, whether the live bank can carry it (every unmet
// constraint named), and the picture of a simulation of its forms drawn as the service draws them:
// each section's test characteristic curves per form against the target, and item exposure; and its
// next version, written as JSON (the save refuses what the bank cannot carry, naming every problem).

import { $, el, has, message, page, t } from './dom.js';
import { showPicture } from './picture.js';
import { api, ready, report } from './staff.js';

const id = page.id;

/** The blueprint as the next version's starting point: its target left out, to be derived afresh. */
function nextVersion(bp) {
  const next = { ...bp, version: bp.version + 1 };
  delete next.target;
  return JSON.stringify(next, null, 2);
}

async function saveNext(event) {
  event.preventDefault();
  const box = $('edit-message');
  const field = $('edit-json');
  let body;
  try {
    body = JSON.parse(field.value);
  } catch (error) {
    field.setAttribute('aria-invalid', 'true');
    message(box, t('author.blueprint.not_json', { detail: error.message }));
    return;
  }
  field.removeAttribute('aria-invalid');
  const button = $('edit-form').querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const saved = await api('POST', '/api/v1/blueprints', body);
    await load();
    message(box, t('author.blueprint.saved', { version: saved.version }), 'info');
  } catch (error) {
    report(error, box);
    if (error?.detail && has(`error.${error.code}`) && error.status !== 401 && error.status !== 403) {
      box.append(` ${error.detail}`);
    }
  } finally {
    button.disabled = false;
  }
}

async function load() {
  try {
    const [bp, report_] = await Promise.all([
      api('GET', `/api/v1/blueprints/${id}`),
      api('GET', `/api/v1/blueprints/${id}/feasibility`),
    ]);
    $('blueprint-summary').textContent = t('author.blueprint.summary', {
      title: bp.title,
      version: bp.version,
      minutes: Math.round(bp.sections.reduce((s, x) => s + x.time_limit_seconds, 0) / 60),
    });
    message($('feasibility-verdict'), t(report_.feasible ? 'author.feasible' : 'author.infeasible'),
      report_.feasible ? 'info' : 'error');
    $('feasibility-problems').replaceChildren(...report_.problems.map((p) => el('li', { text: p })));
    $('supply').tBodies[0].replaceChildren(...report_.sections.map((s) => el('tr', {},
      el('th', { scope: 'row', text: s.id }),
      el('td', { text: String(s.items) }),
      el('td', { text: String(s.pretest) }),
      el('td', { text: String(s.operational_items) }),
      el('td', { text: String(s.pretest_items) }))));
    $('supply-empty').hidden = report_.sections.length > 0;
    $('edit-json').value = nextVersion(bp);
  } catch (error) {
    report(error);
  }
}

async function simulate(event) {
  event?.preventDefault();
  const input = $('simulation-forms');
  const forms = Number(input.value);
  const box = $('simulation-message');
  message(box, '');
  if (!Number.isInteger(forms) || forms < 1 || forms > Number(input.max)) {
    input.setAttribute('aria-invalid', 'true');
    message(box, t('author.simulation.forms_needed', { max: input.max }));
    return;
  }
  input.removeAttribute('aria-invalid');
  const button = $('simulation-form').querySelector('button[type="submit"]');
  button.disabled = true;
  $('simulation-status').textContent = t('author.simulation.running', { n: forms });
  try {
    await showPicture($('simulation'), `/api/v1/blueprints/${id}/simulation?forms=${forms}&lang=${page.lang}`);
    $('simulation-status').textContent = t('author.simulation.done', { n: forms });
  } catch (error) {
    $('simulation-status').textContent = '';
    report(error, box);
  } finally {
    button.disabled = false;
  }
}

if (ready) {
  $('simulation-form').addEventListener('submit', simulate);
  $('edit-form').addEventListener('submit', saveNext);
  load();
}
