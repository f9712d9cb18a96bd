// Channel webhooks (the "Webhook widget & channel configuration" of the product text): creating and
// changing a channel, and the secrets its deliveries and inbound events are signed with.
import type { z } from 'zod';
import { CHANNEL_CONFIG_SCHEMAS, SECRET_MASK, type ChannelBody, type ChannelPatch, type ChannelTestResult, type ChannelView } from '@baton/proto';
import { channelContext, openConfig, sealConfig } from '../channels/stored-config.js';
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
  const common = { id: body.id, name: body.name, previous_secret: null, signature_scheme: 'baton' as const, bot_id: body.botId ?? null, enabled: body.enabled ? 1 : 0, created_at: now, updated_at: now };
  let row: ChannelRow;
  if ('config' in body) {
    assertConfigUrls(deps, body.config);
    // a typed channel keeps its settings in `config`; the webhook columns stay empty
    row = { ...common, type: body.type, config: sealConfig(body.config, deps.secretKey()), url: '', secret: '' };
  } else {
    assertUrlsAllowed([{ path: 'url', url: body.url }], deps.outbound.policy);
    row = { ...common, type: 'webhook', config: null, url: body.url, secret: encrypt(body.secret, deps.secretKey()), signature_scheme: body.signatureScheme };
  }
  await deps.store.write.run((tx) => tx.insertInto('channels').values(row).execute());
  return presentChannel(row);
}

/** The URLs of a typed channel's config (API hosts) obey the outbound policy like a webhook's URL. */
function assertConfigUrls(deps: Deps, config: Record<string, unknown>): void {
  // an SMTP server's host obeys it too (its scheme aside: the policy judges the host)
  const urls = Object.entries(config).filter(([k, v]) => /url$/i.test(k) && typeof v === 'string').map(([k, v]) => ({ path: `config.${k}`, url: (v as string).replace(/^smtps?:/i, 'http:') }));
  if (urls.length) assertUrlsAllowed(urls, deps.outbound.policy);
}

/**
 * A typed channel's config after a PATCH: each key named replaces the stored one, the mask keeps a
 * stored secret, null removes an optional key; the whole is checked against the type's schema.
 */
function patchedConfig(deps: Deps, row: ChannelRow, patch: Record<string, unknown>): string {
  const current = openConfig(row.config, deps.secretKey());
  const next: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === SECRET_MASK) continue;
    if (v === null) delete next[k];
    else next[k] = v;
  }
  const schema = CHANNEL_CONFIG_SCHEMAS[row.type as keyof typeof CHANNEL_CONFIG_SCHEMAS];
  const parsed = schema.safeParse(next);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ path: ['config', ...i.path].join('.'), message: i.message }));
    throw new AppError('VALIDATION_FAILED', `${problems[0]!.path}: ${problems[0]!.message}`, { problems });
  }
  assertConfigUrls(deps, parsed.data);
  return sealConfig(parsed.data, deps.secretKey());
}

export async function patchChannel(deps: Deps, id: string, body: z.infer<typeof ChannelPatch>) {
  const row = await getChannel(deps, id);
  const typed = row.type !== 'webhook';
  if (typed && (body.url || body.secret || body.previousSecret !== undefined || body.signatureScheme)) {
    throw new AppError('VALIDATION_FAILED', `url, secret and signatureScheme belong to webhook channels; a ${row.type} channel takes them in config`);
  }
  if (!typed && body.config) throw new AppError('VALIDATION_FAILED', 'A webhook channel has no config: it takes url and secret');
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
    ...(body.config ? { config: patchedConfig(deps, row, body.config) } : {}),
    updated_at: deps.clock.now(),
  };
  await deps.store.write.run((tx) => tx.updateTable('channels').set(next).where('id', '=', id).execute());
  return presentChannel(next);
}

/** "Test connection": the channel's type calls its service with the stored credentials. */
export async function testChannel(deps: Deps, id: string, requestOrigin: string): Promise<ChannelTestResult> {
  const row = await getChannel(deps, id);
  const { impl, ctx } = channelContext(deps, row);
  try {
    return await impl.testConnection(ctx, deps.config.PUBLIC_URL ?? requestOrigin);
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}
