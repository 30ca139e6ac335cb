// `/operator`: finding candidates by name or document number, and registering a new one. What is typed
// into the new candidate's form is kept across an expired sign-in.

import { $, message, t } from './dom.js';
import { fieldsOf, search } from './candidate-list.js';
import { api, forget, keep, ready, report } from './staff.js';

const form = $('candidate-form');
const finder = $('candidate-search');

async function find(event) {
  event?.preventDefault();
  try {
    await search('candidates', $('candidate-search-q').value.trim());
  } catch (error) {
    report(error);
  }
}

async function create(event) {
  event.preventDefault();
  const box = $('candidate-message');
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const candidate = await api('POST', '/api/v1/candidates', fieldsOf(form));
    forget(form);
    form.reset();
    message(box, t('candidates.created', { name: candidate.full_name }), 'info');
    $('candidate-search-q').value = candidate.document_number;
    await find();
  } catch (error) {
    report(error, box);
  } finally {
    button.disabled = false;
  }
}

if (ready) {
  keep(form);
  form.addEventListener('submit', create);
  finder.addEventListener('submit', find);
  find();
}
