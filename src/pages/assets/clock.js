// The server's clock as the page knows it, and the countdown of a section's time.
//
// Every response's `Date` header is the server's time in whole seconds (and up to half a second old),
// taken between sending the request and receiving the answer. Each response so bounds the difference
// between the server's clock and the page's; the bounds of all responses together narrow it, and the
// page's own clock is read monotonically, so a candidate changing the computer's time changes nothing.

let lower = -Infinity;
let upper = Infinity;

/** The page's monotonic clock, in milliseconds since the epoch as of the page's start. */
export function local() {
  return performance.timeOrigin + performance.now();
}

/** Narrows the offset with one response: its `Date` header and when the request left and came back. */
export function sample(dateHeader, sentAt, receivedAt) {
  const server = Date.parse(dateHeader || '');
  if (Number.isNaN(server)) return;
  const lo = server - receivedAt;
  const hi = server + 1500 - sentAt;
  if (lo > upper || hi < lower) {
    // The bounds no longer overlap (the machine slept, or the server's clock was set): start again.
    lower = lo;
    upper = hi;
  } else {
    lower = Math.max(lower, lo);
    upper = Math.min(upper, hi);
  }
}

/** The server's time now, in milliseconds since the epoch. */
export function serverNow() {
  return Number.isFinite(lower) ? local() + (lower + upper) / 2 : local();
}

/** `m:ss`, or `h:mm:ss` from an hour up. */
export function format(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Warnings, in seconds left, announced once each as the time crosses them. */
const WARNINGS = [300, 60];

/**
 * Counts down to a section's deadline on the server's clock. `onWarning(seconds)` is called as the time
 * left crosses 5 and 1 minutes (not for a threshold already past when the deadline is set); `onZero()`
 * once when it reaches zero. What happens then is the server's to say.
 */
export class Countdown {
  constructor(display, { onWarning, onZero }) {
    this.display = display;
    this.onWarning = onWarning;
    this.onZero = onZero;
    this.deadline = null;
    this.timer = null;
  }

  set(deadlineIso) {
    const deadline = Date.parse(deadlineIso);
    if (deadline === this.deadline) return;
    this.deadline = deadline;
    const left = (deadline - serverNow()) / 1000;
    this.pending = WARNINGS.filter((w) => left > w);
    this.zeroed = false;
    clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(), 250);
    this.tick();
  }

  /** Whether the deadline has passed on the server's clock. */
  over() {
    return this.deadline !== null && this.deadline <= serverNow();
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    this.deadline = null;
  }

  tick() {
    const left = this.deadline - serverNow();
    const text = format(left);
    if (this.display.textContent !== text) this.display.textContent = text;
    this.display.dataset.level = left <= 60_000 ? 'critical' : left <= 300_000 ? 'low' : 'normal';
    while (this.pending.length && left / 1000 <= this.pending[0]) this.onWarning(this.pending.shift());
    if (left <= 0 && !this.zeroed) {
      this.zeroed = true;
      this.onZero();
    }
  }
}
