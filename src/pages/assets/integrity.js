// Integrity signals: focus, visibility, full screen, copy and paste, the context menu, the connection and
// the window's size, batched (at most 100 an call, every 10 s) to the session's integrity-events route.
// A route that is not there (404) ends the reporting quietly; a 429 waits as long as the server asks.

import { Offline, Problem, call } from './api.js';
import { serverNow } from './clock.js';

const BATCH = 100;
const EVERY_MS = 10_000;
const KEEP = 1000;
const RESIZE_QUIET_MS = 2000;

export function watchIntegrity(sessionId) {
  let queue = [];
  let stopped = false;
  let waitUntil = 0;
  let resizeTimer = null;

  const record = (type, detail) => {
    if (stopped) return;
    const event = { type, at: new Date(serverNow()).toISOString() };
    if (detail) event.detail = detail;
    queue.push(event);
    if (queue.length > KEEP) queue = queue.slice(-KEEP);
  };

  const send = async () => {
    if (stopped || !queue.length || Date.now() < waitUntil) return;
    const batch = queue.slice(0, BATCH);
    queue = queue.slice(BATCH);
    try {
      await call('POST', `/api/v1/sessions/${sessionId}/integrity-events`, { body: { events: batch } });
    } catch (error) {
      if (error instanceof Problem && error.status === 404) {
        stopped = true;
        queue = [];
      } else if (error instanceof Offline || (error instanceof Problem && (error.status === 429 || error.status >= 500))) {
        queue = batch.concat(queue);
        if (error instanceof Problem && error.retryAfter) waitUntil = Date.now() + error.retryAfter * 1000;
      }
      // Anything else (a batch the server will not take) is dropped rather than sent again.
    }
  };

  window.addEventListener('blur', () => record('focus_lost'));
  window.addEventListener('focus', () => record('focus_regained'));
  document.addEventListener('visibilitychange', () => {
    record(document.visibilityState === 'hidden' ? 'visibility_hidden' : 'visibility_visible');
    if (document.visibilityState === 'hidden') send();
  });
  document.addEventListener('fullscreenchange', () =>
    record(document.fullscreenElement ? 'fullscreen_enter' : 'fullscreen_exit'),
  );
  const target = (e) => ({ target: e.target?.closest?.('input[type=text], textarea') ? 'text' : 'other' });
  document.addEventListener('paste', (e) => record('paste', target(e)));
  document.addEventListener('copy', (e) => record('copy', target(e)));
  document.addEventListener('contextmenu', () => record('context_menu'));
  window.addEventListener('offline', () => record('offline'));
  window.addEventListener('online', () => {
    record('online');
    send();
  });
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(
      () => record('resize', { width: window.innerWidth, height: window.innerHeight }),
      RESIZE_QUIET_MS,
    );
  });
  setInterval(send, EVERY_MS);
  return { record, send };
}
