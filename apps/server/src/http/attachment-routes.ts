// Attachments over HTTP (DESIGN §10.6, docs/api.md "Attachments"): upload to a conversation (multipart,
// streamed with a byte limit), download with the conversation's token or an agent session, and the
// signed links providers get. Who may do what is decided here from the caller's credentials, then the
// commands do the rest; docs/security.md "Attachments" is the threat model.
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import multipart from '@fastify/multipart';
import { AttachmentResponse } from '@baton/proto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  assertAgentMayUpload,
  attachmentChunks,
  attachmentForAgent,
  attachmentForUser,
  attachmentInfo,
  isInline,
  saveAttachment,
  verifyAttachmentLink,
  type AttachmentMeta,
  type Uploader,
} from '../commands/attachments.js';
import { authorizeUser } from '../commands/read-conversation.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { hashToken } from '../tokens.js';
import { requireAgent, sessionToken } from './auth-guard.js';
import { bearer } from './parse.js';
import { defineRoute, registerRoutes } from './route.js';

const TAG = 'Attachments';
const USER_TOKEN = /^cu_/;
/** what a multipart request may carry beyond the file itself (boundaries, part headers) */
const MULTIPART_OVERHEAD = 16 * 1024;

const ConversationParams = z.object({ id: z.string().min(1).max(100) });
const AttachmentParams = z.object({ attachmentId: z.string().min(1).max(100) });
const SignedQuery = z.object({ expires: z.coerce.number().int(), signature: z.string().max(200) });

/**
 * Who uploads to `conversationId`: its end user (the conversation token) or the agent who owns the
 * live chat (a bearer session or the desk's cookie, which then needs X-Requested-With).
 */
async function uploader(deps: Deps, req: FastifyRequest, conversationId: string): Promise<Uploader> {
  const token = bearer(req.headers.authorization);
  if (token && USER_TOKEN.test(token)) {
    await authorizeUser(deps, token, conversationId);
    return 'user';
  }
  if (!sessionToken(req).token) throw new AppError('UNAUTHORIZED');
  const agent = await requireAgent(deps, req);
  await assertAgentMayUpload(deps, agent, conversationId);
  return { agentId: agent.id };
}

/** The file `id` if the caller (the conversation's token, or an agent session) may read it (commands/attachments.ts). */
async function readable(deps: Deps, req: FastifyRequest, id: string): Promise<AttachmentMeta> {
  const token = bearer(req.headers.authorization);
  if (token && USER_TOKEN.test(token)) return attachmentForUser(deps, (await authorizeUser(deps, token)).id, id);
  if (!sessionToken(req).token) throw new AppError('UNAUTHORIZED');
  return attachmentForAgent(deps, await requireAgent(deps, req), id);
}

/** `filename` for old clients (ASCII, quotes and backslashes dropped) and `filename*` with the real name. */
export function contentDisposition(meta: Pick<AttachmentMeta, 'name' | 'contentType'>): string {
  const ascii = meta.name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '');
  return `${isInline(meta.contentType) ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(meta.name)}`;
}

/**
 * Sends the file as a download that a browser never runs: its sniffed type (text as UTF-8), nosniff,
 * a CSP sandbox (a page opened from it gets no origin and no script), inline only for images, and
 * the bytes streamed in chunks from the store.
 */
function serve(deps: Deps, reply: FastifyReply, meta: AttachmentMeta) {
  reply.header('Content-Type', meta.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : meta.contentType);
  reply.header('Content-Length', String(meta.size));
  reply.header('Content-Disposition', contentDisposition(meta));
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Content-Security-Policy', "sandbox; default-src 'none'; frame-ancestors 'none'");
  // personal data: neither shared caches nor the browser's disk cache keep it
  reply.header('Cache-Control', 'private, no-store');
  reply.header('ETag', `"${meta.sha256}"`);
  return Readable.from(attachmentChunks(deps, meta));
}

