// `/proctor/sessions/{id}`: everything that happened in a session, oldest first — integrity events,
// flags, proctor actions (with who and why) and the times answers were saved.

import { $, el, page, t } from './dom.js';
import { api, ready, report, word } from './staff.js';

function at(iso) {
  return new Date(iso).toLocaleString(page.lang, { dateStyle: 'short', timeStyle: 'medium' });
}

/** What an entry's detail says, in a line. */
function detail(entry) {
  const d = entry.detail || {};
  switch (entry.kind) {
    case 'action':
      return [d.reason, d.seconds ? `+${d.seconds} s` : null, d.scope].filter(Boolean).join(' · ');
    case 'flag':
      return `${word('severity', d.severity)} · ×${d.count}`;
    case 'save':
      return d.time_on_item_ms ? `${Math.round(d.time_on_item_ms / 1000)} s` : '';
    default:
      return [d.source, d.section, d.detail ? JSON.stringify(d.detail) : null].filter(Boolean).join(' · ');
  }
}

function name(entry) {
  if (entry.kind === 'action') return word('action', entry.name);
  if (entry.kind === 'save') return t('timeline.position', { n: entry.detail?.position });
  return entry.name;
}

async function load() {
  try {
    const { entries } = await api('GET', `/api/v1/sessions/${page.id}/timeline`);
    $('timeline').tBodies[0].replaceChildren(...entries.map((e) =>
      el('tr', { 'data-kind': e.kind },
        el('td', { class: 'num', text: at(e.at) }),
        el('td', { text: word('kind', e.kind) }),
        el('th', { scope: 'row', text: name(e) }),
        el('td', { text: detail(e) }))));
    $('timeline-empty').hidden = entries.length > 0;
  } catch (error) {
    report(error);
  }
}

if (ready) load();
