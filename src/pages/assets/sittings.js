// The list of sittings, newest first, on the proctors' page (`/proctor`, each leading to its roster)
// and on the operators' (`/operator/sittings`, each leading to its registrations and results).

import { $, el, page, t } from './dom.js';
import { api, ready, report, when, word } from './staff.js';

/** A sitting's access rules in a few words. */
export function rules(access = {}) {
  const parts = [];
  if (access.ip_ranges?.length) parts.push(t('rules.ip_ranges', { ranges: access.ip_ranges.join(', ') }));
  if (access.require_authorization) parts.push(t('rules.authorization'));
  if (access.seb) parts.push(t('rules.seb'));
  if (access.proctors?.length) parts.push(t('rules.proctors', { names: access.proctors.join(', ') }));
  return parts.length ? parts.join('; ') : t('rules.none');
}

/** A sitting in one line: blueprint, mode and window. */
export function summary(s) {
  return t('sitting.summary', {
    blueprint: s.blueprint,
    mode: word('mode', s.mode),
    opens: when(s.opens_at),
    closes: when(s.closes_at),
  });
}

function row(s) {
  return el('tr', {},
    el('th', { scope: 'row' }, el('a', { href: `/${page.area}/sittings/${s.id}`, text: when(s.opens_at) })),
    el('td', { text: when(s.closes_at) }),
    el('td', { text: `${s.blueprint} (${s.blueprint_version})` }),
    el('td', { text: word('mode', s.mode) }),
    el('td', { text: rules(s.access) }));
}

/** Fills the table from the API. */
export async function loadSittings() {
  try {
    const { sittings } = await api('GET', '/api/v1/sittings');
    $('sittings').tBodies[0].replaceChildren(...sittings.map(row));
    $('sittings-empty').hidden = sittings.length > 0;
  } catch (error) {
    report(error);
  }
}

if (ready) loadSittings();
