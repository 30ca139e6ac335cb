// What every staff page shares: the staff token in sessionStorage (sent only as an Authorization
// header), API calls that renew an expired sign-in in a dialog over the page and then carry on, forms
// whose contents survive a trip to the sign-in page, the staff bar, and a few formatters.
//
// Importing this module on a page of an area (operator, proctor, author) sends a person who is not
// signed in to `/staff?next=<this page>`; `ready` says whether the page may go on.

import { Problem, call, explain, file } from './api.js';
import { $, has, message, page, t } from './dom.js';

const TOKEN = 'synaq.staff.token';
const USER = 'synaq.staff.user';
const DRAFT = 'synaq.staff.draft:';

/** The signed-in person: the token, the username typed at sign-in, and the token's claims. */
export const session = {
  token: () => sessionStorage.getItem(TOKEN),
  username: () => sessionStorage.getItem(USER) || '',
  /** The token's payload (read for the role and the expiry, never trusted: the API checks the token). */
  claims() {
    const part = (session.token() || '').split('.')[1];
    if (!part) return null;
    try {
      const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
      const bytes = Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      return null;
    }
  },
  role: () => session.claims()?.role || null,
  save(token, username) {
    sessionStorage.setItem(TOKEN, token);
    sessionStorage.setItem(USER, username);
  },
  clear() {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(USER);
  },
};

/** Where a role starts. */
export function homeOf(role) {
  return { operator: '/operator', proctor: '/proctor', author: '/author' }[role] || '/staff';
}

/** The address of the sign-in page that comes back here afterwards. */
function signInAddress() {
  return `/staff?next=${encodeURIComponent(location.pathname + location.search)}`;
}

/** Signs in with a password; stores the token. Throws `Problem` or `Offline`. */
export async function signIn(username, password) {
  const answer = await call('POST', '/api/v1/auth/token', {
    auth: false,
    body: { grant_type: 'password', username, password },
  });
  session.save(answer.access_token, username);
  return answer;
}

/** Forgets the token and every kept form, and goes to the sign-in page. */
export function signOut() {
  session.clear();
  for (const key of Object.keys(sessionStorage)) if (key.startsWith(DRAFT)) sessionStorage.removeItem(key);
  location.assign('/staff');
}

// --- Renewing an expired sign-in without leaving the page. ------------------------------------------

let renewal = null;

/** Opens the renewal dialog; resolves once signed in again, rejects when the person closes it. */
function renew() {
  const dialog = $('renew');
  if (!dialog) return Promise.reject(new Error('no renewal dialog'));
  if (renewal) return renewal;
  renewal = new Promise((resolve, reject) => {
    const form = $('renew-form');
    const username = $('renew-username');
    const password = $('renew-password');
    username.value = session.username();
    password.value = '';
    message($('renew-message'), '');
    $('renew-elsewhere').href = signInAddress();
    const done = (ok) => {
      form.removeEventListener('submit', submit);
      dialog.removeEventListener('cancel', cancel);
      renewal = null;
      ok ? resolve() : reject(new Problem(401, { code: 'unauthorized', detail: '' }));
    };
    const submit = async (event) => {
      event.preventDefault();
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      try {
        await signIn(username.value.trim(), password.value);
        password.value = '';
        dialog.close();
        done(true);
      } catch (error) {
        message($('renew-message'), explainStaff(error));
        password.select();
      } finally {
        button.disabled = false;
      }
    };
    const cancel = () => done(false);
    form.addEventListener('submit', submit);
    dialog.addEventListener('cancel', cancel);
    dialog.showModal();
    (username.value ? password : username).focus();
  });
  return renewal;
}

/**
 * Calls the API with the staff token and returns the JSON answer. When the sign-in has expired (401) the
 * renewal dialog opens over the page and, once the person has signed in again, the call is made again;
 * so a form's contents are never lost to an expired token. Throws `Problem` or `Offline`.
 */
export function api(method, path, body) {
  return renewing(() => call(method, path, { body, auth: session.token() }));
}

/** Sends a file's bytes (a recording, a QTI package) with the staff token, as `api` does. */
export function upload(path, bytes, type) {
  return renewing(() => call('POST', path, { bytes, type, auth: session.token() }));
}

/** Fetches a file (a picture, a recording, a package) with the staff token as a Blob, as `api` does. */
export function staffFile(path) {
  return renewing(() => file(path, session.token()));
}

/** Makes `request` and, when the sign-in has expired, renews it over the page and makes it again. */
async function renewing(request) {
  for (;;) {
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof Problem && error.status === 401 && $('renew'))) throw error;
      try {
        await renew();
      } catch {
        throw error;
      }
    }
  }
}

