// `/author/items/{id}`: one item. Its latest version previewed exactly as a candidate's page draws it
// (the same code, `question.js`), its characteristic curve and information (drawn by the server), the
// lifecycle's buttons for the moves its state allows (each with a comment), the draft editor while it
// is a draft, a new version once it is not, the QTI export, every version, the status history and the
// statistics.

import { $, el, has, message, number, page, t } from './dom.js';
import { fill, missing, problem, read, wire } from './item-form.js';
import { save, showPicture } from './picture.js';
import { question } from './question.js';
import { api, ready, report, staffFile, when, word } from './staff.js';

const id = page.id;
const base = `/api/v1/items/${id}`;
/** The moves each state allows, in the order the buttons stand. */
const MOVES = {
  draft: ['review'],
  review: ['approved', 'draft'],
  approved: ['operational', 'pretest', 'retired'],
  pretest: ['operational', 'retired'],
  operational: ['retired'],
  retired: [],
};
const form = $('item-form');
const comment = $('lifecycle-comment');
let latest = null;

function parameters(p) {
  const values = Object.entries(p.params || {})
    .filter(([, v]) => typeof v === 'number' || Array.isArray(v))
    .map(([k, v]) => `${k} = ${Array.isArray(v) ? v.map(number).join(', ') : number(v)}`);
  return `${p.params?.model || ''} ${values.join('; ')} (${word('param_status', p.status)})`;
}

function renderTables(detail) {
  $('versions').tBodies[0].replaceChildren(...detail.versions.map((v) => el('tr', {},
    el('th', { scope: 'row', text: String(v.version) }),
    el('td', { text: word('item_status', v.status) }),
    el('td', { text: when(v.created_at) }),
    el('td', { class: 'mono', text: v.created_by || '—' }),
    el('td', { text: t(v.used ? 'author.yes' : 'author.no') }),
    el('td', { text: parameters(v.parameters) }))));
  $('versions-empty').hidden = detail.versions.length > 0;
  $('history').tBodies[0].replaceChildren(...detail.history.map((h) => el('tr', {},
    el('th', { scope: 'row', text: when(h.at) }),
    el('td', { text: String(h.version) }),
    el('td', { text: h.from ? `${word('item_status', h.from)} → ${word('item_status', h.to)}` : word('item_status', h.to) }),
    el('td', { class: 'mono', text: h.actor }),
    el('td', { text: h.comment }))));
  $('history-empty').hidden = detail.history.length > 0;
  const s = detail.statistics;
  const fact = (key, value) => [el('dt', { text: t(key) }), el('dd', { text: value })];
  const shares = (map) => Object.entries(map || {}).map(([k, v]) => `${k || '—'}: ${number(v)}`).join(', ') || '—';
  $('statistics').replaceChildren(
    ...fact('author.stats.n', String(s.n)),
    ...fact('author.stats.p_value', s.p_value === undefined ? '—' : number(s.p_value)),
    ...fact('author.stats.point_biserial', s.point_biserial === undefined ? '—' : number(s.point_biserial)),
    ...fact('author.stats.options', shares(s.options)),
    ...fact('author.stats.exposure', shares(s.exposure)),
    ...fact('author.stats.dif', s.dif ? `${s.dif.category} (Δ ${number(s.dif.delta)}, ${s.dif.reference} / ${s.dif.focal})` : '—'));
}

function renderLifecycle() {
  const moves = MOVES[latest.status] || [];
  $('transitions').replaceChildren(...moves.map((to) => el('button', {
    type: 'button',
    class: to === moves[0] ? 'primary' : null,
    text: t(`transition.${to}`),
    on: { click: () => move(to) },
  })));
  $('new-version').hidden = latest.status === 'draft';
}

async function renderPreview() {
  try {
    const view = await api('GET', `${base}/preview?version=${latest.version}`);
    $('preview').replaceChildren(...question(view, {
      give: () => {},
      getFile: staffFile,
      onError: (error) => report(error),
      playsLeft: view.plays_left,
    }));
  } catch (error) {
    report(error);
  }
  showPicture($('curves'), `${base}/curves?version=${latest.version}&lang=${page.lang}`).catch((e) => report(e));
}

function render(detail) {
  latest = detail.versions[detail.versions.length - 1];
  $('item-summary').textContent = t('author.item.summary', {
    version: latest.version,
    status: word('item_status', latest.status),
    section: latest.item.section,
    level: latest.item.level,
    type: word('type', latest.item.type),
  });
  renderLifecycle();
  renderTables(detail);
  $('draft').hidden = latest.status !== 'draft';
  if (latest.status === 'draft') fill(form, latest.item);
  renderPreview();
}

async function load() {
  try {
    render(await api('GET', base));
  } catch (error) {
    report(error);
  }
}

async function move(to) {
  const box = $('lifecycle-message');
  if (!comment.value.trim()) {
    comment.setAttribute('aria-invalid', 'true');
    message(box, t('author.lifecycle.comment_needed'));
    comment.focus();
    return;
  }
  comment.removeAttribute('aria-invalid');
  for (const button of $('transitions').querySelectorAll('button')) button.disabled = true;
  try {
    const detail = await api('POST', `${base}/transitions`, { to, comment: comment.value.trim() });
    comment.value = '';
    render(detail);
    message(box, t('author.lifecycle.moved', { status: word('item_status', to) }), 'info');
  } catch (error) {
    report(error, box);
    // A refusal's reason (the other author, the blueprints that need the item) is in its detail.
    if (error?.detail && has(`error.${error.code}`) && error.status !== 401 && error.status !== 403) {
      box.append(` ${error.detail}`);
    }
    renderLifecycle();
  }
}

async function saveDraft(event) {
  event.preventDefault();
  const box = $('item-message');
  const gap = missing(form);
  if (gap) {
    message(box, gap);
    return;
  }
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    render(await api('PUT', `${base}/draft`, read(form, latest.item)));
    message(box, t('staff.saved'), 'info');
  } catch (error) {
    problem(error);
  } finally {
    button.disabled = false;
  }
}

if (ready) {
  wire(form);
  form.addEventListener('submit', saveDraft);
  $('new-version').addEventListener('click', async () => {
    try {
      render(await api('POST', `${base}/versions`));
      message($('lifecycle-message'), t('author.item.version_opened'), 'info');
    } catch (error) {
      report(error, $('lifecycle-message'));
    }
  });
  $('export-item').addEventListener('click', async () => {
    try {
      save(await staffFile(`/api/v1/qti/export?item=${encodeURIComponent(id)}`), `${id}.zip`);
    } catch (error) {
      report(error, $('lifecycle-message'));
    }
  });
  load();
}
