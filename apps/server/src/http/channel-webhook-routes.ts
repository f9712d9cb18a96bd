// Channel webhooks: admin configuration and the signed inbound endpoint.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ChannelBody, ChannelInbound, ChannelPatch } from '@baton/proto';
import { channelSecrets, getChannel, patchChannel, saveChannel } from '../commands/channel-admin.js';
import { channelInbound } from '../commands/channel-inbound.js';
import { presentChannel } from '../presenters/channel.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { verifySignature } from '../providers/signing.js';
import { parse, parseJson } from './parse.js';
import { registerSignedInbound } from './signed-inbound.js';

const IdParams = z.object({ id: z.string().min(1).max(64) });

export function registerChannelWebhookRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/api/v1/channels', { config: { access: 'admin' } }, async () => {
    const rows = await deps.store.db.selectFrom('channels').selectAll().orderBy('id').execute();
    return { channels: rows.map(presentChannel) };
  });
  app.post('/api/v1/channels', { config: { access: 'admin' } }, async (req, reply) => {
    return reply.status(201).send({ channel: await saveChannel(deps, parse(ChannelBody, req.body)) });
  });
  app.get('/api/v1/channels/:id', { config: { access: 'admin' } }, async (req) => {
    return { channel: presentChannel(await getChannel(deps, parse(IdParams, req.params).id)) };
  });
  app.patch('/api/v1/channels/:id', { config: { access: 'admin' } }, async (req) => {
    return { channel: await patchChannel(deps, parse(IdParams, req.params).id, parse(ChannelPatch, req.body)) };
  });
  app.delete('/api/v1/channels/:id', { config: { access: 'admin' } }, async (req) => {
    const { id } = parse(IdParams, req.params);
    await getChannel(deps, id);
    await deps.store.write.run((tx) => tx.deleteFrom('channels').where('id', '=', id).execute());
    return { ok: true };
  });

  registerSignedInbound(app, deps, '/api/v1/channels/:id/events', {
    async target(req) {
      const { id } = parse(IdParams, req.params);
      const channel = await deps.store.db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
      if (!channel) throw new AppError('NOT_FOUND', `No channel "${id}"`);
      return channel;
    },
    verify(channel, raw, req) {
      const check = verifySignature(channelSecrets(deps, channel), raw, req.headers['x-baton-signature'] as string | undefined, Math.floor(deps.clock.now() / 1000));
      if (!check.ok) throw new AppError(check.code, check.message);
    },
    budgetKey: (channel) => `channel:${channel.id}`,
    async handle(_req, reply, channel, raw) {
      const result = await channelInbound(deps, channel, parse(ChannelInbound, parseJson(raw)));
      return reply.status(result.duplicate ? 200 : 201).send(result);
    },
  });
}
