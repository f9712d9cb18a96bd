// Channel webhooks: admin configuration and the signed inbound endpoint.
import { ChannelBody, ChannelIdParams, ChannelInbound, ChannelInboundResult, ChannelPatch, ChannelView } from '@baton/proto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { channelSecrets, deleteChannel, getChannel, listChannels, patchChannel, saveChannel } from '../commands/channel-admin.js';
import { channelInbound } from '../commands/channel-inbound.js';
import { presentChannel } from '../presenters/channel.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { verifyInbound } from '../providers/signing.js';
import { parse, parseJson } from './parse.js';
import { defineRoute } from './route.js';
import { registerSignedInbound } from './signed-inbound.js';

const TAG = 'Admin';
const OneChannel = z.object({ channel: ChannelView });

export function channelWebhookRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/channels',
      access: 'admin',
      name: 'listChannels',
      summary: 'Channel webhooks (secrets masked)',
      tag: TAG,
      response: z.object({ channels: z.array(ChannelView) }),
      handler: async () => ({ channels: await listChannels(deps) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/channels',
      access: 'admin',
      name: 'createChannel',
      summary: 'Add a channel webhook {id, name, url, secret, signatureScheme?, botId?, enabled}',
      tag: TAG,
      body: ChannelBody,
      response: OneChannel,
      status: 201,
      handler: async ({ body }) => ({ channel: await saveChannel(deps, body) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/channels/:id',
      access: 'admin',
      name: 'getChannel',
      summary: 'One channel',
      tag: TAG,
      params: ChannelIdParams,
      response: OneChannel,
      handler: async ({ params }) => ({ channel: presentChannel(await getChannel(deps, params.id)) }),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/channels/:id',
      access: 'admin',
      name: 'updateChannel',
      summary: 'Change a channel (the secret mask keeps the stored secret)',
      tag: TAG,
      params: ChannelIdParams,
      body: ChannelPatch,
      response: OneChannel,
      handler: async ({ params, body }) => ({ channel: await patchChannel(deps, params.id, body) }),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/channels/:id',
      access: 'admin',
      name: 'deleteChannel',
      summary: 'Remove a channel',
      tag: TAG,
      params: ChannelIdParams,
      response: z.object({ ok: z.literal(true) }),
      handler: async ({ params }) => {
        await deleteChannel(deps, params.id);
        return { ok: true as const };
      },
    }),
  ];
}

/** POST /api/v1/channels/:id/events: a user's message relayed by a channel, signed with its secret. */
export function registerChannelInbound(app: FastifyInstance, deps: Deps): void {
  registerSignedInbound(app, deps, '/api/v1/channels/:id/events', {
    doc: {
      name: 'receiveChannelEvent',
      summary:
        'Inbound user message from a channel {id, type:"message", user:{id,name?,email?}, text?|postback?, locale?}, signed with X-Baton-Signature (or the Standard Webhooks headers where the channel’s signatureScheme is standard-webhooks). Outbound bot/agent messages are POSTed to the channel URL as {type:"message.created", conversationId, user, message, fallbackText}',
      tag: 'Channels',
      params: ChannelIdParams,
      body: ChannelInbound,
      response: ChannelInboundResult,
      status: 201,
      repeatStatus: 200,
      errors: ['FORBIDDEN'],
    },
    async target(req) {
      return getChannel(deps, parse(ChannelIdParams, req.params).id);
    },
    verify(channel, raw, req) {
      const check = verifyInbound(channel.signature_scheme, channelSecrets(deps, channel), raw, req.headers, Math.floor(deps.clock.now() / 1000));
      if (!check.ok) throw new AppError(check.code, check.message);
    },
    budgetKey: (channel) => `channel:${channel.id}`,
    async handle(_req, reply, channel, raw) {
      const result = await channelInbound(deps, channel, parse(ChannelInbound, parseJson(raw)));
      return reply.status(result.duplicate ? 200 : 201).send(result);
    },
  });
}
