// Attachments (DESIGN §10.6): the one place a file enters or leaves Baton's store. Routes, channel
// media (in and out) and providers call these, never the table:
// - saveAttachment(deps, { conversationId, name, bytes, claimedType?, by }) → Attachment view: sniffs the
//   bytes (the sniffed type wins over the claim and the name), enforces the allow-list, the size limit
//   and the per-conversation quota, and stores the file (its bytes copied in off the event loop on SQLite);
// - readAttachment(deps, id) → { meta, bytes } (through store.reads), and attachmentChunks for
//   downloads that stream;
// - carryAttachments(tx, conversationId, ids, messageId): a message send claims uploaded files;
// - signedAttachmentUrl / verifyAttachmentLink: links for providers, which hold no user token.
// docs/security.md "Attachments" is the threat model these implement.
import { createHash, createHmac } from 'node:crypto';
import { ATTACHMENT_CONTENT_TYPES, type Attachment, type AttachmentContentType } from '@baton/proto';
import { fileTypeFromBuffer } from 'file-type';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { presentAttachment, type CarriedAttachment } from '../presenters/attachment.js';
import { attachmentMeta, bytesOf, chunkOf, claimAttachments, countAttachments, insertAttachment } from '../store/attachments.js';
import { findConversation } from '../store/conversations.js';
import type { AgentRow, AttachmentMetaRow, AttachmentRow } from '../store/schema.js';
import type { Tx } from '../store/types.js';
import { newSortableId, safeEqual } from '../tokens.js';
import { assertCanView, assertOwner } from './agent-access.js';

export { attachmentUrl, presentAttachment, type CarriedAttachment } from '../presenters/attachment.js';

/** Who put a file in the conversation; stored as `user`, `bot`, `agent:<id>` or `channel:<id>`. */
export type Uploader = 'user' | 'bot' | { agentId: string } | { channelId: string };

export interface SaveAttachmentInput {
  conversationId: string;
  /** the file name as the sender gave it (made safe for downloads; the extension follows the sniffed type) */
  name: string;
  bytes: Uint8Array;
  /** the type the sender claimed (Content-Type of the part, a channel's mime_type): a hint, never trusted */
  claimedType?: string;
  by: Uploader;
  /** the SHA-256 (hex) when the caller hashed the bytes as they streamed in; computed here otherwise */
  sha256?: string;
}

/** What a file's row says, without its bytes, as code outside the store uses it. */
export interface AttachmentMeta {
  id: string;
  conversationId: string;
  messageId: string | null;
  name: string;
  contentType: AttachmentContentType;
  size: number;
  sha256: string;
  uploadedBy: string;
  createdAt: number;
}

const ALLOWED = new Set<string>(ATTACHMENT_CONTENT_TYPES);
/** image types shown inline (thumbnails); everything else downloads as a file */
const INLINE = new Set<string>(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const EXTENSIONS: Record<AttachmentContentType, readonly string[]> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
  'text/plain': ['txt', 'text', 'log', 'csv', 'md'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'application/vnd.oasis.opendocument.text': ['odt'],
  'application/vnd.oasis.opendocument.spreadsheet': ['ods'],
};

export function isInline(contentType: string): boolean {
  return INLINE.has(contentType);
}

/**
 * The file's type from its bytes: what file-type recognises by magic bytes (images, PDF, the ZIP-based
 * office formats by their entries), else plain text when the bytes are UTF-8 without NULs (text has no
 * magic bytes). Anything else, or a type off the allow-list, is 415 ATTACHMENT_TYPE_REFUSED: an .exe
 * named .png is an executable whatever it is called. SVG (XML that can carry script) is refused, and
 * so is text that is markup a browser would run if the file were ever opened as what its name says.
 */
export async function sniffAttachment(bytes: Uint8Array): Promise<AttachmentContentType> {
  const found = await fileTypeFromBuffer(bytes);
  if (found) {
    if (ALLOWED.has(found.mime)) return found.mime as AttachmentContentType;
    throw new AppError('ATTACHMENT_TYPE_REFUSED', `Files of type ${found.mime} are not accepted`);
  }
  if (bytes.length > 0 && isPlainText(bytes)) return 'text/plain';
  throw new AppError('ATTACHMENT_TYPE_REFUSED');
}

function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, Math.min(bytes.length, 64 * 1024)), { stream: bytes.length > 64 * 1024 });
    // the rest is checked in full: a NUL-free prefix says nothing about the tail
    if (bytes.length > 64 * 1024) new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  // markup (HTML, SVG, XML) is not plain text to a browser: refused rather than stored as text
  const head = text.replace(/^\uFEFF/, '').trimStart().slice(0, 256).toLowerCase();
  return !/^<(\?xml|!doctype|html|svg|script|head|body|iframe)\b/.test(head);
}