export function attachmentRoutes(deps: Deps) {
  const c = deps.config;
  // one bucket per conversation and credential: a caller without the conversation's token or a
  // session fills only its own (by its made-up token or its address), never the real users'
  const perConversationCaller = (req: FastifyRequest) => {
    const { token } = sessionToken(req);
    return `${(req.params as { id?: string }).id ?? ''}:${token ? hashToken(token) : req.ip}`;
  };
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/conversations/:id/attachments',
      access: 'public',
      optionalAuth: ['userToken', 'agentToken', 'deskCookie'],
      name: 'uploadAttachment',
      summary:
        'Upload a file (multipart/form-data, field "file") to the conversation, with its token or as the agent who owns it; send it with a message (`attachments: [id]`). The bytes decide the type: images, PDF, plain text and office documents only.',
      tag: TAG,
      rateLimit: { max: c.RATE_LIMIT_UPLOADS_PER_MINUTE, timeWindow: 60_000, keyGenerator: perConversationCaller },
      params: ConversationParams,
      bodyMedia: ['multipart/form-data'],
      response: AttachmentResponse,
      status: 201,
      errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_OWNER', 'NOT_WITH_AGENT', 'CONVERSATION_CLOSED', 'CONVERSATION_NOT_FOUND', 'ATTACHMENT_MISSING', 'ATTACHMENT_TOO_LARGE', 'ATTACHMENT_TYPE_REFUSED', 'ATTACHMENT_QUOTA_EXCEEDED'],
      handler: async ({ req, params }) => {
        // who it is first: nothing of the body is read for a caller who may not upload
        const by = await uploader(deps, req, params.id);
        const max = c.ATTACHMENT_MAX_BYTES;
        const declared = Number(req.headers['content-length']);
        if (Number.isFinite(declared) && declared > max + MULTIPART_OVERHEAD) throw new AppError('ATTACHMENT_TOO_LARGE', `Files may be at most ${max} bytes`);
        if (!req.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data');
        // one byte more than the limit is read, to know the limit was passed; never more
        const part = await req.file({ limits: { fileSize: max + 1, files: 1, fields: 0, parts: 2, fieldSize: 1024 }, throwFileSizeLimit: false }).catch(() => undefined);
        if (!part || part.fieldname !== 'file') throw new AppError('ATTACHMENT_MISSING');
        const chunks: Buffer[] = [];
        const hash = createHash('sha256');
        let size = 0;
        for await (const chunk of part.file as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > max) break;
          hash.update(chunk);
          chunks.push(chunk);
        }
        if (size > max || part.file.truncated) {
          part.file.destroy();
          throw new AppError('ATTACHMENT_TOO_LARGE', `Files may be at most ${max} bytes`);
        }
        const bytes = Buffer.concat(chunks, size);
        const { sha256: _sha, ...attachment } = await saveAttachment(deps, { conversationId: params.id, name: part.filename, bytes, claimedType: part.mimetype, by, sha256: hash.digest('hex') });
        return { attachment };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/attachments/:attachmentId',
      access: 'public',
      optionalAuth: ['userToken', 'agentToken', 'deskCookie'],
      name: 'downloadAttachment',
      summary:
        "Download a file: with the conversation's token (what the user uploaded and what messages the user sees carry), or as an agent who may view the conversation (and admins). Images inline, everything else as a download; nosniff and a CSP sandbox always.",
      tag: TAG,
      params: AttachmentParams,
      responseMedia: 'application/octet-stream',
      errors: ['UNAUTHORIZED', 'ATTACHMENT_NOT_FOUND'],
      handler: async ({ req, reply, params }) => serve(deps, reply, await readable(deps, req, params.attachmentId)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/attachments/:attachmentId/signed',
      access: 'public',
      name: 'downloadSignedAttachment',
      summary: 'Download a file by the expiring signed link a provider delivery carries (no token: the link is the credential). 403 ATTACHMENT_LINK_INVALID when expired or altered.',
      tag: TAG,
      params: AttachmentParams,
      query: SignedQuery,
      responseMedia: 'application/octet-stream',
      errors: ['ATTACHMENT_LINK_INVALID', 'ATTACHMENT_NOT_FOUND'],
      handler: async ({ reply, params, query }) => {
        verifyAttachmentLink(deps, params.attachmentId, query.expires, query.signature);
        return serve(deps, reply, await attachmentInfo(deps, params.attachmentId));
      },
    }),
  ];
}

/** The routes in a scope of their own: only they parse multipart bodies. */
export async function registerAttachmentRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  await app.register(async (scoped) => {
    await scoped.register(multipart, { limits: { fileSize: deps.config.ATTACHMENT_MAX_BYTES + 1, files: 1 } });
    registerRoutes(scoped, deps, attachmentRoutes(deps));
  });
}
