// A listening item's recording, played with a Play button as often as the section allows. The server
// counts the plays: every fetch of the recording is one, so the page fetches it afresh for each play, keeps
// it only as a blob while it plays (there is no address to download it from) and shows what the server
// says is left (`plays_left` in the session view, then `play_limit_reached` once none is). `getFile`
// fetches the recording with the reader's token (the candidate's by default; an author's preview passes
// its own).

import { explain, file } from './api.js';
import { el, t } from './dom.js';

export function listeningPlayer({ url, playsLeft, onPlayed, getFile = file }) {
  let left = playsLeft;
  let audio = null;
  const status = el('p', { class: 'hint', role: 'status' });
  const progress = el('progress', { max: '1', value: '0', 'aria-label': t('player.progress') });
  const button = el('button', { type: 'button', class: 'play', text: t('player.play') });

  const idle = () => {
    button.disabled = left === 0;
    status.textContent = t('player.plays_left', { n: left });
  };
  const release = () => {
    if (audio) URL.revokeObjectURL(audio.src);
    audio = null;
  };

  button.addEventListener('click', async () => {
    if (left === 0) return;
    button.disabled = true;
    status.textContent = t('player.loading');
    try {
      const blob = await getFile(url);
      left -= 1;
      onPlayed(left);
      release();
      audio = new Audio(URL.createObjectURL(blob));
      audio.addEventListener('timeupdate', () => {
        if (audio?.duration) progress.value = audio.currentTime / audio.duration;
      });
      audio.addEventListener('ended', () => {
        progress.value = 1;
        release();
        idle();
      });
      audio.addEventListener('playing', () => {
        status.textContent = t('player.playing');
      });
      await audio.play();
    } catch (error) {
      if (error?.code === 'play_limit_reached') {
        left = 0;
        onPlayed(0);
      }
      status.textContent = explain(error);
      button.disabled = left === 0;
    }
  });
  idle();
  return el('div', { class: 'player' }, button, progress, status);
}
