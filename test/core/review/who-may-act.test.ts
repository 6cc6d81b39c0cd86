// Who may settle exceptions, and what the sidebar says to those who may not.

import { describe, expect, it } from 'vitest';
import { whoMayAct } from '../../../src/core/review/who-may-act';

describe('whoMayAct', () => {
  const editor = { email: 'Bursar@School.example', editor: true, listed: false, writesAudit: true };

  it('lets an editor who can write the Audit sheet act, under their lower-cased e-mail', () => {
    expect(whoMayAct(editor)).toEqual({ email: 'bursar@school.example', canAct: true, why: null });
  });

  it('refuses an unknown person, a stranger, and an editor the Audit sheet is closed to, each saying why', () => {
    expect(whoMayAct({ ...editor, email: '' }).why).toMatch(/did not tell the add-on who you are/);
    expect(whoMayAct({ ...editor, editor: false }).why).toMatch(
      /neither an editor .* nor listed in REVIEWERS/,
    );
    expect(whoMayAct({ ...editor, writesAudit: false }).why).toMatch(
      /add bursar@school.example to REVIEWERS/,
    );
  });

  it('lets someone listed in REVIEWERS act even when Drive does not list them as an editor', () => {
    expect(whoMayAct({ ...editor, editor: false, listed: true }).canAct).toBe(true);
  });
});
