// Candidates as operators find and correct them: the search over the API, the table of what it found,
// and the candidate form's fields.

import { $, el } from './dom.js';
import { api } from './staff.js';

/** The candidate form's fields as the API takes them. */
export function fieldsOf(form) {
  const optional = (field) => (field.value.trim() ? field.value : null);
  return {
    full_name: form.full_name.value,
    document_number: form.document_number.value,
    birth_date: optional(form.birth_date),
    citizenship: optional(form.citizenship),
  };
}

/** Puts a candidate into the form. */
export function fill(form, candidate) {
  form.full_name.value = candidate.full_name;
  form.document_number.value = candidate.document_number;
  form.birth_date.value = candidate.birth_date || '';
  form.citizenship.value = candidate.citizenship || '';
}

function row(candidate, action) {
  return el('tr', { 'data-candidate': candidate.id },
    el('th', { scope: 'row' }, el('a', { href: `/operator/candidates/${candidate.id}`, text: candidate.full_name })),
    el('td', { class: 'mono', text: candidate.document_number }),
    el('td', { text: candidate.birth_date || '—' }),
    el('td', { text: candidate.citizenship || '—' }),
    action ? el('td', { class: 'actions' }, action(candidate)) : null);
}

/**
 * Searches for `q` (the newest candidates when empty) and fills the table `id`; `action(candidate)`,
 * when given, makes the content of each row's last cell. Throws `Problem` or `Offline`.
 */
export async function search(id, q, action) {
  const path = q ? `/api/v1/candidates?q=${encodeURIComponent(q)}` : '/api/v1/candidates';
  const { candidates } = await api('GET', path);
  $(id).tBodies[0].replaceChildren(...candidates.map((c) => row(c, action)));
  $(`${id}-empty`).hidden = candidates.length > 0;
}
