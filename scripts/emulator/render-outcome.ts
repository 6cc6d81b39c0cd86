// What the last action showed, as Sheets would show it: a refusal or an error, the add-on's alerts (with the button
// the emulator pressed), its dialogs (their HTML in a sandboxed frame), that a sidebar opened, and toasts in the corner.

import { escapeHtml } from './escape-html';
import type { ShownOutcome } from './trial-routes';

/** The fake Ui answers every alert at once: OK, or YES where the buttons ask yes or no. */
function pressed(buttons: string | undefined): string {
  return buttons === 'YES_NO' || buttons === 'YES_NO_CANCEL' ? 'Yes' : 'OK';
}

export function renderOutcome(outcome: ShownOutcome): string {
  const { ui } = outcome;
  const parts: string[] = [];
  if (outcome.problem) parts.push(`<p class="problem">${escapeHtml(outcome.problem)}</p>`);
  for (const alert of ui.alerts) {
    parts.push(
      `<div class="alert">${alert.title ? `<strong>${escapeHtml(alert.title)}</strong>` : ''}` +
        `<p>${escapeHtml(alert.prompt)}</p><p class="pressed">The emulator pressed ${pressed(alert.buttons)}.</p></div>`,
    );
  }
  for (const dialog of ui.dialogs) {
    parts.push(
      `<div class="dialog"><strong>${escapeHtml(dialog.title)}</strong>` +
        `<iframe sandbox title="${escapeHtml(dialog.title)}" srcdoc="${escapeHtml(dialog.content)}"></iframe></div>`,
    );
  }
  // A sidebar opens in the pane at the right of the sheets (render.ts), as in Sheets.
  for (const sidebar of ui.sidebars) {
    parts.push(`<p class="quiet">${escapeHtml(sidebar.title || 'The sidebar')} opened at the right.</p>`);
  }
  const shown = ui.alerts.length + ui.dialogs.length + ui.sidebars.length + ui.toasts.length;
  if (!outcome.problem && shown === 0) parts.push('<p class="quiet">Done. The add-on showed nothing.</p>');
  const toasts = ui.toasts
    .map(
      (toast) =>
        `<div class="toast" role="status">${toast.title ? `<strong>${escapeHtml(toast.title)}</strong> ` : ''}${escapeHtml(toast.message)}</div>`,
    )
    .join('');
  const panel =
    parts.length > 0
      ? `<aside class="outcome${outcome.problem ? ' failed' : ''}" role="alertdialog" aria-labelledby="outcome-title" data-outcome="${outcome.id}">
<form method="post" action="/outcome/dismiss"><button type="submit" class="close" aria-label="Close">×</button></form>
<h3 id="outcome-title">${escapeHtml(outcome.title)}</h3>
${parts.join('\n')}
</aside>`
      : '';
  return `${panel}${toasts ? `<div class="toasts">${toasts}</div>` : ''}`;
}
