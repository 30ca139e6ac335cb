// `/operator/candidates/{id}`: correcting a candidate's details (the API records each correction).

import { $, message, page, t } from './dom.js';
import { fieldsOf, fill } from './candidate-list.js';
import { api, forget, keep, ready, report } from './staff.js';

const form = $('candidate-edit');

async function load() {
  try {
    fill(form, await api('GET', `/api/v1/candidates/${page.id}`));
    keep(form);
  } catch (error) {
    report(error);
  }
}

async function save(event) {
  event.preventDefault();
  const box = $('candidate-message');
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    fill(form, await api('PUT', `/api/v1/candidates/${page.id}`, fieldsOf(form)));
    forget(form);
    message(box, t('staff.saved'), 'info');
  } catch (error) {
    report(error, box);
  } finally {
    button.disabled = false;
  }
}

if (ready) {
  form.addEventListener('submit', save);
  load();
}
