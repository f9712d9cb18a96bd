// Delivers outbox rows to external providers: claimed with a lease (one instance sends each row),
// in order per conversation, retried with exponential backoff and jitter until it succeeds or
// grows older than the provider's retry window (default 24 h), then dead-lettered. A dead or
// refused handover request returns the user to the bot with a dialog.
import { performance } from 'node:perf_hooks';
import type { ProviderConfig } from '@baton/proto';
import type { InboundActions } from '../commands/provider-inbound.js';
import type { Deps } from '../deps.js';
import type { DeliveryOutcome } from '../metrics.js';
import { fromJson } from '../store/json.js';
import { providerState } from '../providers/state.js';
import type { OutboxRow } from '../store/schema.js';
import type { DeliveryResult, ProviderEvent } from '../providers/provider.js';
import { CHANNEL_TARGET_PREFIX, deliverToChannel, markChannelDeliveryDead } from '../commands/channel-deliveries.js';
import { MAIL_TARGET } from '../outbound/mailer.js';
import { withAttachmentLinks } from '../commands/attachments.js';
import { MEDIA_DOWNLOAD_EVENT } from '../channels/media.js';

/** a claimed delivery is someone else's to retry once its sender's timeout has surely passed */
const LEASE_MARGIN_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 10_000;
const POLL_MS = 1_000;
/** a channel row may move a file (a media download, a Telegram upload): its sender holds it longer */
const CHANNEL_LEASE_MS = 120_000;
const CONCURRENCY = 8;
export const DEFAULT_RETRY_WINDOW_SECONDS = 24 * 3600;

