// Answers on their way to the server. Each answer gets its Idempotency-Key when it is given and is kept
// in localStorage until the server acknowledges it (200), so a lost connection, a reload or a crash loses
// nothing: they are sent in the order they were given, the same key each time, once the connection
// returns. "Saved" is shown only when every answer given has been acknowledged.

import { Offline, Problem, call } from './api.js';

const RETRY_MS = 3000;

/** 16 random bytes as hex: a key that stays unique without a secure context (crypto.randomUUID needs one). */
export function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class Outbox {
  /**
   * `onAck(entry, saved)`: the server acknowledged an answer. `onRefused(entry, problem)`: the server
   * refused it for good (a deadline, a final answer). `onState(state)`: `saving`, `saved` or `offline`.
   * `onSignedOut()`: the token is no longer accepted (the answers wait for the next sign-in).
   * `onBlocked(problem)`: the session is paused or terminated (the answers wait).
   */
  constructor(sessionId, handlers) {
    this.sessionId = sessionId;
    this.storageKey = `synaq.outbox.${sessionId}`;
    this.handlers = handlers;
    this.entries = JSON.parse(localStorage.getItem(this.storageKey) || '[]');
    this.flushing = false;
    this.retry = null;
    this.waiters = [];
    window.addEventListener('online', () => this.flush());
  }

  persist() {
    if (this.entries.length) localStorage.setItem(this.storageKey, JSON.stringify(this.entries));
    else localStorage.removeItem(this.storageKey);
  }

  /** The latest answer given at `position` that the server has not yet acknowledged. */
  latest(position) {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i].position === position) return this.entries[i];
    }
    return null;
  }

  get size() {
    return this.entries.length;
  }

  /** Keeps an answer and sends it (after those given before it). */
  add(position, answer, client) {
    this.entries.push({ position, answer, client, key: newKey() });
    this.persist();
    this.flush();
  }

  /** Resolves once every answer has been acknowledged or refused; `false` if the connection is down. */
  drained() {
    if (!this.entries.length) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.flush();
    });
  }

  settle(result) {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve(result);
  }

  later() {
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.flush(), RETRY_MS);
  }

  async flush() {
    if (this.flushing || !this.entries.length) return;
    this.flushing = true;
    clearTimeout(this.retry);
    this.handlers.onState('saving');
    while (this.entries.length) {
      const entry = this.entries[0];
      try {
        const saved = await call('PUT', `/api/v1/sessions/${this.sessionId}/responses/${entry.position}`, {
          headers: { 'Idempotency-Key': entry.key },
          body: { answer: entry.answer, client: entry.client },
        });
        this.entries.shift();
        this.persist();
        this.handlers.onAck(entry, saved);
      } catch (error) {
        const stop = (retry) => {
          this.flushing = false;
          this.settle(false);
          if (retry) this.later();
        };
        if (error instanceof Offline || (error instanceof Problem && (error.status === 429 || error.status >= 500))) {
          this.handlers.onState('offline');
          return stop(true);
        }
        if (error instanceof Problem && error.status === 401) {
          this.handlers.onSignedOut();
          return stop(false);
        }
        if (error instanceof Problem && (error.code === 'session_paused' || error.code === 'session_terminated')) {
          // The answers wait: a paused session resumes, and the server's word on a terminated one stands.
          this.handlers.onBlocked(error);
          return stop(error.code === 'session_paused');
        }
        // Refused for good (deadline passed, answer final, not valid): the server's word stands.
        this.entries.shift();
        this.persist();
        this.handlers.onRefused(entry, error);
      }
    }
    this.flushing = false;
    this.handlers.onState('saved');
    this.settle(true);
  }
}
