// Who may settle exceptions from the sidebar. The server decides, on every call, from what Apps Script says about
// the person at the keyboard; the sidebar's own idea of it is only for showing.

import type { Reviewer } from '../../shared/review-api';

export interface Caller {
  /** Session.getActiveUser().getEmail(): '' when Apps Script keeps it from the script. */
  email: string;
  /** An editor (or the owner) of the spreadsheet. */
  editor: boolean;
  /** Listed in REVIEWERS. */
  listed: boolean;
  /** Sheets lets this person write the protected Audit sheet (the owner, or a reviewer Set up ledger let in). */
  writesAudit: boolean;
}

export function whoMayAct(caller: Caller): Reviewer {
  const email = caller.email.trim().toLowerCase();
  if (email === '') {
    return {
      email: '',
      canAct: false,
      why:
        'Apps Script did not tell the add-on who you are (it keeps the e-mail of someone outside the owner’s ' +
        'Google Workspace domain from scripts), and every action is recorded in Audit under its reviewer’s ' +
        'e-mail, so nothing can be done in your name. Ask the spreadsheet’s owner to review, or to share it ' +
        'with your account in their domain.',
    };
  }
  if (!caller.editor && !caller.listed) {
    return {
      email,
      canAct: false,
      why: `${email} is neither an editor of this spreadsheet nor listed in REVIEWERS, so it can look but not act.`,
    };
  }
  if (!caller.writesAudit) {
    return {
      email,
      canAct: false,
      why:
        `The Audit sheet is protected so that only its owner and the people in REVIEWERS can write it, and every ` +
        `action leaves Audit rows in your name. Ask the owner to add ${email} to REVIEWERS (Project Settings → ` +
        'Script properties) and to run Stripe Ledger → Set up ledger again.',
    };
  }
  return { email, canAct: true, why: null };
}
