// The web app: doPost for Stripe (through the relay), doGet for liveness.

import { SHEET, VERSION, type WebhookAnswer } from '../core/contract';
import { handleWebhook, type WebhookDeps } from '../core/pipeline';
import { SheetAuditTrail } from './audit';
import { SheetEventLog } from './event-log';
import { SheetExceptionQueue } from './exceptions';
import { SheetLedger } from './ledger';
import { stripePaymentLinks } from './payment-links';
import { hmacSha256Hex, propertySecrets, rejectionBudget, scriptLock, systemClock } from './services';
import { Workbook } from './workbook';

export function webhookDeps(book: Workbook = new Workbook()): WebhookDeps {
  return {
    clock: systemClock,
    lock: scriptLock(),
    hmac: hmacSha256Hex,
    secrets: propertySecrets,
    rejections: rejectionBudget,
    eventLog: new SheetEventLog(book),
    ledger: new SheetLedger(book),
    exceptions: new SheetExceptionQueue(book),
    audit: new SheetAuditTrail(book),
    paymentLinks: stripePaymentLinks,
  };
}

export function doPost(e: GoogleAppsScript.Events.DoPost): GoogleAppsScript.Content.TextOutput {
  let result: WebhookAnswer;
  try {
    result = handleWebhook(webhookDeps(), {
      rawBody: e?.postData?.contents ?? '',
      signatureHeader: e?.parameter?.stripe_signature ?? null,
      contentLength: typeof e?.postData?.length === 'number' ? e.postData.length : null,
    });
  } catch (error) {
    // Reached only when even the log could not be written (e.g. a sheet was deleted).
    const detail = error instanceof Error ? error.message : String(error);
    result = {
      result: 'error',
      eventId: null,
      message: `Could not log the delivery (${SHEET.events}): ${detail}`,
    };
  }
  return json(result);
}

export function doGet(): GoogleAppsScript.Content.TextOutput {
  return json({ ok: true, version: VERSION });
}

function json(value: unknown): GoogleAppsScript.Content.TextOutput {
  return ContentService.createTextOutput(JSON.stringify(value)).setMimeType(ContentService.MimeType.JSON);
}
