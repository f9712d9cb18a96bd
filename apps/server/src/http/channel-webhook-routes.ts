// Channel webhooks: admin configuration and the signed inbound endpoint.
import { ChannelBody, ChannelIdParams, ChannelPatch, ChannelStatusesResponse, ChannelTestResult, ChannelView } from '@baton/proto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { deleteChannel, getChannel, listChannels, patchChannel, saveChannel, testChannel } from '../commands/channel-admin.js';
import { receiveChannelEvents } from '../commands/channel-inbound.js';
import { channelStatuses } from '../commands/channel-deliveries.js';
import { channelContext } from '../channels/stored-config.js';
import { presentChannel } from '../presenters/channel.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { parse } from './parse.js';
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
      summary: 'Add a channel: a webhook {id, type?:"webhook", name, url, secret, signatureScheme?, botId?, enabled} or a messaging service {id, type:"whatsapp"|"telegram"|"messenger", name, botId?, enabled, config} (docs/channels.md)',
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
      method: 'POST',
      url: '/api/v1/channels/:id/test',
      access: 'admin',
      name: 'testChannel',
      summary: 'Test connection: calls the channel’s service with its stored credentials (Telegram: registers the webhook with setWebhook); 200 with ok false and the reason when it fails',
      tag: TAG,
      params: ChannelIdParams,
      response: ChannelTestResult,
      handler: async ({ params, req }) => testChannel(deps, params.id, `${req.protocol}://${req.host}`),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/agent/conversations/:id/channel-statuses',
      access: 'agent',
      name: 'listChannelStatuses',
      summary: 'What the channel’s service reported for the latest 500 messages sent in this conversation (sent, delivered, read, failed with the reason)',
      tag: 'Agent',
      params: ChannelIdParams,
      response: ChannelStatusesResponse,
      handler: async ({ params, agent }) => ({ statuses: await channelStatuses(deps, agent, params.id) }),
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

/**
 * Every channel type's webhook routes, at /api/v1/channels/:id/<its path> (`events` for the webhook
 * type, the type's name for the others): the channel must exist with that type, and the type's
 * verification runs over the raw bytes before any parsing or the signed sender's budget.
 */
export function registerChannelInbound(app: FastifyInstance, deps: Deps): void {
  for (const impl of deps.channelRegistry.all()) {
    for (const route of impl.routes) {
      registerSignedInbound(app, deps, `/api/v1/channels/:id/${impl.inboundPath}`, {
        method: route.method,
        doc: { ...route.doc, tag: 'Channels', params: ChannelIdParams },
        async target(req) {
          const channel = await getChannel(deps, parse(ChannelIdParams, req.params).id);
          if (channel.type !== impl.type) throw new AppError('NOT_FOUND', `Channel "${channel.id}" is not a ${impl.type} channel`);
          return channelContext(deps, channel).ctx;
        },
        verify: (ctx, raw, req) => route.verify(ctx, raw, req),
        budgetKey: (ctx) => `channel:${ctx.channel.id}`,
        ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
        async handle(req, reply, ctx, raw) {
          if (!ctx.channel.enabled) throw new AppError('FORBIDDEN', 'This channel is disabled');
          return route.handle(ctx, req, reply, raw, { receive: (events) => receiveChannelEvents(deps, ctx.channel, events) });
        },
      });
    }
  }
}
