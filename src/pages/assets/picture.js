// Pictures the server draws (SVG) shown in an <img>: fetched with the staff token, their own <title>
// made the image's alternative text.

import { staffFile } from './staff.js';

/** Shows the picture at `path` in `img`; resolves once it is shown, throws `Problem` or `Offline`. */
export async function showPicture(img, path) {
  const blob = await staffFile(path);
  const title = new DOMParser().parseFromString(await blob.text(), 'image/svg+xml').querySelector('title');
  if (title?.textContent.trim()) img.alt = title.textContent.trim();
  if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
  img.src = URL.createObjectURL(blob);
  img.hidden = false;
}

/** Saves a file (a Blob) under `name`, as a download. */
export function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
