// A listening item's recording: played with a Play button only as often as the limit allows, fetched with
// the candidate's token and kept as a blob (there is no address to download it from). The page counts the
// plays, in localStorage so that a reload does not reset them; the server does not count them yet.

import { explain, file } from './api.js';
import { el, t } from './dom.js';

export function listeningPlayer({ url, storageKey, limit }) {
  let plays = Number(localStorage.getItem(storageKey) || 0);
  let audio = null;
  const status = el('p', { class: 'hint', role: 'status' });
  const progress = el('progress', { max: '1', value: '0', 'aria-label': t('player.progress') });
  const button = el('button', { type: 'button', class: 'play', text: t('player.play') });

  const left = () => Math.max(0, limit - plays);
  const idle = () => {
    button.disabled = left() === 0;
    status.textContent = t('player.plays_left', { n: left() });
  };

  button.addEventListener('click', async () => {
    if (left() === 0) return;
    button.disabled = true;
    try {
      if (!audio) {
        status.textContent = t('player.loading');
        audio = new Audio(URL.createObjectURL(await file(url)));
        audio.addEventListener('timeupdate', () => {
          if (audio.duration) progress.value = audio.currentTime / audio.duration;
        });
        audio.addEventListener('ended', () => {
          progress.value = 1;
          idle();
        });
        audio.addEventListener('playing', () => {
          status.textContent = t('player.playing');
        });
      }
      audio.currentTime = 0;
      await audio.play();
      plays += 1;
      localStorage.setItem(storageKey, String(plays));
    } catch (error) {
      status.textContent = explain(error);
      button.disabled = false;
    }
  });
  idle();
  return el('div', { class: 'player' }, button, progress, status);
}
