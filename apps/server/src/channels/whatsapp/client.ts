// WhatsApp Cloud API calls (Graph API), through the instance's OutboundClient: send a message
// (POST /{phone-number-id}/messages) and read the phone number (the connection test). Meta's error
// answers `{ error: { message, type, code, error_data: { details } } }` become a clear reason; rate
// limits (HTTP 429, codes 4, 80007, 130429, 131056) and 5xx are retried after Retry-After.
import type { OutboundClient } from '../../outbound/client.js';
import { bearerJson } from '../../providers/http-client.js';
import { retryAfterMs, type MediaDownload } from '../channel.js';
import { fetchMedia } from '../media.js';
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

/**
 * A file the user sent (the webhook's media id), as the Cloud API serves it: `GET /{media-id}` answers
 * a `url` valid for 5 minutes (and the mime_type and file_size), which is fetched with the same bearer
 * token. The URL is asked for again on every attempt, so a retry never uses an expired one.
 */
export async function downloadMedia(http: OutboundClient, cfg: WhatsAppConfig, mediaId: string, maxBytes: number, now: number): Promise<MediaDownload> {
  const res = await bearerJson(http, `${graphUrl(cfg)}/${encodeURIComponent(mediaId)}?phone_number_id=${encodeURIComponent(cfg.phoneNumberId)}`, 'GET', cfg.accessToken, undefined, 10_000);
  if (!res.ok) {
    const e = (res.json as GraphError | undefined)?.error;
    const limited = res.status === 429 || (e?.code !== undefined && RATE_LIMIT_CODES.has(e.code));
    const wait = limited || res.status >= 500 ? retryAfterMs(res.headers?.get('retry-after'), now) : undefined;
    return { ok: false, retry: limited || res.retryable, error: e ? `WhatsApp error ${e.code ?? res.status}: ${e.message ?? ''}` : res.error, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
  }
  const meta = res.json as { url?: string; mime_type?: string; file_size?: number | string } | undefined;
  if (!meta?.url) return { ok: false, retry: false, error: 'WhatsApp answered without the media URL' };
  if (Number(meta.file_size) > maxBytes) return { ok: false, retry: false, refused: true, error: `${meta.file_size} bytes, more than the ${maxBytes} files may have` };
  const got = await fetchMedia(http, meta.url, { Authorization: `Bearer ${cfg.accessToken}` }, maxBytes, now);
  return got.ok && !got.contentType && meta.mime_type ? { ...got, contentType: meta.mime_type } : got;
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
