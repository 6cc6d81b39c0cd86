// The web app: doPost for Stripe (through the relay), doGet for liveness.

import { VERSION, type WebhookAnswer } from '../core/contract';
import { handleWebhook } from '../core/ingest/webhook';
import { errorMessage } from '../shared/error-message';
import { type LedgerContext, ledgerContext, WEBHOOK_RETRY } from './context';
import { recordUsage } from './quota';

export function doPost(e: GoogleAppsScript.Events.DoPost): GoogleAppsScript.Content.TextOutput {
  let result: WebhookAnswer;
  try {
    const context = openContext();
    result = handleWebhook(context.webhookDeps(), {
      rawBody: e?.postData?.contents ?? '',
      signatureHeader: e?.parameter?.stripe_signature ?? null,
      contentLength: typeof e?.postData?.length === 'number' ? e.postData.length : null,
    });
    const fetches = context.stripe()?.fetches ?? 0;
    if (fetches > 0) recordUsage({ urlFetches: fetches });
  } catch (error) {
    // Reached only when the script properties or the spreadsheet cannot be opened at all.
    const detail = errorMessage(error);
    result = {
      result: 'error',
      eventId: null,
      message: `Could not handle the delivery, Stripe will retry: ${detail}`,
    };
  }
  return json(result);
}

/** The script properties are read once per delivery: one failed read is asked again before the delivery fails. */
function openContext(): LedgerContext {
  try {
    return ledgerContext({ retry: WEBHOOK_RETRY });
  } catch {
    return ledgerContext({ retry: WEBHOOK_RETRY });
  }
}

export function doGet(): GoogleAppsScript.Content.TextOutput {
  return json({ ok: true, version: VERSION });
}

function json(value: unknown): GoogleAppsScript.Content.TextOutput {
  return ContentService.createTextOutput(JSON.stringify(value)).setMimeType(ContentService.MimeType.JSON);
}
