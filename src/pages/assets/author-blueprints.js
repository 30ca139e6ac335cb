// `/author/blueprints`: the latest version of every blueprint, each leading to its page.

import { $, el } from './dom.js';
import { api, ready, report } from './staff.js';

async function load() {
  try {
    const blueprints = await api('GET', '/api/v1/blueprints');
    $('blueprints').tBodies[0].replaceChildren(...blueprints.map((b) => el('tr', {},
      el('th', { scope: 'row' }, el('a', { class: 'mono', href: `/author/blueprints/${b.id}`, text: b.id })),
      el('td', { text: String(b.version) }),
      el('td', { lang: 'kk', text: b.title }),
      el('td', { text: b.sections.map((s) => `${s.id} (${s.items})`).join(', ') }))));
    $('blueprints-empty').hidden = blueprints.length > 0;
  } catch (error) {
    report(error);
  }
}

if (ready) load();