/**
 * A name safe to show and to put in Content-Disposition: no path, no control or quote characters, at
 * most 200 characters, and an extension that matches the sniffed type (a text file named `x.html` is
 * saved as `x.html.txt`, so no browser opens it as a page from disk).
 */
export function safeName(name: string, contentType: AttachmentContentType): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  let clean = base.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '').replace(/^\.+/, '').trim().slice(0, 200);
  if (!clean) clean = 'file';
  const ext = clean.includes('.') ? clean.slice(clean.lastIndexOf('.') + 1).toLowerCase() : '';
  const allowed = EXTENSIONS[contentType];
  return allowed.includes(ext) ? clean : `${clean}.${allowed[0]}`;
}

function uploaderOf(by: Uploader): string {
  if (by === 'user' || by === 'bot') return by;
  return 'agentId' in by ? `agent:${by.agentId}` : `channel:${by.channelId}`;
}

/**
 * Stores a file in a conversation and answers its view. Throws ATTACHMENT_TOO_LARGE over
 * ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPE_REFUSED off the allow-list, CONVERSATION_NOT_FOUND, and
 * ATTACHMENT_QUOTA_EXCEEDED past ATTACHMENT_MAX_PER_CONVERSATION (counted before the write: uploads
 * racing in the same instant may pass it by a few, which the per-conversation rate limit bounds).
 * The caller checks who may upload (the route: the conversation's token or its owning agent).
 */
export async function saveAttachment(deps: Deps, input: SaveAttachmentInput): Promise<Attachment & { sha256: string }> {
  if (input.bytes.length > deps.config.ATTACHMENT_MAX_BYTES) throw new AppError('ATTACHMENT_TOO_LARGE', `Files may be at most ${deps.config.ATTACHMENT_MAX_BYTES} bytes`);
  const contentType = await sniffAttachment(input.bytes);
  const conv = await findConversation(deps.store.db, input.conversationId);
  if (!conv) throw new AppError('CONVERSATION_NOT_FOUND');
  if ((await countAttachments(deps.store.db, input.conversationId)) >= deps.config.ATTACHMENT_MAX_PER_CONVERSATION) throw new AppError('ATTACHMENT_QUOTA_EXCEEDED');
  const row: AttachmentRow = {
    id: newSortableId(),
    conversation_id: input.conversationId,
    message_id: null,
    name: safeName(input.name, contentType),
    content_type: contentType,
    size: input.bytes.length,
    sha256: input.sha256 ?? createHash('sha256').update(input.bytes).digest('hex'),
    bytes: input.bytes,
    uploaded_by: uploaderOf(input.by),
    created_at: deps.clock.now(),
  };
  // on SQLite the writer thread copies the bytes in (message-writes.ts batchAttachment); elsewhere, or
  // when the thread could not take it, the job inserts the row in its transaction
  const batched = deps.store.messages.batchAttachment?.(row);
  await deps.store.write.run<void, unknown>(
    async (tx, answer) => {
      if (batched?.pick(answer)) return;
      await insertAttachment(tx, row);
    },
    { key: input.conversationId, prelude: batched?.call },
  );
  deps.metrics.attachments.inc({ by: typeof input.by === 'string' ? input.by : 'agentId' in input.by ? 'agent' : 'channel' });
  return { ...presentAttachment({ id: row.id, name: row.name, contentType, size: row.size }), sha256: row.sha256 };
}

