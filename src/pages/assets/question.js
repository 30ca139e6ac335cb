// One question as a candidate sees it: the text to read, the picture, the recording's player, and the
// choices or the typed answer with the Kazakh keyboard. The candidate's runner draws its questions with
// it, and the authors' preview draws an item with it, so the preview is the candidate's view itself.

import { el, t } from './dom.js';
import { kazakhKeyboard } from './keyboard.js';
import { listeningPlayer } from './player.js';

const TEXT_TYPES = new Set(['gap_fill', 'short_answer', 'writing']);
/** The lines of the answer box of a writing task. */
const WRITING_ROWS = 8;
const TYPING_PAUSE_MS = 700;

/** Whether the item's answer is typed (rather than chosen). */
const typed = (item) => TEXT_TYPES.has(item.type);

/**
 * The parts of `item` (a session view's item, or a preview) as elements, in order. `options`:
 * - `answer`: the answer given so far, if any;
 * - `give(answer)`: an answer was given (a choice made, or typing paused);
 * - `typing(save)`: typing began; `save()` gives what is typed at once (optional);
 * - `getFile(url)`: fetches a picture or recording as a Blob with the reader's token;
 * - `onError(error)`: a file could not be fetched;
 * - `playsLeft`, `onPlayed(left)`: the recording's plays;
 * - `maxTextChars`: the longest typed answer.
 */
export function question(item, options) {
  const parts = [];
  if (item.stimulus) parts.push(el('div', { class: 'stimulus', lang: 'kk', text: item.stimulus }));
  if (item.image) parts.push(picture(item, options));
  if (item.media) {
    parts.push(
      listeningPlayer({
        url: item.media.url,
        playsLeft: options.playsLeft,
        onPlayed: options.onPlayed || (() => {}),
        getFile: options.getFile,
      }),
    );
  }
  parts.push(typed(item) ? textAnswer(item, options) : choices(item, options));
  return parts;
}

function picture(item, { getFile, onError }) {
  const img = el('img', { alt: t('item.image'), class: 'picture' });
  // The picture needs the token, so it is fetched and shown from a blob; its <title> is its alt text, in
  // Kazakh (so a screen reader reads it with a Kazakh voice whatever the page's language).
  getFile(item.image.url)
    .then(async (blob) => {
      const title = new DOMParser().parseFromString(await blob.text(), 'image/svg+xml').querySelector('title');
      if (title?.textContent.trim()) {
        img.alt = title.textContent.trim();
        img.lang = 'kk';
      }
      img.src = URL.createObjectURL(blob);
    })
    .catch(onError);
  return el('figure', { class: 'figure' }, img);
}

function choices(item, { answer, give }) {
  const chosen = answer?.choice;
  const hintId = `hint-${item.position}`;
  const fieldset = el(
    'fieldset',
    { class: 'options', 'aria-describedby': hintId },
    el('legend', { class: 'stem', lang: 'kk', text: item.stem }),
    el('p', { class: 'hint', id: hintId, text: t('item.options') }),
  );
  for (const option of item.options || []) {
    const input = el('input', {
      type: 'radio',
      name: `answer-${item.position}`,
      value: option.id,
      checked: chosen === option.id,
      on: { change: () => give({ choice: option.id }) },
    });
    fieldset.append(
      el(
        'label',
        { class: 'option' },
        input,
        el('span', { class: 'letter', 'aria-hidden': 'true', text: option.id.toUpperCase() }),
        el('span', { lang: 'kk', text: option.text }),
      ),
    );
  }
  return fieldset;
}

function textAnswer(item, { answer, give, typing, maxTextChars }) {
  const id = `answer-${item.position}`;
  const stemId = `stem-${item.position}`;
  // A writing task is answered in a box of several lines, every other typed answer in one line.
  const writing = item.type === 'writing';
  const input = el(writing ? 'textarea' : 'input', {
    ...(writing ? { rows: WRITING_ROWS } : { type: 'text' }),
    id,
    lang: 'kk',
    autocomplete: 'off',
    autocapitalize: 'off',
    spellcheck: 'false',
    maxlength: maxTextChars,
    'aria-describedby': `${stemId} latin-note`,
  });
  input.value = answer?.text ?? '';
  let timer = null;
  const save = () => {
    clearTimeout(timer);
    give({ text: input.value });
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    // What is being typed is not given yet: the runner says "Saving" until the server has it.
    if (typing) typing(save);
    timer = setTimeout(save, TYPING_PAUSE_MS);
  });
  input.addEventListener('change', save);
  const stem = el('p', { class: 'stem', id: stemId, lang: 'kk' });
  item.stem.split('____').forEach((part, i) => {
    if (i > 0) stem.append(el('span', { class: 'gap', text: '____' }));
    stem.append(part);
  });
  return el(
    'div',
    { class: 'text-answer' },
    stem,
    el('label', { for: id, text: t('item.answer') }),
    input,
    el('p', { class: 'hint', id: 'latin-note', text: t('item.latin') }),
    kazakhKeyboard(input),
  );
}
