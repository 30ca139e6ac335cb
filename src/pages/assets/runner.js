// The test runner: one item of the open section at a time, a navigator of the section's items, flags,
// the review screen, submitting sections and finishing. The session view is the server's word on
// everything: which section is open, its deadline, which answers it holds. Adaptive sections show the
// latest item only, with no way back.

import { Offline, Problem, call, explain, file } from './api.js';
import { Countdown } from './clock.js';
import { $, el, message, page, sectionName, show, t } from './dom.js';
import { Outbox } from './outbox.js';
import { question } from './question.js';

const REFRESH_MS = 30_000;
const WAITING_REFRESH_MS = 5_000;
const OVERTIME_REFRESH_MS = 2_000;

const sameAnswer = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export class Runner {
  /** `hooks`: `onFinished()`, `onSignedOut()`. */
  constructor(sessionId, outline, hooks) {
    this.id = sessionId;
    this.outline = outline;
    this.hooks = hooks;
    this.acked = new Map();
    this.flagKey = `synaq.flags.${sessionId}`;
    this.placeKey = `synaq.at.${sessionId}`;
    this.flags = new Set(JSON.parse(localStorage.getItem(this.flagKey) || '[]'));
    this.section = null;
    this.index = 0;
    this.pendingText = null;
    this.refreshTimer = null;
    this.outbox = new Outbox(sessionId, {
      onAck: (entry, saved) => {
        this.acked.set(entry.position, saved.answer);
        this.renderNavigator();
      },
      onRefused: (entry, problem) => this.refused(entry, problem),
      onState: (state) => this.saveState(state),
      onSignedOut: () => this.hooks.onSignedOut(),
      onBlocked: (problem) => this.blocked(problem),
    });
    this.countdown = new Countdown($('timer'), {
      onWarning: (seconds) => message($('timer-alert'), t(seconds >= 300 ? 'timer.warn5' : 'timer.warn1'), 'warning'),
      onZero: () => {
        message($('runner-message'), t('timer.over'), 'info');
        this.schedule(OVERTIME_REFRESH_MS);
      },
    });
    $('previous').onclick = () => this.go(this.index - 1);
    $('next').onclick = () => this.next();
    $('flag').onclick = () => this.toggleFlag();
    $('review').onclick = () => this.openReview();
    $('back').onclick = () => this.backToItems();
    $('submit-section').onclick = () => this.close('submit');
    $('finish').onclick = () => this.close('finish');
  }

  // The session as the server has it.

  /** Takes a session view: shows the open section, a waiting state, or the end. */
  load(view) {
    this.view = view;
    for (const section of view.sections) {
      for (const item of section.items) if (item.response !== undefined) this.acked.set(item.position, item.response);
    }
    if (view.status === 'finished') return this.end();
    if (view.status !== 'in_progress') return this.wait(view.status);
    const section = view.sections.find((s) => s.id === view.current_section);
    if (!section) return this.wait('awaiting_authorization');
    const changed = !this.section || this.section.id !== section.id || this.section.items.length !== section.items.length;
    const entering = !this.section || this.section.id !== section.id;
    this.section = section;
    this.adaptive = Boolean(this.outline.sections.find((s) => s.id === section.id)?.adaptive);
    this.playLimit = this.outline.sections.find((s) => s.id === section.id)?.play_limit ?? 2;
    if (entering) {
      const [placeSection, placeIndex] = (localStorage.getItem(this.placeKey) || '').split(':');
      this.index = placeSection === section.id ? Number(placeIndex) || 0 : 0;
      message($('runner-message'), '');
      message($('timer-alert'), '');
    }
    if (this.adaptive) this.index = section.items.length - 1;
    this.index = Math.max(0, Math.min(this.index, section.items.length - 1));
    this.countdown.set(section.deadline);
    if (entering || $('screen-runner').hidden) {
      $('section-title').textContent = sectionName(section.id, section.title);
      show('screen-runner');
      this.panel('items');
    }
    if (changed || entering) this.renderItem();
    else this.renderNavigator();
    this.schedule(this.countdown.over() ? OVERTIME_REFRESH_MS : REFRESH_MS);
    this.outbox.flush();
  }

  /** Shows the items or the review (the bar with the time left stays). */
  panel(which) {
    $('items-panel').hidden = which !== 'items';
    $('review-panel').hidden = which !== 'review';
  }

  /** Fetches the session again and follows it. */
  async refresh() {
    try {
      this.load(await call('GET', `/api/v1/sessions/${this.id}`));
    } catch (error) {
      this.trouble(error);
      this.schedule(WAITING_REFRESH_MS);
    }
  }

  schedule(ms) {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(), ms);
  }

  /** What an error means for the runner. */
  trouble(error, box = $('runner-message')) {
    if (error instanceof Offline) return this.saveState('offline');
    if (error instanceof Problem && error.status === 401) return this.hooks.onSignedOut();
    if (error instanceof Problem && (error.code === 'session_paused' || error.code === 'session_terminated')) {
      return this.blocked(error);
    }
    message(box, explain(error));
  }

  blocked(problem) {
    this.wait(problem.code === 'session_paused' ? 'paused' : 'terminated');
  }

  wait(status) {
    this.countdown.stop();
    this.section = null;
    $('wait-text').textContent = t(`state.${status}`);
    show('screen-wait');
    this.schedule(WAITING_REFRESH_MS);
  }

  end() {
    this.countdown.stop();
    clearTimeout(this.refreshTimer);
    this.hooks.onFinished();
  }

  // Answers.

  items() {
    return this.section ? this.section.items : [];
  }

  current() {
    return this.items()[this.index];
  }

  /** The answer shown at `position`: the latest one given, acknowledged or not. */
  answerOf(position) {
    const queued = this.outbox.latest(position);
    return queued ? queued.answer : this.acked.get(position);
  }

  answered(position) {
    const answer = this.answerOf(position);
    return Boolean(answer && (answer.choice || (answer.text ?? '').trim()));
  }

  give(item, answer) {
    if (sameAnswer(this.answerOf(item.position), answer)) {
      if (!this.outbox.size) this.saveState('saved');
      return;
    }
    const timeOnItem = Math.round(performance.now() - this.shownAt);
    this.outbox.add(item.position, answer, { time_on_item_ms: timeOnItem });
    this.renderNavigator();
    this.updateControls();
  }

  /** Saves a typed answer still waiting for the typing pause. */
  commitPending() {
    if (this.pendingText) this.pendingText();
  }

  refused(entry, problem) {
    const n = this.items().findIndex((i) => i.position === entry.position) + 1 || entry.position;
    message($('runner-message'), t('save.refused', { n, reason: explain(problem) }));
    // The server's answer stands: show what it holds.
    if (this.current()?.position === entry.position) this.renderItem();
    this.refresh();
  }

  saveState(state) {
    const box = $('save-state');
    // "Saved" only when every answer given, typed ones included, has the server's acknowledgement.
    const shown = state === 'saved' && (this.outbox.size || this.pendingText) ? 'saving' : state;
    box.dataset.state = shown;
    box.textContent = t(`save.${shown}`);
  }

  toggleFlag() {
    const position = this.current().position;
    if (this.flags.has(position)) this.flags.delete(position);
    else this.flags.add(position);
    localStorage.setItem(this.flagKey, JSON.stringify([...this.flags]));
    this.updateControls();
    this.renderNavigator();
  }

  // Moving.

  go(index) {
    if (index < 0 || index >= this.items().length) return;
    this.commitPending();
    this.index = index;
    this.renderItem();
    $('item-counter').focus();
  }

  async next() {
    if (!this.adaptive) {
      if (this.index < this.items().length - 1) this.go(this.index + 1);
      else this.openReview();
      return;
    }
    // Adaptive: the next item is chosen from this answer, so it must be acknowledged first.
    this.commitPending();
    $('next').disabled = true;
    const before = this.items().length;
    const sectionId = this.section.id;
    if (await this.outbox.drained()) {
      await this.refresh();
      if (this.section?.id === sectionId && this.items().length === before) this.openReview(true);
    }
    this.updateControls();
  }

  openReview(adaptiveDone = false) {
    this.commitPending();
    const jump = (item, i) =>
      el(
        'li',
        {},
        el('button', {
          type: 'button',
          text: t('nav.question', { n: i + 1 }),
          disabled: this.adaptive,
          on: { click: () => this.backToItems(i) },
        }),
      );
    const list = (box, pick) => {
      const chosen = this.items().map((item, i) => [item, i]).filter(([item]) => pick(item));
      box.replaceChildren(...(chosen.length ? chosen.map(([item, i]) => jump(item, i)) : [el('li', { text: t('review.none') })]));
    };
    list($('review-unanswered'), (item) => !this.answered(item.position));
    list($('review-flagged'), (item) => this.flags.has(item.position));
    const last = this.view.sections[this.view.sections.length - 1].id === this.section.id;
    $('submit-section').hidden = last;
    $('finish').hidden = !last;
    $('review-warning').textContent = t(last ? 'review.last' : 'review.warning');
    message($('review-message'), adaptiveDone ? t('adaptive.done') : '', 'info');
    $('back').hidden = adaptiveDone;
    this.panel('review');
    $('review-heading').focus();
  }

  backToItems(index = this.index) {
    this.panel('items');
    this.go(index);
  }

  /** Submits the open section or finishes the session, once every answer given is acknowledged. */
  async close(how) {
    const button = $(how === 'finish' ? 'finish' : 'submit-section');
    button.disabled = true;
    try {
      if (!(await this.outbox.drained())) {
        message($('review-message'), t('review.pending'));
        return;
      }
      const view =
        how === 'finish'
          ? await call('POST', `/api/v1/sessions/${this.id}/finish`)
          : await call('POST', `/api/v1/sessions/${this.id}/sections/current/submit`, {
              body: { section: this.section.id },
            });
      this.load(view);
    } catch (error) {
      this.trouble(error, $('review-message'));
    } finally {
      button.disabled = false;
    }
  }

  // Drawing.

  renderItem() {
    const item = this.current();
    if (!item) return;
    this.pendingText = null;
    localStorage.setItem(this.placeKey, `${this.section.id}:${this.index}`);
    const counter = this.adaptive
      ? t('nav.question', { n: this.index + 1 })
      : t('item.counter', { n: this.index + 1, total: this.items().length });
    const counterNode = el('p', { id: 'item-counter', class: 'counter', tabindex: '-1', text: counter });
    const parts = question(item, {
      answer: this.answerOf(item.position),
      give: (answer) => {
        this.pendingText = null;
        this.give(item, answer);
      },
      typing: (save) => {
        // What is being typed is not saved yet: never "Saved" before the server has it.
        this.saveState('saving');
        this.pendingText = save;
      },
      getFile: file,
      onError: (error) => message($('runner-message'), explain(error)),
      playsLeft: item.plays_left ?? this.playLimit,
      onPlayed: (left) => {
        item.plays_left = left;
      },
      maxTextChars: page.max_text_chars,
    });
    parts.unshift(counterNode);
    $('item').replaceChildren(...parts);
    this.shownAt = performance.now();
    this.updateControls();
    this.renderNavigator();
  }

  updateControls() {
    const item = this.current();
    if (!item) return;
    $('previous').hidden = this.adaptive;
    $('previous').disabled = this.index === 0;
    $('flag').hidden = this.adaptive;
    $('flag').setAttribute('aria-pressed', String(this.flags.has(item.position)));
    $('review').hidden = this.adaptive;
    $('next').disabled = this.adaptive && !this.answered(item.position);
    $('adaptive-note').hidden = !this.adaptive;
  }

  renderNavigator() {
    const items = this.items();
    $('navigator-list').replaceChildren(
      ...items.map((item, i) => {
        const answered = this.answered(item.position);
        const flagged = this.flags.has(item.position);
        const states = [t(answered ? 'nav.answered' : 'nav.unanswered')];
        if (flagged) states.push(t('nav.flagged'));
        const classes = ['q', answered && 'answered', flagged && 'flagged'].filter(Boolean).join(' ');
        return el(
          'li',
          {},
          el('button', {
            type: 'button',
            class: classes,
            text: String(i + 1),
            'aria-label': `${t('nav.question', { n: i + 1 })}: ${states.join(', ')}`,
            'aria-current': i === this.index ? 'step' : false,
            disabled: this.adaptive,
            on: { click: () => this.go(i) },
          }),
        );
      }),
    );
  }
}
