// POST /api/v1/channels/{id}/events: a user message relayed by the connector, signed with the
// channel's secret (X-Baton-Signature, or the Standard Webhooks headers), as before channel types.
import { ChannelInbound, ChannelInboundResult } from '@baton/proto';
import { channelSecrets } from '../../commands/channel-admin.js';
import { channelInbound } from '../../commands/channel-inbound.js';
import { AppError } from '../../errors.js';
import { parse, parseJson } from '../../http/parse.js';
import { verifyInbound } from '../../providers/signing.js';
import type { ChannelRoute } from '../channel.js';

export const webhookEventsRoute: ChannelRoute<Record<string, never>> = {
  method: 'POST',
  doc: {
    name: 'receiveChannelEvent',
    summary:
      'Inbound user message from a channel {id, type:"message", user:{id,name?,email?}, text?|postback?, locale?}, signed with X-Baton-Signature (or the Standard Webhooks headers where the channel’s signatureScheme is standard-webhooks). Outbound bot/agent messages are POSTed to the channel URL as {type:"message.created", conversationId, user, message, fallbackText}',
    body: ChannelInbound,
    response: ChannelInboundResult,
    status: 201,
    repeatStatus: 200,
    errors: ['FORBIDDEN'],
  },
  verify({ deps, channel }, raw, req) {
    const check = verifyInbound(channel.signature_scheme, channelSecrets(deps, channel), raw, req.headers, Math.floor(deps.clock.now() / 1000));
    if (!check.ok) throw new AppError(check.code, check.message);
  },
  async handle({ deps, channel }, _req, reply, raw) {
    const result = await channelInbound(deps, channel, parse(ChannelInbound, parseJson(raw)));
    return reply.status(result.duplicate ? 200 : 201).send(result);
  },
};
