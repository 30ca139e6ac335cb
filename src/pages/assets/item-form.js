// The draft editor of an item: its fields filled from a version's content and read back into it (fields
// the editor does not show are kept as they were), the checks made before sending, the recording's
// upload, and the server's validation messages shown by the fields.

import { $, message, t } from './dom.js';
import { explainStaff, upload } from './staff.js';

const TYPED = new Set(['gap_fill', 'short_answer']);
const WRITING = 'writing';
const LETTERS = 'abcdefghij';

/**
 * Shows the fields of the chosen type: options and key for a choice, accepted answers for a typed one,
 * the answer box's size for a writing task.
 */
function showTypeFields(form) {
  const type = form.elements.type.value;
  $('choice-fields').hidden = TYPED.has(type) || type === WRITING;
  $('text-fields').hidden = !TYPED.has(type);
  $('writing-fields').hidden = type !== WRITING;
}

/** A whole number typed in a field, or undefined when it is empty. */
const count = (field) => (field.value.trim() ? Number(field.value) : undefined);

function audioNote(id) {
  $('item-audio').textContent = id ? t('author.audio.current', { id }) : t('author.audio.none');
}

/** Fills the editor from an item's content. */
export function fill(form, item) {
  const f = form.elements;
  if (f.id) f.id.value = item.id || '';
  f.section.value = item.section || '';
  f.level.value = item.level || 'A1';
  f.topic.value = item.topic || '';
  f.type.value = item.type || 'single_choice';
  f.stimulus.value = item.stimulus || '';
  f.stem.value = item.stem || '';
  f.options.value = (item.options || []).map((o) => o.text).join('\n');
  const key = (item.options || []).findIndex((o) => o.id === item.key);
  f.key.value = key >= 0 ? LETTERS[key] : '';
  f.accept.value = (item.text_key?.accept || []).join('\n');
  f.expected_lines.value = item.writing?.expected_lines ?? '';
  f.expected_length.value = item.writing?.expected_length ?? '';
  f.transcript.value = item.transcript || '';
  f.audio.value = item.audio || '';
  audioNote(item.audio);
  showTypeFields(form);
}

const lines = (text) => text.split('\n').map((l) => l.trim()).filter(Boolean);

/**
 * The item the editor describes: `base` (the version being edited, or nothing) with the editor's fields
 * over it. A choice item's options get the ids a, b, c… in the order written.
 */
export function read(form, base = {}) {
  const f = form.elements;
  const item = { ...base };
  delete item.version;
  if (f.id) item.id = f.id.value.trim();
  for (const name of ['section', 'level', 'topic', 'type']) item[name] = f[name].value.trim();
  item.stem = f.stem.value.trim();
  for (const name of ['stimulus', 'transcript', 'audio']) {
    const value = f[name].value.trim();
    if (value) item[name] = value;
    else delete item[name];
  }
  delete item.writing;
  if (item.type === WRITING) {
    delete item.options;
    delete item.key;
    delete item.text_key;
    const writing = { expected_lines: count(f.expected_lines), expected_length: count(f.expected_length) };
    if (writing.expected_lines !== undefined || writing.expected_length !== undefined) item.writing = writing;
  } else if (TYPED.has(item.type)) {
    delete item.options;
    delete item.key;
    item.text_key = { ...(base.text_key || {}), accept: lines(f.accept.value) };
  } else {
    delete item.text_key;
    item.options = lines(f.options.value).map((text, i) => ({ id: LETTERS[i] || `o${i}`, text }));
    const key = f.key.value.trim().toLowerCase();
    if (key) item.key = key;
    else delete item.key;
  }
  return item;
}

/** The fields that must be filled and are not: marks them and returns the message, or null. */
export function missing(form) {
  const f = form.elements;
  const typed = TYPED.has(f.type.value);
  const needed = ['section', 'topic', 'stem'];
  if (f.id) needed.unshift('id');
  if (typed) needed.push('accept');
  else if (f.type.value !== WRITING) needed.push('options', 'key');
  const empty = needed.filter((name) => !f[name].value.trim());
  for (const field of form.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
  for (const name of empty) f[name].setAttribute('aria-invalid', 'true');
  if (!empty.length) return null;
  const names = empty.map((name) => form.querySelector(`label[for="${f[name].id}"]`).textContent);
  f[empty[0]].focus();
  return t('author.editor.missing', { fields: names.join(', ') });
}

/** Shows an error of the API in the editor's message box, the server's own words included. */
export function problem(error) {
  const detail = error?.code === 'validation_failed' && error.detail ? ` ${error.detail}` : '';
  message($('item-message'), explainStaff(error) + detail);
}

/** Wires the editor: the type switch and the recording's upload. */
export function wire(form) {
  form.elements.type.addEventListener('change', () => showTypeFields(form));
  const input = $('item-audio-file');
  input.addEventListener('change', async () => {
    const chosen = input.files[0];
    if (!chosen) return;
    $('item-audio').textContent = t('author.audio.uploading');
    try {
      const stored = await upload('/api/v1/media', chosen, 'audio/ogg');
      form.elements.audio.value = stored.media_id;
      audioNote(stored.media_id);
      form.dispatchEvent(new Event('change'));
    } catch (error) {
      audioNote(form.elements.audio.value);
      problem(error);
    }
  });
  audioNote(form.elements.audio.value);
  showTypeFields(form);
}
