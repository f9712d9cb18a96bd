// Channel media, in and out, the same for every channel type (docs/channels.md "Media").
// In: a picture or file the service only names (WhatsApp's media id, Telegram's file_id, Messenger's
// attachment URL, Twilio's MediaUrl) is downloaded after the user's message is stored, by a durable
// outbox job (`media.download`), so the webhook answers at once and a service that is down loses
// nothing: each type's downloadMedia() resolves its ref as its API documents; saveAttachment sniffs,
// checks the allow-list and the size; the file is attached to the stored message. A download still
// failing after MEDIA_MAX_ATTEMPTS, or a file the rules refuse, becomes a system line the agent sees.
// Out: a message's attachments (signed, expiring links made by the outbox) go as the service's media
// message where the type says it can send that file; the others as links in the text.
import type { Attachment, Message } from '@baton/proto';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { OutboundError, type OutboundClient } from '../outbound/client.js';
import { carryAttachments, saveAttachment } from '../commands/attachments.js';
import { commit } from '../commands/after-commit.js';
import { systemLine } from '../commands/conversation-events.js';
import { presentMessage } from '../presenters/conversation.js';
import { fromJson, toJson } from '../store/json.js';
import { findConversation } from '../store/conversations.js';
import { insertOutbox } from '../store/outbox.js';
import type { OutboxRow } from '../store/schema.js';
import type { Tx } from '../store/types.js';
import { retryAfterMs, type ChannelContext, type ChannelDeliveryResult, type ChannelTypeImpl, type InboundMedia, type MediaDownload } from './channel.js';

/** The outbox event of a download job (a row of the channel's target, outside its conversation's order). */
export const MEDIA_DOWNLOAD_EVENT = 'media.download';
/** attempts before the agent is told the file could not be fetched (with backoff: about a minute) */
export const MEDIA_MAX_ATTEMPTS = 6;
const DOWNLOAD_TIMEOUT_MS = 30_000;

interface MediaJob {
  channelId: string;
  conversationId: string;
  messageId: string;
  media: InboundMedia[];
  /** files already stored by an earlier attempt (not fetched again) */
  done?: number;
}

/** Queues the download of a stored user message's media, in the transaction that stored the message. */
export async function queueMediaDownload(tx: Tx, now: number, job: Omit<MediaJob, 'done'>): Promise<void> {
  await insertOutbox(tx, { id: `media_${job.messageId}`, target: `channel:${job.channelId}`, event: MEDIA_DOWNLOAD_EVENT, conversationId: job.conversationId, payload: JSON.stringify(job), now });
}

/** The placeholder a media message shows until its file is attached: what the service said it is. */
export function mediaPlaceholder(media: readonly InboundMedia[]): string {
  return media.map((m) => `[${m.contentType ?? 'file'}${m.name ? `: ${m.name}` : ''}]`).join(' ');
}

/**
 * GET a file through the instance's outbound client (address policy, timeout) with the service's auth,
 * at most `maxBytes`. 429 and 5xx are worth another try (after Retry-After); a file over the limit or
 * another 4xx is not. `redirects`: how many the service may answer before the file (Twilio sends its
 * media to a short-lived CDN link): each target goes through the address policy again, and the
 * credentials go only to the host they were given for.
 */
