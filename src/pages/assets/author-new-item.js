// `/author/items/new`: writing a new item; it is stored as a draft (version 1) and its page opens. What
// is typed is kept across an expired sign-in and a trip to the sign-in page.

import { $, message } from './dom.js';
import { missing, problem, read, wire } from './item-form.js';
import { api, forget, keep, ready } from './staff.js';

const form = $('item-form');

async function create(event) {
  event.preventDefault();
  const gap = missing(form);
  if (gap) {
    message($('item-message'), gap);
    return;
  }
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const created = await api('POST', '/api/v1/items', read(form));
    forget(form);
    location.assign(`/author/items/${created.id}`);
  } catch (error) {
    problem(error);
    button.disabled = false;
  }
}

if (ready) {
  keep(form);
  wire(form);
  form.addEventListener('submit', create);
}
