// Channel webhooks (the "Webhook widget & channel configuration" of the product text): creating and
// changing a channel, and the secrets its deliveries and inbound events are signed with.
import type { z } from 'zod';
import { SECRET_MASK, type ChannelBody, type ChannelPatch, type ChannelView } from '@baton/proto';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { assertUrlsAllowed } from '../outbound/save-check.js';
import { presentChannel } from '../presenters/channel.js';
import { decrypt, encrypt } from '../secrets.js';
import type { ChannelRow } from '../store/schema.js';

/** The channel webhooks an admin sees, secrets masked. */
/** Channels are few by nature: the list stops here (docs/api.md) rather than page. */
const MAX_CHANNELS = 200;

export async function listChannels(deps: Deps): Promise<ChannelView[]> {
  const rows = await deps.store.reads.selectFrom('channels').selectAll().orderBy('id').limit(MAX_CHANNELS).execute();
  return rows.map(presentChannel);
}

/** Removes a channel webhook; NOT_FOUND when there is none by that id. */
export async function deleteChannel(deps: Deps, id: string): Promise<void> {
  await getChannel(deps, id);
  await deps.store.write.run((tx) => tx.deleteFrom('channels').where('id', '=', id).execute());
}

export async function getChannel(deps: Deps, id: string): Promise<ChannelRow> {
  const r = await deps.store.db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw new AppError('NOT_FOUND', `No channel "${id}"`);
  return r;
}

/** The channel's current secret. */
export function channelSecret(deps: Deps, r: ChannelRow): string {
  return decrypt(r.secret, deps.secretKey());
}

/**
 * The current secret, then the previous one during a rotation: deliveries carry a signature with
 * each (a receiver still on the old secret keeps verifying), and an inbound event may use either.
 */
export function channelSecrets(deps: Deps, r: ChannelRow): string[] {
  return [channelSecret(deps, r), ...(r.previous_secret ? [decrypt(r.previous_secret, deps.secretKey())] : [])];
}

export async function saveChannel(deps: Deps, body: z.infer<typeof ChannelBody>) {
  const now = deps.clock.now();
  const existing = await deps.store.db.selectFrom('channels').select('id').where('id', '=', body.id).executeTakeFirst();
  if (existing) throw new AppError('VALIDATION_FAILED', `A channel "${body.id}" already exists`);
  assertUrlsAllowed([{ path: 'url', url: body.url }], deps.outbound.policy);
  const row: ChannelRow = { id: body.id, name: body.name, url: body.url, secret: encrypt(body.secret, deps.secretKey()), previous_secret: null, signature_scheme: body.signatureScheme, bot_id: body.botId ?? null, enabled: body.enabled ? 1 : 0, created_at: now, updated_at: now };
  await deps.store.write.run((tx) => tx.insertInto('channels').values(row).execute());
  return presentChannel(row);
}

export async function patchChannel(deps: Deps, id: string, body: z.infer<typeof ChannelPatch>) {
  const row = await getChannel(deps, id);
  if (body.url) assertUrlsAllowed([{ path: 'url', url: body.url }], deps.outbound.policy);
  const next: ChannelRow = {
    ...row,
    ...(body.name ? { name: body.name } : {}),
    ...(body.url ? { url: body.url } : {}),
    ...(body.secret && body.secret !== SECRET_MASK ? { secret: encrypt(body.secret, deps.secretKey()) } : {}),
    ...(body.previousSecret !== undefined && body.previousSecret !== SECRET_MASK ? { previous_secret: body.previousSecret === null ? null : encrypt(body.previousSecret, deps.secretKey()) } : {}),
    ...(body.keepPreviousSecret && body.secret && body.secret !== SECRET_MASK ? { previous_secret: row.secret } : {}),
    ...(body.signatureScheme ? { signature_scheme: body.signatureScheme } : {}),
    ...(body.botId !== undefined ? { bot_id: body.botId } : {}),
    ...(body.enabled !== undefined ? { enabled: body.enabled ? 1 : 0 } : {}),
    updated_at: deps.clock.now(),
  };
  await deps.store.write.run((tx) => tx.updateTable('channels').set(next).where('id', '=', id).execute());
  return presentChannel(next);
}