export async function fetchMedia(http: OutboundClient, url: string, headers: Record<string, string>, maxBytes: number, now: number, redirects = 0): Promise<MediaDownload> {
  try {
    let target = url;
    for (let hop = 0; ; hop++) {
      const sameHost = new URL(target).host === new URL(url).host;
      const r = await http.fetchBytes(target, { headers: sameHost ? headers : {}, maxBytes, timeoutMs: DOWNLOAD_TIMEOUT_MS });
      if (r.status >= 200 && r.status < 300) return { ok: true, bytes: r.bytes, ...(r.contentType ? { contentType: r.contentType } : {}) };
      const location = r.headers.get('location');
      if (r.status >= 300 && r.status < 400 && location && hop < redirects) {
        target = new URL(location, target).toString();
        continue;
      }
      const retry = r.status === 429 || r.status === 408 || r.status >= 500;
      const wait = retry ? retryAfterMs(r.headers.get('retry-after'), now) : undefined;
      const error = r.status >= 300 && r.status < 400 ? `HTTP ${r.status}: redirects are not followed` : `HTTP ${r.status}: ${r.bytes.subarray(0, 200).toString('utf8')}`;
      return { ok: false, retry, error, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
    }
  } catch (err) {
    const kind = err instanceof OutboundError ? err.kind : 'network';
    if (kind === 'too_large') return { ok: false, retry: false, refused: true, error: `larger than the ${maxBytes} bytes files may have` };
    return { ok: false, retry: kind === 'timeout' || kind === 'network', error: (err as Error).message };
  }
}

/**
 * One attempt of a download job (workers/outbox.ts through deliverToChannel): fetches the files not
 * stored yet, stores each as an attachment of the user's message, and tells the agent about a file
 * refused or given up on. Answers the outbox's verdict: retry (with Retry-After) or done.
 */
export async function runMediaDownload(deps: Deps, impl: ChannelTypeImpl, ctx: ChannelContext<unknown>, row: OutboxRow): Promise<ChannelDeliveryResult> {
  const job = fromJson<MediaJob>(row.payload, {} as MediaJob);
  const media = job.media ?? [];
  // erased or deleted by retention meanwhile: nothing left to attach the files to
  if (!(await findConversation(deps.store.db, job.conversationId))) return { ok: true };
  const last = row.attempts + 1 >= MEDIA_MAX_ATTEMPTS;
  for (let i = job.done ?? 0; i < media.length; i++) {
    const m = media[i]!;
    const got: MediaDownload = impl.downloadMedia ? await impl.downloadMedia(ctx, m, deps.config.ATTACHMENT_MAX_BYTES).catch((err: Error) => ({ ok: false as const, retry: true, error: err.message })) : { ok: false, retry: false, error: `a ${impl.type} channel cannot download files` };
    if (!got.ok && got.retry && !last) {
      return { ok: false, retry: true, error: `media download: ${got.error}`, ...(got.retryAfterMs !== undefined ? { retryAfterMs: got.retryAfterMs } : {}) };
    }
    if (got.ok) {
      try {
        const saved = await saveAttachment(deps, { conversationId: job.conversationId, name: m.name ?? got.name ?? 'file', bytes: got.bytes, ...((m.contentType ?? got.contentType) ? { claimedType: m.contentType ?? got.contentType } : {}), by: { channelId: job.channelId } });
        await attach(deps, job, saved);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        await tellAgent(deps, job, `The user sent a file that was not kept (${describe(m)}): ${err.message}`);
      }
    } else if (got.refused) await tellAgent(deps, job, `The user sent a file that was not kept (${describe(m)}): ${got.error}`);
    else await tellAgent(deps, job, `The user sent a file that could not be downloaded (${describe(m)}): ${got.error}`);
    // progress survives a crash or a later file's failure: stored files are not fetched again
    const payload = JSON.stringify({ ...job, done: i + 1 });
    await deps.store.write.run((tx) => tx.updateTable('outbox').set({ payload }).where('id', '=', row.id).execute());
  }
  // the bot waited for the files (a `file` question answers from them): it answers the message now
  void deps.botTurns.schedule(job.conversationId);
  return { ok: true };
}

function describe(m: InboundMedia): string {
  return [m.contentType ?? 'file', m.name].filter(Boolean).join(', ');
}

/** Adds a stored file to the user's message and shows the message again (same id and seq: clients replace it). */
async function attach(deps: Deps, job: MediaJob, file: Attachment): Promise<void> {
  await commit(
    deps,
    async (tx, out) => {
      const [carried] = await carryAttachments(tx, job.conversationId, [file.id], job.messageId);
      const row = await tx.selectFrom('messages').selectAll().where('id', '=', job.messageId).executeTakeFirst();
      if (!row) return;
      const body = fromJson<Record<string, unknown>>(row.body, {});
      const attachments = [...((body.attachments as unknown[] | undefined) ?? []), carried];
      const next = toJson({ ...body, attachments });
      await tx.updateTable('messages').set({ body: next }).where('id', '=', job.messageId).execute();
      out.publish({ type: 'message.created', conversationId: job.conversationId, message: presentMessage({ ...row, body: next }), updated: true });
    },
    job.conversationId,
  );
}

/** A line for the agent (not the user) in the conversation. */
async function tellAgent(deps: Deps, job: MediaJob, text: string): Promise<void> {
  await commit(deps, (tx, out) => systemLine(deps, tx, out, job.conversationId, { event: 'channel.media_failed', text: text.slice(0, 1000), visibleToUser: false, data: { messageId: job.messageId } }), job.conversationId);
}

// --- Out ----------------------------------------------------------------------------------------

/** A file of a message as the outbox sends it: `url` is a signed link valid for ATTACHMENT_LINK_TTL_SECONDS. */
export type OutboundFile = Attachment;

/**
 * A message's files split by what the channel can send as media (`kind` answers the service's media
 * type for a file, or undefined: not as media, e.g. too large for that type), and the message with the
 * others as links under its text.
 */
export function splitFiles<K>(m: Message, kind: (f: OutboundFile) => K | undefined): { message: Message; media: Array<{ file: OutboundFile; kind: K }> } {
  const media: Array<{ file: OutboundFile; kind: K }> = [];
  const linked: OutboundFile[] = [];
  for (const f of m.attachments ?? []) {
    const k = kind(f);
    if (k === undefined) linked.push(f);
    else media.push({ file: f, kind: k });
  }
  return { message: linked.length ? withLinks(m, linked) : m, media };
}

/** The message with links to these files under its text (channels without media, or files they refuse). */
export function withLinks(m: Message, files: readonly OutboundFile[]): Message {
  if (!files.length) return m;
  const lines = files.map((f) => `${f.name}: ${f.url}`);
  return { ...m, text: [m.text, ...lines].filter(Boolean).join('\n') };
}
