// `/operator/sittings`: creating a sitting (blueprint, mode, window, access rules) and the list of
// sittings (`sittings.js`). The form is kept across an expired sign-in.

import { $, message, t } from './dom.js';
import { api, forget, keep, ready, report } from './staff.js';
import './sittings.js';

const form = $('sitting-form');

/** A textarea's entries: one a line (commas and spaces separate too). */
function entries(field) {
  return field.value.split(/[\s,;]+/).filter(Boolean);
}

/** A `datetime-local` value for a moment `minutes` from now, in the browser's time zone. */
function localInput(minutes) {
  const at = new Date(Date.now() + minutes * 60_000);
  at.setSeconds(0, 0);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function access() {
  const rules = {};
  const ranges = entries(form.ip_ranges);
  if (ranges.length) rules.ip_ranges = ranges;
  if (form.require_authorization.checked) rules.require_authorization = true;
  const [config, exam] = [entries(form.config_keys), entries(form.browser_exam_keys)];
  if (config.length || exam.length) rules.seb = { config_keys: config, browser_exam_keys: exam };
  const proctors = entries(form.proctors);
  if (proctors.length) rules.proctors = proctors;
  return rules;
}

async function create(event) {
  event.preventDefault();
  const box = $('sitting-message');
  if (!form.opens_at.value || !form.closes_at.value) {
    message(box, t('sitting.window_needed'));
    return;
  }
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const sitting = await api('POST', '/api/v1/sittings', {
      blueprint: form.blueprint.value.trim(),
      mode: form.mode.value,
      opens_at: new Date(form.opens_at.value).toISOString(),
      closes_at: new Date(form.closes_at.value).toISOString(),
      access: access(),
    });
    forget(form);
    location.assign(`/operator/sittings/${sitting.id}`);
  } catch (error) {
    report(error, box);
  } finally {
    button.disabled = false;
  }
}

if (ready) {
  keep(form);
  if (!form.opens_at.value) form.opens_at.value = localInput(0);
  if (!form.closes_at.value) form.closes_at.value = localInput(180);
  form.addEventListener('submit', create);
}