function metaOf(r: AttachmentMetaRow): AttachmentMeta {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    messageId: r.message_id,
    name: r.name,
    contentType: r.content_type as AttachmentContentType,
    size: Number(r.size),
    sha256: r.sha256,
    uploadedBy: r.uploaded_by,
    createdAt: Number(r.created_at),
  };
}

/** A file's metadata (no bytes), or ATTACHMENT_NOT_FOUND. */
export async function attachmentInfo(deps: Deps, id: string): Promise<AttachmentMeta> {
  const r = await attachmentMeta(deps.store.db, id);
  if (!r) throw new AppError('ATTACHMENT_NOT_FOUND');
  return metaOf(r);
}

/**
 * The file `id` as the end user of `conversationId` may read it: what the user uploaded, and the files
 * of messages the user sees (not an agent's upload before it is sent, nor an internal note's). Anything
 * else is ATTACHMENT_NOT_FOUND, never whether it exists.
 */
export async function attachmentForUser(deps: Deps, conversationId: string, id: string): Promise<AttachmentMeta> {
  const meta = await attachmentInfo(deps, id);
  if (meta.conversationId !== conversationId) throw new AppError('ATTACHMENT_NOT_FOUND');
  if (meta.uploadedBy === 'user') return meta;
  const message = meta.messageId ? await deps.store.db.selectFrom('messages').select('internal').where('id', '=', meta.messageId).executeTakeFirst() : undefined;
  if (!message || message.internal) throw new AppError('ATTACHMENT_NOT_FOUND');
  return meta;
}

/** The file `id` if `agent` may view its conversation (agent-access.ts), else ATTACHMENT_NOT_FOUND. */
export async function attachmentForAgent(deps: Deps, agent: AgentRow, id: string): Promise<AttachmentMeta> {
  const meta = await attachmentInfo(deps, id);
  const conv = await findConversation(deps.store.db, meta.conversationId);
  if (!conv) throw new AppError('ATTACHMENT_NOT_FOUND');
  try {
    assertCanView(agent, conv);
  } catch {
    throw new AppError('ATTACHMENT_NOT_FOUND');
  }
  return meta;
}

/** An agent uploads to a conversation only while they own its live chat (NOT_OWNER, NOT_WITH_AGENT…). */
export async function assertAgentMayUpload(deps: Deps, agent: AgentRow, conversationId: string): Promise<void> {
  const conv = await findConversation(deps.store.db, conversationId);
  if (!conv) throw new AppError('CONVERSATION_NOT_FOUND');
  assertOwner(agent, conv);
}

/** bytes of Uint8Array results from a reader thread, as a Buffer without a copy */
function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/**
 * A whole file with its metadata, its bytes read through store.reads (SQLite's reader threads), for
 * code that passes a file on (channel media out, a provider's own attachment API). ATTACHMENT_NOT_FOUND
 * when there is no such file. The caller checks who may read it.
 */
export async function readAttachment(deps: Deps, id: string): Promise<{ meta: AttachmentMeta; bytes: Buffer }> {
  const meta = await attachmentInfo(deps, id);
  const bytes = await bytesOf(deps.store.reads, id);
  // deleted between the two reads (retention, an erasure)
  if (!bytes) throw new AppError('ATTACHMENT_NOT_FOUND');
  return { meta, bytes: asBuffer(bytes) };
}

/** how much of a file one read of a streamed download takes */
export const DOWNLOAD_CHUNK_BYTES = 512 * 1024;

/**
 * A file's bytes in pieces of DOWNLOAD_CHUNK_BYTES, each read through store.reads: a download never
 * holds a whole large file, and a slow client only holds up its own stream.
 */
