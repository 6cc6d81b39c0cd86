// A sync writes many rows at once (runs of nearby rows, one call each): the yen rows typed after Set up ledger get
// their amount format in the same pass, and the other cells of the run keep theirs.

import { afterEach, expect, it } from 'vitest';
import { runSync } from '../../src/gas/sync';
import { invoiceEvent } from '../fixtures/events';
import { type SyncWorld, syncWorld } from './scenario';

let world: SyncWorld | null = null;
afterEach(() => {
  world?.harness.close();
  world = null;
});

it('formats the first amounts of yen rows written in a block, and only theirs', () => {
  world = syncWorld([{ invoiceId: 'in_set_up_usd', currency: 'USD' }]);
  const { fakes } = world.harness;
  const ledger = fakes.spreadsheet.getSheetByName('Ledger')!;
  const header = fakes.spreadsheet.sheetValues('Ledger')[0]!.map(String);
  const ids = Array.from({ length: 6 }, (_, i) => `in_later${i}`);
  // Typed below after setup: three in yen, three in dollars, as a school adds next term's rows.
  const typed = ids.map((id, i) => {
    const currency = i % 2 === 0 ? 'JPY' : 'USD';
    return header.map((name) =>
      name === 'Stripe Invoice ID' ? `'${id}` : name === 'Currency' ? currency : name === 'Student' ? id : '',
    );
  });
  ledger.getRange(3, 1, typed.length, header.length).setValues(typed);
  world.stripe.addEvents(
    ...ids.map((id, i) =>
      invoiceEvent('invoice.paid', {
        invoiceId: id,
        amountDue: i % 2 === 0 ? 60_000 : 125_050,
        currency: i % 2 === 0 ? 'jpy' : 'usd',
        created: 1_767_225_600 + i,
      }),
    ),
  );

  runSync();

  const column = (name: string) => header.indexOf(name);
  const formats = fakes.spreadsheet.numberFormats('Ledger').slice(2, 2 + ids.length);
  expect(formats.map((row) => row[column('Amount Paid')])).toEqual([
    '#,##0',
    '#,##0.00',
    '#,##0',
    '#,##0.00',
    '#,##0',
    '#,##0.00',
  ]);
  expect(formats.every((row) => row[column('Paid At')] === 'yyyy-mm-dd hh:mm')).toBe(true);
  const shown = fakes.spreadsheet.displayValues('Ledger').slice(2, 4);
  expect(shown.map((row) => row[column('Amount Paid')])).toEqual(['60,000', '1,250.50']);
});
