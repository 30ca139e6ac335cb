// The printable certificate of the candidate's finished session: what the result says, the holder's name
// and document number, and the QR code of the public check page.

import { call, explain, token } from './api.js';
import { $, day, level, message, page, t } from './dom.js';
import { fillScores } from './scores.js';

async function fill() {
  const session = sessionStorage.getItem('synaq.session');
  if (!token.get() || !session) {
    $('cert-missing').hidden = false;
    return;
  }
  let result;
  let outline;
  try {
    [result, outline] = await Promise.all([
      call('GET', `/api/v1/sessions/${session}/result`),
      call('GET', `/sit/api/sessions/${session}/outline`),
    ]);
  } catch (error) {
    message($('cert-message'), explain(error));
    return;
  }
  if (!result.certificate_id) {
    message($('cert-message'), t(result.status === 'under_review' ? 'result.under_review' : 'result.not_certified'), 'info');
    return;
  }
  const id = result.certificate_id;
  $('cert-test').textContent = outline.test;
  $('cert-holder').textContent = outline.candidate.full_name;
  $('cert-document').textContent = outline.candidate.document_number;
  $('cert-number').textContent = id;
  $('cert-level').textContent = level(result.level);
  $('cert-decision').textContent = t(`decision.${result.decision}`);
  $('cert-issued').textContent = day(result.issued_at);
  $('cert-valid-until').textContent = day(result.valid_until);
  fillScores(document.querySelector('#cert-sections tbody'), result.sections);
  $('cert-qr').src = `/verify/${id}/qr.svg`;
  $('cert-url').textContent = `${page.public_base}/verify/${id}`;
  $('certificate').hidden = false;
  $('print').hidden = false;
}

$('print').addEventListener('click', () => window.print());
fill();
