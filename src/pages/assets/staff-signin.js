// `/staff`: signing in with a username and password, then each role's home screen: operators go to
// /operator, proctors to /proctor, authors to /author (or back to `?next=`, a staff page that sent the
// person here); an admin stays and is offered all three.

import { $, message, show, t } from './dom.js';
import { explainStaff, homeOf, session, signIn, word } from './staff.js';

/** The page to go back to: only a staff page of this site. */
function next() {
  const target = new URLSearchParams(location.search).get('next') || '';
  return /^\/(operator|proctor|author)(\/[^/]|[/?#]|$)/.test(target) ? target : null;
}

/** The home screen: the links the person's role may use. */
function home() {
  const role = session.role();
  $('home-who').textContent = t('staff.who', { user: session.username(), role: word('role', role || '') });
  for (const card of document.querySelectorAll('[data-home]')) {
    card.hidden = !(role === 'admin' || card.dataset.home === homeOf(role));
  }
  show('screen-home');
}

async function submit(event) {
  event.preventDefault();
  const box = $('signin-message');
  const username = $('signin-username');
  const password = $('signin-password');
  const empty = [username, password].filter((f) => !f.value.trim());
  for (const field of [username, password]) field.toggleAttribute('aria-invalid', empty.includes(field));
  if (empty.length) {
    message(box, t('error.invalid_credentials'));
    empty[0].focus();
    return;
  }
  const button = event.submitter || document.querySelector('#signin-form button');
  const label = button.textContent;
  button.disabled = true;
  button.textContent = t('signin.busy');
  try {
    await signIn(username.value.trim(), password.value);
    password.value = '';
    message(box, '');
    const role = session.role();
    const target = next() || (role === 'admin' ? null : homeOf(role));
    if (target && target !== '/staff') location.assign(target);
    else home();
  } catch (error) {
    message(box, explainStaff(error));
    password.select();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

$('signin-form').addEventListener('submit', submit);
if (session.token() && session.claims()?.exp * 1000 > Date.now()) home();
else show('screen-signin');
