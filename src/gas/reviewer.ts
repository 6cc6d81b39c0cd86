// Who is at the sidebar, as Apps Script tells it. A sidebar's server functions run as the person using it, so
// Session.getActiveUser() is them (or '' where Apps Script keeps the e-mail back), the spreadsheet's editors are
// listed by Drive, and whether Sheets lets them write the protected Audit sheet is the protection's own answer.

import { SHEET } from '../core/contract';
import { whoMayAct } from '../core/review/who-may-act';
import type { Reviewer } from '../shared/review-api';
import type { LedgerContext } from './context';

export function identifyReviewer(context: LedgerContext): Reviewer {
  const email = attempt(() => Session.getActiveUser().getEmail(), '')
    .trim()
    .toLowerCase();
  if (email === '') return whoMayAct({ email, editor: false, listed: false, writesAudit: false });
  const spreadsheet = context.book.spreadsheet;
  const owner = attempt(() => spreadsheet.getOwner()?.getEmail() ?? '', '').toLowerCase();
  // Drive refuses the list to someone who cannot edit: that answers the question too.
  const editors = attempt(() => spreadsheet.getEditors().map((user) => user.getEmail().toLowerCase()), []);
  const audit = spreadsheet.getSheetByName(SHEET.audit);
  const writesAudit =
    email === owner ||
    (audit !== null &&
      attempt(
        () =>
          audit
            .getProtections(SpreadsheetApp.ProtectionType.SHEET)
            .every((protection) => protection.canEdit()),
        false,
      ));
  return whoMayAct({
    email,
    editor: email === owner || editors.includes(email),
    listed: context.settings.reviewers.includes(email),
    writesAudit,
  });
}

function attempt<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}
