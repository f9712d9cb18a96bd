// Transcripts as files (DESIGN §10.3): the user's with their conversation token (also after they ended
// it: the token stays valid for reading), and the agent's for whoever may read the conversation.
import { Readable } from 'node:stream';
import { IdParams, TranscriptEmailBody, TranscriptEmailOffer, TranscriptEmailResult, TranscriptQuery } from '@baton/proto';
import type { FastifyReply } from 'fastify';
import { agentTranscript, emailUserTranscript, transcriptEmailOffer, userTranscript, type TranscriptFile } from '../commands/transcript.js';
import type { Deps } from '../deps.js';
import { TRANSCRIPT_CSP } from '../presenters/transcript.js';
import { perBearerToken } from './parse.js';
import { defineRoute } from './route.js';

/** Sends the file as it is read; HTML gets a CSP that lets nothing run or load (its text is escaped as well). */
function sendFile(reply: FastifyReply, file: TranscriptFile): Readable {
  reply
    .type(file.format === 'html' ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8')
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store');
  if (file.format === 'html') reply.header('content-security-policy', TRANSCRIPT_CSP);
  return Readable.from(file.body);
}

/** a download reads the whole conversation: a user's token gets this many a minute (its hash is the key) */
const USER_DOWNLOADS_PER_MINUTE = 20;
/** mails cost more than a download and land in someone's inbox: a token gets this many an hour */
const USER_MAILS_PER_HOUR = 3;

export function transcriptRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/conversations/:id/transcript',
      access: 'user',
      name: 'getTranscript',
      summary: 'The conversation as a file (txt or html) for its user: bot, agent and user messages with times and authors, never internal notes; also after the user ended it',
      tag: 'Channel',
      rateLimit: { max: USER_DOWNLOADS_PER_MINUTE, timeWindow: 60_000, keyGenerator: perBearerToken },
      params: IdParams,
      query: TranscriptQuery,
      responseMedia: ['text/plain', 'text/html'],
      handler: async ({ params, query, reply }) => sendFile(reply, await userTranscript(deps, params.id, query.format)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/conversations/:id/transcript/email',
      access: 'user',
      name: 'getTranscriptEmailOffer',
      summary: 'Whether the transcript can be e-mailed (SMTP_URL set on the server) and to which known address (masked)',
      tag: 'Channel',
      params: IdParams,
      response: TranscriptEmailOffer,
      handler: async ({ params }) => transcriptEmailOffer(deps, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/conversations/:id/transcript/email',
      access: 'user',
      name: 'emailTranscript',
      summary: "E-mails the user's transcript to the e-mail the conversation knows (or, when none is known, to `email`); queued, 202",
      tag: 'Channel',
      rateLimit: { max: USER_MAILS_PER_HOUR, timeWindow: 3_600_000, keyGenerator: perBearerToken },
      params: IdParams,
      body: TranscriptEmailBody,
      response: TranscriptEmailResult,
      status: 202,
      handler: async ({ params, body }) => emailUserTranscript(deps, params.id, body.email),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/agent/conversations/:id/transcript',
      access: 'agent',
      name: 'getAgentTranscript',
      summary: 'The whole transcript as a file (txt or html) for an agent who may read the conversation: internal notes and system events included, marked',
      tag: 'Agent',
      params: IdParams,
      query: TranscriptQuery,
      responseMedia: ['text/plain', 'text/html'],
      handler: async ({ params, query, agent, reply }) => sendFile(reply, await agentTranscript(deps, agent, params.id, query.format)),
    }),
  ];
}
