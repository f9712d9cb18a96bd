// WhatsApp Cloud API calls (Graph API), through the instance's OutboundClient: send a message
// (POST /{phone-number-id}/messages) and read the phone number (the connection test). Meta's error
// answers `{ error: { message, type, code, error_data: { details } } }` become a clear reason; rate
// limits (HTTP 429, codes 4, 80007, 130429, 131056) and 5xx are retried after Retry-After.
import type { OutboundClient } from '../../outbound/client.js';
import { bearerJson } from '../../providers/http-client.js';
import { retryAfterMs } from '../channel.js';
import { graphUrl, type WhatsAppConfig } from './config.js';

export type SendResult = { ok: true; id: string } | { ok: false; retry: boolean; error: string; code?: number; retryAfterMs?: number };

const RATE_LIMIT_CODES = new Set([4, 80007, 130429, 131056]);

interface GraphError {
  error?: { message?: string; code?: number; error_data?: { details?: string } };
}

export async function sendMessage(http: OutboundClient, cfg: WhatsAppConfig, body: Record<string, unknown>, now: number): Promise<SendResult> {
  const res = await bearerJson(http, `${graphUrl(cfg)}/${encodeURIComponent(cfg.phoneNumberId)}/messages`, 'POST', cfg.accessToken, { messaging_product: 'whatsapp', recipient_type: 'individual', ...body }, 10_000);
  if (res.ok) {
    const id = (res.json as { messages?: { id?: string }[] } | undefined)?.messages?.[0]?.id;
    return id ? { ok: true, id } : { ok: false, retry: false, error: 'WhatsApp answered without a message id' };
  }
  const e = (res.json as GraphError | undefined)?.error;
  const code = e?.code;
  const limited = res.status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code));
  const reason = e ? `WhatsApp error ${code ?? res.status}: ${e.message ?? ''}${e.error_data?.details ? ` (${e.error_data.details})` : ''}` : res.error;
  return { ok: false, retry: limited || res.retryable, error: reason, ...(code !== undefined ? { code } : {}), ...(limited || res.status >= 500 ? { retryAfterMs: retryAfterMs(res.headers?.get('retry-after'), now) ?? 0 } : {}) };
}

/** The business phone number behind the id, or why it cannot be read (a wrong token or id). */
export async function getPhoneNumber(http: OutboundClient, cfg: WhatsAppConfig): Promise<{ ok: true; display: string; name: string } | { ok: false; error: string }> {
  const res = await bearerJson(http, `${graphUrl(cfg)}/${encodeURIComponent(cfg.phoneNumberId)}?fields=display_phone_number,verified_name`, 'GET', cfg.accessToken, undefined, 10_000);
  if (!res.ok) {
    const e = (res.json as GraphError | undefined)?.error;
    return { ok: false, error: e ? `WhatsApp error ${e.code ?? res.status}: ${e.message ?? ''}` : res.error };
  }
  const j = res.json as { display_phone_number?: string; verified_name?: string };
  return { ok: true, display: j.display_phone_number ?? cfg.phoneNumberId, name: j.verified_name ?? '' };
}
