// The rows of a result's section scores (the result screen and the printed certificate).

import { el, number, sectionName, t } from './dom.js';

export function fillScores(tbody, sections) {
  tbody.replaceChildren(
    ...sections.map((s) =>
      el(
        'tr',
        {},
        el('th', { scope: 'row', text: sectionName(s.id) }),
        el('td', { text: `${number(s.raw)} / ${s.max}` }),
        el('td', { text: `${number(s.percent)} %` }),
        el('td', { text: t(s.passed ? 'result.passed' : 'result.not_passed') }),
      ),
    ),
  );
}
