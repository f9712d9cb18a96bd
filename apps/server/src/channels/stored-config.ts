// A typed channel's stored config: secret fields (by name, as provider secrets: secrets.ts) encrypted
// at rest and masked in views, and how a stored channel row becomes the context its type works with.
import { SECRET_MASK } from '@baton/proto';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { decrypt, encrypt, isSecretField } from '../secrets.js';
import { fromJson } from '../store/json.js';
import type { ChannelRow } from '../store/schema.js';
import type { ChannelContext, ChannelTypeImpl } from './channel.js';

/** A typed channel's config as stored: each secret field (by name, as provider secrets) encrypted. */
export function sealConfig(config: Record<string, unknown>, key: Buffer): string {
  return JSON.stringify(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, isSecretField(k) && typeof v === 'string' ? encrypt(v, key) : v])));
}

/** The stored config with its secrets decrypted. */
export function openConfig(stored: string | null, key: Buffer): Record<string, unknown> {
  const raw = fromJson<Record<string, unknown>>(stored, {});
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, isSecretField(k) && typeof v === 'string' ? decrypt(v, key) : v]));
}

/** The stored config as the API shows it: secrets masked. */
export function maskedConfig(stored: string | null): Record<string, unknown> {
  const raw = fromJson<Record<string, unknown>>(stored, {});
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, isSecretField(k) && typeof v === 'string' ? SECRET_MASK : v]));
}

/** The type and context of a stored channel; a type this instance does not know is a 404 (a newer version's channel). */
export function channelContext(deps: Deps, channel: ChannelRow): { impl: ChannelTypeImpl; ctx: ChannelContext<unknown> } {
  const impl = deps.channelRegistry.get(channel.type);
  if (!impl) throw new AppError('NOT_FOUND', `Channel "${channel.id}" has the type "${channel.type}", which this server does not know`);
  const opened = openConfig(channel.config, deps.secretKey());
  const config = impl.configSchema ? impl.configSchema.parse(opened) : opened;
  return { impl, ctx: { deps, channel, config } };
}
