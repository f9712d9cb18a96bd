// All settings from the environment, validated once at start and frozen. main.ts is the only caller
// that passes process.env; tests build a Config directly with loadConfig({...}).
import path from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const ConfigSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  BATON_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  PUBLIC_URL: z.url().optional(),
  /** outgoing e-mail (follow-up replies, transcripts): smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465; unset: no e-mail */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  /** the From of Baton's e-mails, e.g. "Support <support@example.com>"; defaults to baton@<the SMTP host> */
  SMTP_FROM: z.string().min(3).max(300).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BATON_ADMIN_EMAIL: z.email().optional(),
  BATON_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  /** SQLite: FULL syncs the WAL on every (group) commit; NORMAL survives process crashes but not power loss */
  SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  /** SQLite: reader threads for slow reads (lists, search, reports); default: the CPUs, 2 to 4 */
  SQLITE_READERS: z.coerce.number().int().min(1).max(16).optional(),
  /** PostgreSQL: group-commit write lanes, each with a connection of its own (a conversation's writes stay in one lane) */
  DATABASE_WRITE_LANES: z.coerce.number().int().min(1).max(32).default(2),
  RATE_LIMIT_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_CONVERSATIONS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_LOGIN_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  /** comma-separated origins allowed to call the Channel API from a browser (the widget's host sites) */
  CORS_ORIGINS: z.string().default('*'),
  SESSION_TTL_HOURS: z.coerce.number().min(0.01).max(24 * 90).default(12),
  /** seconds an agent whose desk disconnected stays online before being set offline */
  PRESENCE_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  TRUST_PROXY: bool.default(false),
  /** load the demo bot when no bot exists */
  DEMO_BOT: bool.default(true),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** outbound calls (providers, channels, bot webhooks) may reach loopback and private addresses (on-premises set-ups, tests) */
  OUTBOUND_ALLOW_PRIVATE: bool.default(false),
  /** comma-separated host names or CIDRs that outbound calls may reach even when private */
  OUTBOUND_ALLOWED_HOSTS: z.string().default(''),
  /** HMAC key for end-user identity verification (userHash); unset: every identity is an unverified claim */
  IDENTITY_VERIFICATION_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** bearer token that GET /metrics requires; unset: /metrics answers only loopback callers */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** open WebSockets per client IP */
  WS_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).default(200),
  /** bytes a socket may leave unread before it is closed */
  WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(64 * 1024).default(4 * 1024 * 1024),
  /** failed logins per account per 15 minutes (next to the per-IP limit) */
  RATE_LIMIT_LOGIN_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  /** requests per minute per client IP to signed inbound routes that fail their signature check */
  RATE_LIMIT_UNSIGNED_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** seconds between retention runs (idle closing, anonymizing, deleting: Settings > Retention) */
  RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** conversations per retention or erasure batch: each batch is one short transaction (on SQLite its statements run on the event loop: 200 take about 50-150 ms) */
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(200),
  /** largest attachment in bytes (DESIGN §10.6; default 10 MB): checked while the upload streams */
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  /** attachments one conversation may hold (409 ATTACHMENT_QUOTA_EXCEEDED beyond) */
  ATTACHMENT_MAX_PER_CONVERSATION: z.coerce.number().int().min(1).max(10_000).default(100),
  /** uploads per minute per conversation (user token or agent) */
  RATE_LIMIT_UPLOADS_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  /** how long a signed attachment link in a provider delivery stays valid */
  ATTACHMENT_LINK_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 86_400).default(3600),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>> & { readonly dataDir: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  // empty strings count as unset, as they do in most shells' `VAR= cmd`
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return Object.freeze({ ...parsed.data, dataDir: path.resolve(parsed.data.DATA_DIR) });
}
