// `/author`: the item bank, the latest version of each item, filtered (section, level, type, status),
// searched (in any alphabet) and paged (by the API's cursor). The filters are kept across a trip to
// the sign-in page.

import { $, el, number, t } from './dom.js';
import { api, keep, ready, report, word } from './staff.js';

const PAGE = 20;
const form = $('item-filter');
/** The cursors of the pages shown so far: the first page has none. */
let cursors = [null];

function query(cursor) {
  const params = new URLSearchParams({ limit: String(PAGE) });
  for (const field of form.elements) if (field.name && field.value.trim()) params.set(field.name, field.value.trim());
  if (cursor) params.set('cursor', cursor);
  return params;
}

function row(item) {
  const p = item.statistics?.p_value;
  return el('tr', {},
    el('th', { scope: 'row' }, el('a', { class: 'mono', href: `/author/items/${item.id}`, text: item.id })),
    el('td', { text: `${word('item_status', item.status)} (v${item.version})` }),
    el('td', { text: item.section }),
    el('td', { text: item.level }),
    el('td', { text: word('type', item.type) }),
    el('td', { lang: 'kk', text: item.stem }),
    el('td', { text: p === undefined || p === null ? '—' : number(p) }));
}

async function load() {
  const cursor = cursors[cursors.length - 1];
  try {
    const page = await api('GET', `/api/v1/items?${query(cursor)}`);
    $('items').tBodies[0].replaceChildren(...page.items.map(row));
    $('items-empty').hidden = page.items.length > 0;
    $('page-next').disabled = !page.next_cursor;
    $('page-next').dataset.cursor = page.next_cursor || '';
    $('page-first').disabled = cursors.length === 1;
    $('page-number').textContent = t('author.pager.page', { n: cursors.length });
  } catch (error) {
    report(error);
  }
}

if (ready) {
  keep(form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    cursors = [null];
    load();
  });
  $('page-next').addEventListener('click', () => {
    cursors.push($('page-next').dataset.cursor);
    load();
  });
  $('page-first').addEventListener('click', () => {
    cursors = [null];
    load();
  });
  load();
}
