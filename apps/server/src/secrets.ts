// Provider secrets are encrypted at rest (AES-256-GCM with a key derived from BATON_SECRET_KEY) and
// never returned by the API. A config field is secret when its name says so.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { OffloadingSettings } from '@baton/proto';

const SECRET_NAME = /secret|password|token|apikey|api_key|privatekey/i;
const PREFIX = 'enc:v1:';

export function isSecretField(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function deriveKey(secret: string): Buffer {
  return createHash('sha256').update(`baton:${secret}`).digest();
}

/**
 * The embedded default: without BATON_SECRET_KEY a random key is created once under DATA_DIR,
 * so a fresh `npm start` works and no secret ever sits in the repository.
 */
export function loadOrCreateKey(configured: string | undefined, dataDir: string, usesPostgres: boolean): Buffer {
  if (configured) return deriveKey(configured);
  if (usesPostgres) throw new Error('BATON_SECRET_KEY is required with DATABASE_URL (every instance needs the same key)');
  const file = path.join(dataDir, 'secret.key');
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return deriveKey(fs.readFileSync(file, 'utf8').trim());
}

export function encrypt(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return PREFIX + Buffer.concat([iv, c.getAuthTag(), data]).toString('base64');
}

export function decrypt(value: string, key: Buffer): string {
  if (!value.startsWith(PREFIX)) return value;
  const raw = Buffer.from(value.slice(PREFIX.length), 'base64');
  const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  d.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
}

function mapSecrets(s: OffloadingSettings, fn: (v: string) => string): OffloadingSettings {
  return {
    ...s,
    providers: s.providers.map((p) =>
      p.config
        ? { ...p, config: Object.fromEntries(Object.entries(p.config).map(([k, v]) => [k, isSecretField(k) && typeof v === 'string' ? fn(v) : v])) }
        : p,
    ),
  };
}

export const encryptSecrets = (s: OffloadingSettings, key: Buffer) => mapSecrets(s, (v) => encrypt(v, key));
export const decryptSecrets = (s: OffloadingSettings, key: Buffer) => mapSecrets(s, (v) => decrypt(v, key));