/** What to tell a member of staff about an error, in the page's language. */
export function explainStaff(error) {
  if (error instanceof Problem && error.code === 'unauthorized') return t('staff.signed_out');
  if (error instanceof Problem && error.status === 403) return t('staff.forbidden');
  return explain(error);
}

/**
 * Shows an error in `box` (the page's message box by default); a 401 or 403 also offers to sign in
 * (as someone else).
 */
export function report(error, box = $('staff-message')) {
  message(box, explainStaff(error));
  if (error instanceof Problem && (error.status === 401 || error.status === 403)) {
    const link = document.createElement('a');
    link.href = signInAddress();
    link.textContent = t(error.status === 403 ? 'staff.switch_user' : 'button.sign_in');
    box.append(' ', link);
  }
}

// --- Dialogs that ask for a reason. -------------------------------------------------------------------

/**
 * Runs the reason dialog `id` (its heading, a textbox "Reason", the page's extra fields, "Confirm" and
 * "Cancel"). `prepare(form)` shows the fields this use needs; on Confirm, `check(form)` may name what is
 * missing (a text key), then `send(form)` does the work: the dialog closes when it resolves and shows
 * the error when it throws.
 */
export function ask(id, { heading, prepare, check, send }) {
  const dialog = $(id);
  const form = $(`${id}-form`);
  const reason = $(`${id}-reason`);
  const box = $(`${id}-message`);
  $(`${id}-heading`).textContent = heading;
  form.reset();
  message(box, '');
  reason.removeAttribute('aria-invalid');
  if (prepare) prepare(form);
  form.onsubmit = async (event) => {
    event.preventDefault();
    const missing = !reason.value.trim() ? 'action.reason_needed' : check ? check(form) : null;
    reason.toggleAttribute('aria-invalid', !reason.value.trim());
    if (missing) {
      message(box, t(missing));
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await send(form);
      dialog.close();
    } catch (error) {
      message(box, explainStaff(error));
    } finally {
      button.disabled = false;
    }
  };
  form.querySelector('button[value="cancel"]').onclick = () => dialog.close();
  dialog.showModal();
  reason.focus();
}

// --- Forms that survive a trip to the sign-in page. --------------------------------------------------

function draftKey(form) {
  return `${DRAFT}${location.pathname}#${form.id}`;
}

function keptFields(form) {
  return [...form.elements].filter((f) => f.name && f.type !== 'password' && f.type !== 'submit' && f.type !== 'button');
}

/**
 * Keeps what is typed into `form` in sessionStorage as it is typed (never passwords), and puts it back
 * when the page loads again, for instance after signing in on the sign-in page.
 */
export function keep(form) {
  const saved = JSON.parse(sessionStorage.getItem(draftKey(form)) || 'null');
  if (saved) {
    for (const field of keptFields(form)) {
      if (!(field.name in saved)) continue;
      if (field.type === 'checkbox' || field.type === 'radio') field.checked = saved[field.name] === (field.value || true);
      else field.value = saved[field.name];
    }
  }
  const store = () => {
    const values = {};
    for (const field of keptFields(form)) {
      if (field.type === 'checkbox' || field.type === 'radio') {
        if (field.checked) values[field.name] = field.value || true;
      } else {
        values[field.name] = field.value;
      }
    }
    sessionStorage.setItem(draftKey(form), JSON.stringify(values));
  };
  form.addEventListener('input', store);
  form.addEventListener('change', store);
}

/** Forgets what `form` kept, once it has been sent. */
export function forget(form) {
  sessionStorage.removeItem(draftKey(form));
}

// --- Formatting. ------------------------------------------------------------------------------------

/** A date and time in the page's language and the browser's time zone. */
export function when(iso) {
  return iso ? new Date(iso).toLocaleString(page.lang, { dateStyle: 'medium', timeStyle: 'short' }) : '—';
}

/** A time of day with seconds. */
export function clockTime(iso) {
  return iso ? new Date(iso).toLocaleTimeString(page.lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '—';
}

/** Seconds as m:ss or h:mm:ss. */
export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const two = (n) => String(n).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
}

/** The text of `prefix.word` when the table has it, else the word itself. */
export function word(prefix, value) {
  return has(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : value;
}

// --- The staff bar; sending a person who is not signed in to sign in. --------------------------------

function start() {
  const out = $('sign-out');
  if (out) out.addEventListener('click', signOut);
  if (!page.area) return true;
  if (!session.token()) {
    location.replace(signInAddress());
    return false;
  }
  const who = $('staff-who');
  if (who) who.textContent = t('staff.who', { user: session.username(), role: word('role', session.role() || '') });
  return true;
}

/** Whether the page may go on: someone is signed in (the API decides what they may see). */
export const ready = start();
