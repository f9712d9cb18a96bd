// Genesys sends no "agent ended" event for Open Messaging: each provider's handovers are polled every
// `pollSeconds` for the agent's session (joined, renamed, ended), on every instance (idempotent).
import type { InboundActions } from '../../commands/provider-inbound.js';
import type { Deps } from '../../deps.js';
import { fromJson } from '../../store/json.js';
import type { OffloadingProvider } from '../provider.js';
import { providerState } from '../state.js';
import { conversationPath, type GenesysApi } from './client.js';
import { GENESYS_TYPE, GenesysConfig } from './config.js';
import { currentAgent, GenesysConversation, sessionEnded, type GenesysState } from './state.js';

/** The worker wakes every second; each provider is polled every `pollSeconds`. */
const WORKER_INTERVAL_MS = 1000;
const POLL_CONCURRENCY = 4;
const POLL_BATCH = 500;

/** The provider's background work; when each provider was last polled is this instance's own. */
export function createGenesysPoller(api: GenesysApi): NonNullable<OffloadingProvider['worker']> {
  const lastPoll = new Map<string, number>();
  async function tick(deps: Deps, inbound: InboundActions): Promise<void> {
    const settings = await deps.settings.offloading();
    for (const p of settings.providers) {
      if (p.type !== GENESYS_TYPE || p.enabled === false) continue;
      const c = GenesysConfig.safeParse(p.config ?? {});
      if (!c.success) continue;
      const now = Date.now();
      if (now - (lastPoll.get(p.id) ?? 0) < c.data.pollSeconds * 1000 - WORKER_INTERVAL_MS / 2) continue;
      lastPoll.set(p.id, now);
      await pollProvider(api, deps, inbound, p.id, c.data);
    }
  }
  return { intervalMs: WORKER_INTERVAL_MS, tick };
}

async function pollProvider(api: GenesysApi, deps: Deps, inbound: InboundActions, providerId: string, c: GenesysConfig): Promise<void> {
  // reads only: outside a write job the store's read connection is free
  const rows = await deps.store.db
    .selectFrom('conversations')
    .innerJoin('provider_state', (j) => j.onRef('provider_state.conversation_id', '=', 'conversations.id').onRef('provider_state.provider_id', '=', 'conversations.provider_id'))
    .select(['conversations.id as id', 'conversations.status as status', 'conversations.handover as handover', 'provider_state.data as data'])
    .where('conversations.provider_id', '=', providerId)
    .where('conversations.status', 'in', ['offloaded', 'agent'])
    .limit(POLL_BATCH)
    .execute();
  const queue = rows.flatMap((r) => {
    const s = fromJson<GenesysState>(r.data, {});
    const h = fromJson<{ requestedAt?: number } | null>(r.handover, null);
    // only the current handover's Genesys conversation: an older one is disconnected by definition
    return s.genesysConversationId && !s.ended && h?.requestedAt === s.handoverAt ? [{ id: r.id, status: r.status, state: s, genesysId: s.genesysConversationId }] : [];
  });
  const state = providerState(deps, providerId);
  const one = async (item: (typeof queue)[number]) => {
    const res = await api.call(c, 'GET', conversationPath(item.genesysId));
    if (!res.ok) {
      deps.log.warn({ provider: providerId, conversation: item.id, status: res.status, error: res.error }, 'Genesys: could not read the conversation');
      return;
    }
    const parsed = GenesysConversation.safeParse(res.json);
    if (!parsed.success) return;
    const agent = currentAgent(parsed.data);
    if (!sessionEnded(parsed.data)) {
      if (agent && (agent.id !== item.state.agent?.id || agent.name !== item.state.agent?.name)) await state.set(item.id, { agent });
      // an agent answered in Genesys: the user sees who joined and the bot stops, before the first message
      const connected = parsed.data.participants.some((x) => x.purpose === 'agent' && x.state === 'connected');
      if (agent && connected && item.status === 'offloaded') await inbound.accepted(providerId, item.id, agent);
      return;
    }
    await state.set(item.id, { ended: true });
    // idempotent against the state machine: another instance doing the same is harmless
    if (c.onAgentEnd === 'close') await inbound.closed(providerId, item.id, agent);
    else await inbound.handback(providerId, item.id, { dialog: c.handbackDialog }, agent);
  };
  await Promise.all(
    Array.from({ length: Math.min(POLL_CONCURRENCY, queue.length) }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        await one(item).catch((err) => deps.log.error({ err, provider: providerId, conversation: item.id }, 'Genesys: end check failed'));
      }
    }),
  );
}
