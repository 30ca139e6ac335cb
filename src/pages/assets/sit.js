// The candidate's page: signing in, the checks before the clock starts, the runner, and the result.
//
// The token lives in sessionStorage and goes out as an Authorization header only. The session's id is
// remembered per registration in localStorage, so that after a reload or a crash the candidate comes
// back to the running test; on another computer, signing in and pressing Start resumes it (the server
// returns the session already started).

import { Offline, Problem, call, explain, token } from './api.js';
import { $, level, message, show, t } from './dom.js';
import { watchIntegrity } from './integrity.js';
import { Runner } from './runner.js';
import { fillScores } from './scores.js';

const SESSION = 'synaq.session';
const RESULT_RETRY_MS = 2000;
const REVIEW_RETRY_MS = 60_000;

/** Cyrillic letters that look like the hex digits of an id, as a Russian layout types them. */
const LOOK_ALIKES = { а: 'a', в: 'b', с: 'c', е: 'e' };

/**
 * A registration id as typed: any case, spaces and dashes anywhere, Cyrillic look-alikes; `null` when it
 * is not 32 hex digits.
 */
export function registrationId(raw) {
  const folded = raw
    .toLowerCase()
    .replace(/[\s\-\u2010-\u2015\u2212_]/g, '')
    .replace(/[авсе]/g, (c) => LOOK_ALIKES[c]);
  if (!/^[0-9a-f]{32}$/.test(folded)) return null;
  return [folded.slice(0, 8), folded.slice(8, 12), folded.slice(12, 16), folded.slice(16, 20), folded.slice(20)].join('-');
}

let runner = null;

function signInScreen(note) {
  message($('signin-message'), note || '', 'info');
  show('screen-signin');
}

async function signIn(event) {
  event.preventDefault();
  const box = $('signin-message');
  const field = $('registration-id');
  const id = registrationId(field.value);
  field.toggleAttribute('aria-invalid', !id);
  if (!id) {
    message(box, t('error.registration_id'));
    field.focus();
    return;
  }
  const button = event.submitter || document.querySelector('#signin-form button');
  const label = button.textContent;
  button.disabled = true;
  button.textContent = t('signin.busy');
  try {
    const answer = await call('POST', '/api/v1/auth/token', {
      auth: false,
      body: { grant_type: 'access_code', registration_id: id, access_code: $('access-code').value },
    });
    token.set(answer.access_token);
    message(box, '');
    const known = localStorage.getItem(`synaq.session.${id}`);
    sessionStorage.setItem('synaq.registration', id);
    if (known) await resume(known);
    else show('screen-prepare');
  } catch (error) {
    message(box, explain(error));
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

function soundCheck() {
  const status = $('sound-status');
  const audio = new Audio('/assets/sound-check.ogg');
  status.textContent = t('player.playing');
  audio.addEventListener('ended', () => {
    status.textContent = t('sound.after');
  });
  audio.play().catch(() => {
    status.textContent = t('sound.after');
  });
}

async function enterFullscreen() {
  try {
    await document.documentElement.requestFullscreen();
    $('fullscreen-status').textContent = '';
  } catch {
    $('fullscreen-status').textContent = t('fullscreen.unavailable');
  }
}

async function start() {
  if (!document.fullscreenElement) enterFullscreen();
  const button = $('start');
  button.disabled = true;
  try {
    await begin(await call('POST', '/api/v1/sessions'));
  } catch (error) {
    if (error instanceof Problem && error.status === 401) signInScreen(t('signin.again'));
    else message($('prepare-message'), explain(error));
  } finally {
    button.disabled = false;
  }
}

/** Runs a session from its view. */
async function begin(view) {
  sessionStorage.setItem(SESSION, view.id);
  const registration = sessionStorage.getItem('synaq.registration');
  if (registration) localStorage.setItem(`synaq.session.${registration}`, view.id);
  let outline = { sections: [] };
  try {
    outline = await call('GET', `/sit/api/sessions/${view.id}/outline`);
  } catch (error) {
    // Without the outline the page still runs: every section linear, two plays a recording.
    if (error instanceof Problem && error.status === 401) return signInScreen(t('signin.again'));
  }
  if (!runner) {
    runner = new Runner(view.id, outline, {
      onFinished: () => showResult(view.id),
      onSignedOut: () => signInScreen(t('signin.again')),
    });
    watchIntegrity(view.id);
  }
  runner.load(view);
}

/** Back into a session this browser already started. */
async function resume(id) {
  try {
    await begin(await call('GET', `/api/v1/sessions/${id}`));
  } catch (error) {
    if (error instanceof Problem && error.status === 401) return signInScreen(t('signin.again'));
    if (error instanceof Problem && (error.code === 'session_paused' || error.code === 'session_terminated')) {
      $('wait-text').textContent = t(error.code === 'session_paused' ? 'state.paused' : 'state.terminated');
      show('screen-wait');
      setTimeout(() => resume(id), 5000);
      return;
    }
    if (error instanceof Problem && error.status === 404) {
      sessionStorage.removeItem(SESSION);
      return signInScreen('');
    }
    if (error instanceof Offline) {
      $('wait-text').textContent = t('error.network');
      show('screen-wait');
      setTimeout(() => resume(id), 3000);
      return;
    }
    signInScreen(explain(error));
  }
}

async function showResult(id) {
  show('screen-result');
  let result;
  try {
    result = await call('GET', `/api/v1/sessions/${id}/result`);
  } catch (error) {
    if (error instanceof Offline || (error instanceof Problem && error.code === 'result_not_ready')) {
      setTimeout(() => showResult(id), RESULT_RETRY_MS);
    } else {
      $('result-status').textContent = explain(error);
    }
    return;
  }
  if (result.status === 'under_review') {
    $('result-status').textContent = t('result.under_review');
    setTimeout(() => showResult(id), REVIEW_RETRY_MS);
    return;
  }
  if (result.status === 'voided') {
    $('result-status').textContent = t('result.voided');
    return;
  }
  $('result-status').textContent = t('result.finished');
  $('result-level').textContent = level(result.level);
  $('result-decision').textContent = t(`decision.${result.decision}`);
  fillScores(document.querySelector('#result-sections tbody'), result.sections);
  const certificate = $('result-certificate');
  if (result.certificate_id) {
    const link = document.createElement('a');
    link.href = '/sit/certificate';
    link.textContent = t('result.open_certificate');
    certificate.replaceChildren(link);
  } else {
    certificate.textContent = t('result.not_certified');
  }
  $('result-body').hidden = false;
}

$('signin-form').addEventListener('submit', signIn);
$('sound-check').addEventListener('click', soundCheck);
$('fullscreen').addEventListener('click', enterFullscreen);
$('start').addEventListener('click', start);

const known = sessionStorage.getItem(SESSION);
if (token.get() && known) resume(known);
else signInScreen('');