export async function* attachmentChunks(deps: Deps, meta: AttachmentMeta): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < meta.size; offset += DOWNLOAD_CHUNK_BYTES) {
    const chunk = await chunkOf(deps.store.reads, meta.id, offset, Math.min(DOWNLOAD_CHUNK_BYTES, meta.size - offset));
    if (!chunk || chunk.length === 0) throw new Error(`attachment ${meta.id} ended early (deleted while downloading)`);
    yield asBuffer(chunk);
  }
}

/**
 * In a message send's transaction: marks the files `ids` as carried by `messageId` and answers what the
 * message keeps of them. ATTACHMENT_NOT_SENDABLE (rolling the transaction back) unless every id is a
 * file uploaded to this conversation and not sent yet.
 */
export async function carryAttachments(tx: Tx, conversationId: string, ids: readonly string[], messageId: string): Promise<CarriedAttachment[]> {
  const rows = await claimAttachments(tx, conversationId, ids, messageId);
  if (!rows) throw new AppError('ATTACHMENT_NOT_SENDABLE');
  return rows.map((r) => ({ id: r.id, name: r.name, contentType: r.content_type, size: Number(r.size) }));
}

// --- Signed links (providers) ---------------------------------------------------------------------
// A provider (the Offloading Webhook's receiver, a contact centre) holds no user token or agent
// session, so deliveries carry a link that authorizes itself: HMAC-SHA256 over the file id and the
// expiry, keyed by a key derived from BATON_SECRET_KEY for this purpose only. Short-lived
// (ATTACHMENT_LINK_TTL_SECONDS), and useless for any other file or after its expiry.

function linkKey(deps: Deps): Buffer {
  return createHmac('sha256', deps.secretKey()).update('baton attachment links v1').digest();
}

function linkSignature(deps: Deps, id: string, expires: number): string {
  return createHmac('sha256', linkKey(deps)).update(`${id}.${expires}`).digest('hex');
}

/** The absolute link a provider downloads the file from without a token, valid until the TTL runs out. */
export function signedAttachmentUrl(deps: Deps, id: string, now = deps.clock.now()): { url: string; expiresAt: string } {
  const expires = Math.floor(now / 1000) + deps.config.ATTACHMENT_LINK_TTL_SECONDS;
  const base = (deps.config.PUBLIC_URL ?? `http://${deps.config.HOST}:${deps.config.PORT}`).replace(/\/+$/, '');
  const url = `${base}/api/v1/attachments/${encodeURIComponent(id)}/signed?expires=${expires}&signature=${linkSignature(deps, id, expires)}`;
  return { url, expiresAt: new Date(expires * 1000).toISOString() };
}

/** ATTACHMENT_LINK_INVALID unless the signature is this file's and the link has not expired. */
export function verifyAttachmentLink(deps: Deps, id: string, expires: number, signature: string): void {
  if (!Number.isInteger(expires) || expires * 1000 < deps.clock.now()) throw new AppError('ATTACHMENT_LINK_INVALID', 'The download link has expired');
  if (!safeEqual(signature, linkSignature(deps, id, expires))) throw new AppError('ATTACHMENT_LINK_INVALID');
}

const DOWNLOAD_PATH = '/api/v1/attachments/';

/**
 * A delivery's payload (a provider event or a channel webhook body) with the `url` of every message
 * attachment in it made an absolute signed link, valid for ATTACHMENT_LINK_TTL_SECONDS from now: made
 * when the outbox sends it, so a retry hours later still carries a live link. Payloads without
 * attachments come back as they are.
 */
export function withAttachmentLinks<T>(deps: Deps, payload: T, now = deps.clock.now()): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'attachments' && Array.isArray(x)) {
        out[k] = x.map((a: unknown) => {
          const file = a as { id?: unknown; url?: unknown };
          return typeof file.id === 'string' && typeof file.url === 'string' && file.url.startsWith(DOWNLOAD_PATH) ? { ...file, url: signedAttachmentUrl(deps, file.id, now).url } : a;
        });
      } else out[k] = walk(x);
    }
    return out;
  };
  return walk(payload) as T;
}
