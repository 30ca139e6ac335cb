// Small helpers every script of the pages shares: the page's texts, element building, screens.

const data = JSON.parse(document.getElementById('page-data').textContent);

/** What the server put into the page: its language, texts and settings. */
export const page = data;

/** The text for `key` in the page's language, with `{name}` filled from `values`. */
export function t(key, values = {}) {
  let text = data.texts[key] ?? `⟦${key}⟧`;
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

/** Whether the table has a text for `key`. */
export function has(key) {
  return key in data.texts;
}

export const $ = (id) => document.getElementById(id);

/**
 * A new element. `props`: `text`, `class`, `on` ({event: handler}), any other key is an attribute
 * (`false`/`null` leave it out, `true` sets it empty).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'class') node.className = value;
    else if (key === 'on') for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** Shows one `.screen` and moves the focus to its heading, so that a screen reader follows. */
export function show(id) {
  for (const screen of document.querySelectorAll('.screen')) screen.hidden = screen.id !== id;
  const heading = document.querySelector(`#${id} h1`);
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: false });
  }
}

/** Puts `text` into a message box (a live region), or empties and hides it. */
export function message(box, text, kind = 'error') {
  box.textContent = text || '';
  box.dataset.kind = kind;
  box.classList.toggle('shown', Boolean(text));
}

/** A section's name in the page's language; the blueprint's (Kazakh) title when there is no translation. */
export function sectionName(id, title) {
  return has(`section.${id}`) ? t(`section.${id}`) : title || id;
}

/** A level as the result states it (`A1`, `A2`, …, `below_A1`), in the page's language. */
export function level(word) {
  return has(`level.${word}`) ? t(`level.${word}`) : word;
}

/** The day of an RFC 3339 timestamp (UTC), as certificates print it. */
export function day(iso) {
  return iso ? iso.slice(0, 10) : '';
}

/** A number with at most two decimals. */
export function number(x) {
  return String(Math.round(x * 100) / 100);
}
