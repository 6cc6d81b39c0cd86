// Parked evidence claimed without a reviewer: an open UNKNOWN_INVOICE whose invoice now has a ledger row (someone
// typed the row in) is matched to it by the system, so its events land on the row at the latest on the next sync.

import { SYSTEM_ACTOR } from './exception-plan';
import type { ExceptionRecord } from './ports';
import type { Review } from './reviews';

const PARKED = 'UNKNOWN_INVOICE:';

/** The invoice keys that open UNKNOWN_INVOICE exceptions are parked under. */
export function parkedKeys(records: ExceptionRecord[]): string[] {
  return [
    ...new Set(
      records
        .filter((r) => r.status === 'open' && r.openKey.startsWith(PARKED))
        .map((r) => r.openKey.slice(PARKED.length)),
    ),
  ];
}

/** A system match for each open UNKNOWN_INVOICE whose key is now a ledger row's invoice. */
export function claimsForRows(records: ExceptionRecord[], hasRow: (invoiceId: string) => boolean): Review[] {
  return records
    .filter((r) => r.status === 'open' && r.openKey.startsWith(PARKED))
    .filter((r) => hasRow(r.openKey.slice(PARKED.length)))
    .map((r) => ({
      exceptionId: r.exceptionId,
      actor: SYSTEM_ACTOR,
      action: {
        kind: 'match',
        target: { invoiceId: r.openKey.slice(PARKED.length) },
        note: 'A ledger row now has this invoice: its parked events were applied to it.',
      },
    }));
}
