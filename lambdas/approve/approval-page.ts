/** HTML of the approval endpoint: small, self-contained (no scripts, no external assets), every value escaped. */

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // The link's id and signature must not leak to other sites through the Referer header.
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(
    title,
  )}</title><style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}dt{font-weight:600}label{display:block;margin-top:1rem}input,textarea{width:100%;padding:.4rem}button{margin:1rem .5rem 0 0;padding:.6rem 1.2rem;font-size:1rem}</style></head><body><h1>${escapeHtml(
    title,
  )}</h1>${body}</body></html>`;
}

export interface ConfirmationPage {
  readonly incidentId: string;
  readonly title: string;
  readonly severity: string;
  readonly status: string;
  readonly playbook: string;
  readonly step: string;
  readonly where: string;
  readonly validUntil: string;
  /** The signed link fields, carried into the POST. */
  readonly approvalId: string;
  readonly exp: string;
  readonly sig: string;
}

/** GET: what is asked, and a form. Nothing is decided until the responder presses a button (mail scanners only GET). */
export function confirmationPage(page: ConfirmationPage): string {
  const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  return layout(
    `Approve containment step ${page.step}?`,
    `<dl><dt>Incident</dt><dd>${escapeHtml(page.incidentId)} (${escapeHtml(page.severity)}, ${escapeHtml(page.status)})</dd>` +
      `<dt>What happened</dt><dd>${escapeHtml(page.title)}</dd><dt>Where</dt><dd>${escapeHtml(page.where)}</dd>` +
      `<dt>Playbook step</dt><dd>${escapeHtml(page.playbook)} → ${escapeHtml(page.step)}</dd>` +
      `<dt>Valid until</dt><dd>${escapeHtml(page.validUntil)}</dd></dl>` +
      `<form method="post">${hidden('id', page.approvalId)}${hidden('exp', page.exp)}${hidden('sig', page.sig)}` +
      `<label>Your name or e-mail (recorded on the incident)<input name="approver" required maxlength="200" autocomplete="email"></label>` +
      `<label>Reason<textarea name="reason" maxlength="1000" rows="3"></textarea></label>` +
      `<button type="submit" name="decision" value="approve">Approve</button><button type="submit" name="decision" value="reject">Reject</button></form>` +
      `<p>This link works once. You can also answer with <code>firebreak approve|reject ${escapeHtml(page.incidentId)} --step ${escapeHtml(page.step)}</code>.</p>`,
  );
}

export function messagePage(title: string, message: string): string {
  return layout(title, `<p>${escapeHtml(message)}</p>`);
}
