// `/author/qti`: importing a QTI 3.0 package or item (all of it as drafts, or nothing; a dry run stores
// nothing) with the report of what came in and what was left out and why, and exporting items as a
// package.

import { $, el, message, t } from './dom.js';
import { save } from './picture.js';
import { explainStaff, ready, report, staffFile, upload } from './staff.js';

async function importPackage(event) {
  event.preventDefault();
  const form = $('import-form');
  const box = $('import-message');
  const chosen = $('import-file').files[0];
  message(box, '');
  if (!chosen) {
    $('import-file').setAttribute('aria-invalid', 'true');
    message(box, t('author.qti.choose'));
    return;
  }
  $('import-file').removeAttribute('aria-invalid');
  const dry = $('import-dry-run').checked;
  const type = chosen.name.endsWith('.xml') ? 'application/xml' : 'application/zip';
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const result = await upload(`/api/v1/qti/import?dry_run=${dry}`, chosen, type);
    showReport(result, dry);
  } catch (error) {
    const detail = error?.code === 'validation_failed' && error.detail ? ` ${error.detail}` : '';
    message(box, explainStaff(error) + detail);
  } finally {
    button.disabled = false;
  }
}

function showReport(result, dry) {
  $('report-heading').textContent = t(dry ? 'author.qti.report_dry' : 'author.qti.report', {
    imported: result.imported.length,
    skipped: result.skipped.length,
  });
  $('imported').tBodies[0].replaceChildren(...result.imported.map((i) => el('tr', {},
    el('th', { scope: 'row', class: 'mono', text: i.identifier }),
    el('td', {}, dry ? el('span', { class: 'mono', text: i.item_id })
      : el('a', { class: 'mono', href: `/author/items/${i.item_id}`, text: i.item_id })))));
  $('imported-empty').hidden = result.imported.length > 0;
  $('skipped').tBodies[0].replaceChildren(...result.skipped.map((s) => el('tr', {},
    el('th', { scope: 'row', class: 'mono', text: s.identifier }),
    el('td', { text: s.reason }))));
  $('skipped-empty').hidden = result.skipped.length > 0;
  $('import-report').hidden = false;
  $('report-heading').tabIndex = -1;
  $('report-heading').focus();
}

async function exportItems(event) {
  event.preventDefault();
  const box = $('export-message');
  const ids = $('export-items').value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  message(box, '');
  if (!ids.length) {
    message(box, t('author.qti.items_needed'));
    return;
  }
  try {
    const query = ids.map((i) => `item=${encodeURIComponent(i)}`).join('&');
    save(await staffFile(`/api/v1/qti/export?${query}`), 'synaq-items.zip');
    message(box, t('author.qti.exported', { n: ids.length }), 'info');
  } catch (error) {
    report(error, box);
  }
}

if (ready) {
  $('import-form').addEventListener('submit', importPackage);
  $('export-form').addEventListener('submit', exportItems);
}
