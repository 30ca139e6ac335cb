// Calls to the API: a token from sessionStorage as a bearer header (never in a URL) — the candidate's,
// or the one a caller passes as `auth` (the staff pages) — the server's clock from each answer, and
// problem+json answers as `Problem`s.

import { local, sample, serverNow } from './clock.js';
import { page, t, has } from './dom.js';

const TOKEN = 'synaq.token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN),
  set: (value) => sessionStorage.setItem(TOKEN, value),
  clear: () => sessionStorage.removeItem(TOKEN),
};

/** An error answer of the API: its status and its problem+json `code` and `detail`. */
export class Problem extends Error {
  constructor(status, body, headers) {
    super(body?.detail || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code || `http_${status}`;
    this.detail = body?.detail || '';
    this.retryAfter = Number(headers?.get('retry-after')) || 0;
  }
}

/** The server could not be reached. */
export class Offline extends Error {}

async function send(method, path, { body, bytes, type, headers = {}, auth = true } = {}) {
  const h = { ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  if (bytes !== undefined) h['content-type'] = type || 'application/octet-stream';
  const bearer = typeof auth === 'string' ? auth : auth && token.get();
  if (bearer) h.authorization = `Bearer ${bearer}`;
  const sentAt = local();
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: h,
      body: bytes !== undefined ? bytes : body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'same-origin',
    });
  } catch {
    throw new Offline('offline');
  }
  sample(response.headers.get('date'), sentAt, local());
  return response;
}

/** The problem+json body of an error answer, or null. */
async function problemOf(response) {
  const text = await response.text().catch(() => '');
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/**
 * Calls the API and returns the JSON answer; throws `Problem` or `Offline`. `options.auth`: `true` (the
 * default) sends the candidate's token, `false` none, a string that token. `options.body` is sent as
 * JSON; `options.bytes` (a Blob or a File) as it is, with `options.type` as its content type.
 */
export async function call(method, path, options) {
  const response = await send(method, path, options);
  if (!response.ok) throw new Problem(response.status, await problemOf(response), response.headers);
  const text = await response.text().catch(() => '');
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/**
 * Fetches a file the candidate's token opens (audio, a picture) as a Blob; throws `Problem` or `Offline`.
 * `auth` as for `call`.
 */
export async function file(path, auth = true) {
  const response = await send('GET', path, { auth });
  if (!response.ok) throw new Problem(response.status, await problemOf(response), response.headers);
  return response.blob();
}

/** The time an RFC 3339 timestamp in a problem's detail names, if any. */
function timeIn(detail) {
  const m = /\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)/.exec(detail || '');
  return m ? new Date(m[0]) : null;
}

/** What to tell the candidate about an error, in the page's language. */
export function explain(error) {
  if (error instanceof Offline) return t('error.network');
  if (!(error instanceof Problem)) return t('error.unknown', { detail: String(error?.message || error) });
  if (error.code === 'outside_sitting_window') {
    const at = timeIn(error.detail);
    if (at) {
      const time = at.toLocaleString(page.lang, { dateStyle: 'medium', timeStyle: 'short' });
      return t(at.getTime() > serverNow() ? 'sitting.opens_at' : 'sitting.closed_at', { time });
    }
  }
  if (has(`error.${error.code}`)) return t(`error.${error.code}`);
  return t('error.unknown', { detail: error.detail || error.code });
}
