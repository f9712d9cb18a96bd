// Handover analytics from the transcript events: handovers by trigger, reason, skill, language and
// provider; wait times; abandonment; agent handling time.
import type { Analytics, TranscriptEvent } from '@baton/proto';
import { percentile } from '../domain/routing.js';
import type { Deps } from '../deps.js';
import { fromJson } from '../store/json.js';

const MAX_EVENTS = 200_000;

/** The transcript events the figures are made of; each has its case in the switch below. */
const COUNTED = [
  'conversation.offloaded',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.cancelled',
  'conversation.timed_out',
  'conversation.refused',
  'conversation.closed',
  'conversation.handed_back',
  'conversation.ended',
] as const satisfies readonly TranscriptEvent[];
type Counted = (typeof COUNTED)[number];

export async function analytics(deps: Deps, range: { from?: string; to?: string }): Promise<Analytics> {
  const now = deps.clock.now();
  const from = range.from ? Date.parse(range.from) : now - 30 * 86_400_000;
  const to = range.to ? Date.parse(range.to) + (range.to.length <= 10 ? 86_399_999 : 0) : now;
  const events = await deps.store.db
    .selectFrom('conversation_events')
    .select(['conversation_id', 'type', 'agent_id', 'data', 'created_at'])
    .where('created_at', '>=', from)
    .where('created_at', '<=', to)
    .where('type', 'in', COUNTED)
    .orderBy('created_at')
    .limit(MAX_EVENTS)
    .execute();
  const count = (m: Record<string, number>, k: string | null | undefined) => {
    const key = k ?? 'unknown';
    m[key] = (m[key] ?? 0) + 1;
  };
  const handovers = { total: 0, byTrigger: {} as Record<string, number>, byReason: {} as Record<string, number>, bySkill: {} as Record<string, number>, byLanguage: {} as Record<string, number>, byProvider: {} as Record<string, number> };
  const waits: number[] = [];
  let abandoned = 0;
  const open = new Map<string, { agentId: string; since: number }>();
  const handling = new Map<string, number[]>();
  const waiting = new Set<string>();
  const endHandling = (conv: string, at: number) => {
    const o = open.get(conv);
    if (!o) return;
    open.delete(conv);
    (handling.get(o.agentId) ?? handling.set(o.agentId, []).get(o.agentId)!).push(Math.round((at - o.since) / 1000));
  };
  for (const e of events) {
    const d = fromJson<Record<string, unknown>>(e.data, {});
    const name = e.type as Counted;
    switch (name) {
      case 'conversation.offloaded':
        handovers.total++;
        count(handovers.byTrigger, d.trigger as string);
        count(handovers.byReason, d.reason as string);
        count(handovers.bySkill, d.skill as string);
        count(handovers.byLanguage, d.language as string);
        count(handovers.byProvider, d.providerId as string);
        waiting.add(e.conversation_id);
        break;
      case 'conversation.assigned':
      case 'conversation.transferred':
        if (typeof d.waitSeconds === 'number') waits.push(d.waitSeconds);
        waiting.delete(e.conversation_id);
        endHandling(e.conversation_id, e.created_at);
        if (typeof d.agentId === 'string') open.set(e.conversation_id, { agentId: d.agentId, since: e.created_at });
        break;
      case 'conversation.cancelled':
      case 'conversation.timed_out':
      case 'conversation.refused':
        if (waiting.delete(e.conversation_id)) abandoned++;
        break;
      case 'conversation.ended':
        if (waiting.delete(e.conversation_id)) abandoned++;
        endHandling(e.conversation_id, e.created_at);
        break;
      case 'conversation.closed':
      case 'conversation.handed_back':
        waiting.delete(e.conversation_id);
        endHandling(e.conversation_id, e.created_at);
        break;
      default:
        name satisfies never;
    }
  }
  const agentIds = [...handling.keys()];
  const names = agentIds.length ? await deps.store.db.selectFrom('agents').select(['id', 'name']).where('id', 'in', agentIds).execute() : [];
  const all = [...handling.values()].flat();
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    handovers,
    waitSeconds: { p50: percentile(waits, 50), p90: percentile(waits, 90), count: waits.length },
    abandonment: { count: abandoned, rate: handovers.total ? Math.round((abandoned / handovers.total) * 1000) / 1000 : 0 },
    handlingSeconds: {
      p50: percentile(all, 50),
      p90: percentile(all, 90),
      byAgent: agentIds.map((id) => ({ agentId: id, name: names.find((n) => n.id === id)?.name ?? 'deleted agent', p50: percentile(handling.get(id)!, 50), count: handling.get(id)!.length })),
    },
  };
}