/** Exponential backoff: 2 s, 4 s, 8 s … capped at 1 h, with ±20 % jitter so retries don't align. */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(3600_000, 2000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

function retryWindowMs(p: ProviderConfig | undefined): number {
  const s = Number(p?.config?.retryWindowSeconds ?? DEFAULT_RETRY_WINDOW_SECONDS);
  return (Number.isFinite(s) && s > 0 ? s : DEFAULT_RETRY_WINDOW_SECONDS) * 1000;
}


export function createOutboxWorker(deps: Deps, inbound: InboundActions, mail?: { deliver(row: OutboxRow): Promise<DeliveryResult> }) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;

  async function claim(now: number): Promise<OutboxRow[]> {
    return deps.store.write.run(async (tx) => {
      const settings = await deps.settings.offloading(tx);
      const leaseMs = (providerId: string) => {
        if (providerId.startsWith(CHANNEL_TARGET_PREFIX)) return CHANNEL_LEASE_MS;
        const t = Number(settings.providers.find((p) => p.id === providerId)?.config?.timeoutMs ?? DEFAULT_TIMEOUT_MS);
        return (Number.isFinite(t) && t > 0 ? t : DEFAULT_TIMEOUT_MS) + LEASE_MARGIN_MS;
      };
      const pending = await tx.selectFrom('outbox').selectAll().where('status', '=', 'pending').orderBy('created_at').orderBy('id').limit(500).execute();
      const firstPerConversation = new Map<string, OutboxRow>();
      // a channel media download and a mail run beside their conversation's deliveries: the bot's answers
      // do not wait for a slow file, nor for an SMTP server that keeps saying "try again later"
      const orderKey = (r: OutboxRow) => (r.event === MEDIA_DOWNLOAD_EVENT || r.provider_id === MAIL_TARGET ? r.id : (r.conversation_id ?? r.id));
      for (const r of pending) if (!firstPerConversation.has(orderKey(r))) firstPerConversation.set(orderKey(r), r);
      const due = [...firstPerConversation.values()].filter((r) => r.next_attempt_at <= now && (r.lease_until === null || r.lease_until < now)).slice(0, 100);
      const claimed: OutboxRow[] = [];
      for (const r of due) {
        const u = await tx
          .updateTable('outbox')
          .set({ lease_until: now + leaseMs(r.provider_id) })
          .where('id', '=', r.id)
          .where('status', '=', 'pending')
          .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
          .executeTakeFirst();
        if (Number(u.numUpdatedRows) === 1) claimed.push(r);
      }
      return claimed;
    });
  }

  async function deliverOne(row: OutboxRow): Promise<void> {
    const settings = await deps.settings.offloading();
    const provider = settings.providers.find((p) => p.id === row.provider_id);
    const impl = provider ? deps.providerRegistry.get(provider.type) : undefined;
    // files go out as signed links made now (commands/attachments.ts): the provider holds no user token
    const event = withAttachmentLinks(deps, fromJson<ProviderEvent>(row.payload, {} as ProviderEvent));
    const now = () => deps.clock.now();
    const toChannel = row.provider_id.startsWith(CHANNEL_TARGET_PREFIX);
    const toMail = row.provider_id === MAIL_TARGET;
    // metric labels: the provider's type, not its id or a channel's id, so series stay few
    const target = toChannel ? 'channel' : toMail ? 'mail' : (provider?.type ?? 'unknown');
    // wall time, not deps.clock: tests drive that clock by hand
    const started = performance.now();
    let result: DeliveryResult;
    if (toChannel) {
      try {
        result = await deliverToChannel(deps, row);
      } catch (err) {
        result = { ok: false, retry: true, error: `channel error: ${(err as Error).message}` };
      }
    } else if (toMail) result = mail ? await mail.deliver(row) : { ok: false, retry: true, error: 'SMTP_URL is not set on this instance' };
    else if (!provider || !impl) result = { ok: false, retry: false, error: `provider ${row.provider_id} is no longer configured` };
    else {
      try {
        result = await impl!.deliver(event, { deps, provider: provider!, state: providerState(deps, provider!.id) });
      } catch (err) {
        result = { ok: false, retry: true, error: `provider error: ${(err as Error).message}` };
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const count = (outcome: DeliveryOutcome) => {
      deps.metrics.outboxDeliveries.inc({ target, outcome });
      deps.metrics.outboxDuration.observe({ target, outcome }, seconds);
    };
    const attempts = row.attempts + 1;
    if (result.ok) {
      await deps.store.write.run((tx) => tx.updateTable('outbox').set({ status: 'delivered', attempts, delivered_at: now(), lease_until: null, last_error: null }).where('id', '=', row.id).execute());
      count('delivered');
      // the handover's delivery was the acceptance (Sunshine passControl, a platform-owned channel);
      // a user who left the queue meanwhile stays with the bot (the provider hears handover.cancelled)
      if (result.accepted && row.event === 'handover.requested' && row.conversation_id) {
        await inbound.accepted(row.provider_id, row.conversation_id, result.accepted).catch((err) => deps.log.info({ err, conversationId: row.conversation_id }, 'a handover delivered after the user left the queue'));
      }
      return;
    }
    deps.metrics.outboxFailures.inc({ provider: toChannel ? 'channel' : toMail ? 'mail' : row.provider_id });
    // a service that says how long to wait (429/503 Retry-After, Telegram's retry_after) is not asked sooner
    const wait = Math.max(backoffMs(attempts), result.retryAfterMs ?? 0);
    const expired = now() - row.created_at + wait > retryWindowMs(provider);
    const dead = !result.retry || expired;
    count(result.refused ? 'refused' : dead ? 'dead' : 'retry');
    await deps.store.write.run((tx) =>
      tx
        .updateTable('outbox')
        .set({ status: dead ? 'dead' : 'pending', attempts, lease_until: null, last_error: result.error.slice(0, 1000), next_attempt_at: dead ? row.next_attempt_at : now() + wait })
        .where('id', '=', row.id)
        .execute(),
    );
    deps.log.warn({ delivery: row.delivery_id, provider: row.provider_id, event: row.event, attempts, dead, error: result.error }, 'webhook delivery failed');
    if (toChannel && dead && expired) await markChannelDeliveryDead(deps, row, result.error).catch((err) => deps.log.error({ err }, 'could not record a dead channel delivery'));
    if (row.event === 'handover.requested' && row.conversation_id && (result.refused || dead)) {
      await inbound
        .refused(row.provider_id, row.conversation_id, result.refused ? result.error : `the provider could not be reached (${result.error})`)
        .catch((err) => deps.log.error({ err }, 'could not return a refused handover to the bot'));
    }
  }

  async function tick(): Promise<void> {
    do {
      again = false;
      const rows = await claim(deps.clock.now());
      const queue = [...rows];
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
          for (let r = queue.shift(); r; r = queue.shift()) await deliverOne(r);
        }),
      );
      if (rows.length) again = true; // the next row of each conversation may now be due
    } while (again && !stopped);
  }

  function run(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = tick()
      .catch((err) => deps.log.error({ err }, 'outbox poll failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    async start() {
      stopped = false;
      // a store only this process uses: leases left by a crashed run are stale, free them now (where
      // other instances share the database they may hold them; they expire after the sender's timeout)
      if (deps.store.exclusive) {
        await deps.store.write.run((tx) => tx.updateTable('outbox').set({ lease_until: null }).where('status', '=', 'pending').where('lease_until', 'is not', null).execute());
      }
      const loop = async () => {
        if (stopped) return;
        await run();
        if (!stopped) timer = setTimeout(loop, POLL_MS);
      };
      void loop();
    },
    kick: () => void run(),
    runOnce: run,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
