// The on-screen keyboard of the Kazakh letters a Russian or Latin layout lacks, for a text answer.

import { el, t } from './dom.js';

const LETTERS = ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і'];

/** Types `text` into `input` at its caret, as if typed: the input's `input` event fires. */
export function typeInto(input, text) {
  const start = input.selectionStart ?? input.value.length;
  const end = input.selectionEnd ?? input.value.length;
  if (input.maxLength > 0 && input.value.length - (end - start) + text.length > input.maxLength) return;
  input.setRangeText(text, start, end, 'end');
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

/** The keyboard for `input`: a group of letter buttons and a Capitals toggle. */
export function kazakhKeyboard(input) {
  let capitals = false;
  const keys = LETTERS.map((letter) =>
    el('button', {
      type: 'button',
      class: 'key',
      lang: 'kk',
      text: letter,
      on: {
        // Keep the caret in the answer while the key is pressed.
        mousedown: (e) => e.preventDefault(),
        click: () => {
          typeInto(input, capitals ? letter.toLocaleUpperCase('kk') : letter);
          input.focus();
        },
      },
    }),
  );
  const shift = el('button', {
    type: 'button',
    class: 'key shift',
    'aria-pressed': 'false',
    text: t('keyboard.capitals'),
    on: {
      mousedown: (e) => e.preventDefault(),
      click: () => {
        capitals = !capitals;
        shift.setAttribute('aria-pressed', String(capitals));
        keys.forEach((key, i) => {
          key.textContent = capitals ? LETTERS[i].toLocaleUpperCase('kk') : LETTERS[i];
        });
      },
    },
  });
  return el('div', { class: 'keyboard', role: 'group', 'aria-label': t('keyboard.label') }, ...keys, shift);
}
