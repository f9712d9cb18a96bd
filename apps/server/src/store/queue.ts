// Queue position and a waiting estimate for a conversation waiting for an agent. The estimate is
// honest (DESIGN §10.3): for the desk it is given only while an eligible agent is online.
import type { OffloadingSettings } from '@baton/proto';
import { eligibleAgentOnline } from './agents.js';
import type { ConversationRow } from './schema.js';
import { readSetting } from './settings.js';
import type { QueueInfo, Tx } from './types.js';

/**
 * Whether Baton's own agents would take this conversation (its provider is a desk): only then does
 * Baton know who is online. One primary-key read of the settings row.
 */
async function onDesk(tx: Tx, providerId: string | null): Promise<boolean> {
  const s = await readSetting<Pick<OffloadingSettings, 'providers'>>(tx, 'offloading');
  const p = s?.providers?.find((x) => x.id === providerId);
  return p ? p.type === 'desk' : providerId === 'desk';
}

/** null when Baton cannot know (an external provider), else whether an eligible agent is online. */
export async function agentsAvailable(tx: Tx, conv: Pick<ConversationRow, 'provider_id' | 'skill' | 'language'>): Promise<boolean | null> {
  if (!(await onDesk(tx, conv.provider_id))) return null;
  return eligibleAgentOnline(tx, { skill: conv.skill, language: conv.language });
}

/** Fallback per-position estimate when there is no history yet. */
const DEFAULT_SECONDS_PER_POSITION = 90;

export async function queueInfo(tx: Tx, conv: ConversationRow): Promise<QueueInfo> {
  if (conv.status !== 'offloaded' || conv.queued_at === null) return { position: null, estimatedWaitSeconds: null };
  const ahead = await tx
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'offloaded')
    .where('skill', conv.skill === null ? 'is' : '=', conv.skill)
    .where((eb) => eb.or([eb('queued_at', '<', conv.queued_at), eb.and([eb('queued_at', '=', conv.queued_at), eb('id', '<', conv.id)])]))
    .executeTakeFirstOrThrow();
  const position = Number(ahead.n) + 1;
  const available = await agentsAvailable(tx, conv);
  // nobody who could take it is online: any number of minutes would be made up
  if (available === false) return { position, estimatedWaitSeconds: null, agentsAvailable: false };
  return { position, estimatedWaitSeconds: Math.round((await secondsPerPosition(tx, conv.skill)) * position), agentsAvailable: available };
}

/** Recent waits for this skill: how long accepted handovers waited, as a median per position. */
export async function secondsPerPosition(tx: Tx, skill: string | null): Promise<number> {
  return (await recentWaits(tx))(skill);
}

/**
 * The last 50 accepted handovers, read once: seconds per queue position for any skill (the median of
 * that skill's waits among them), so a list of many skills makes one read.
 */
export async function recentWaits(tx: Tx): Promise<(skill: string | null) => number> {
  const recent = await tx
    .selectFrom('conversation_events')
    .select('data')
    .where('type', '=', 'conversation.assigned')
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();
  const waits = recent.flatMap((r) => {
    try {
      const d = JSON.parse(r.data ?? '{}') as { waitSeconds?: number; skill?: string | null };
      return typeof d.waitSeconds === 'number' ? [{ skill: d.skill, seconds: d.waitSeconds }] : [];
    } catch {
      return [];
    }
  });
  return (skill) => {
    const mine = waits.filter((w) => w.skill === skill).map((w) => w.seconds).sort((a, b) => a - b);
    const median = mine.length ? mine[Math.floor(mine.length / 2)]! : DEFAULT_SECONDS_PER_POSITION;
    return Math.max(15, Math.min(median, 3600));
  };
}

/** Everyone waiting for a skill, first in line first, with their queue info (the first `limit`). */
export async function queueSnapshot(tx: Tx, skill: string | null, limit = 200): Promise<Array<{ row: ConversationRow; queue: QueueInfo }>> {
  const rows = await tx
    .selectFrom('conversations')
    .selectAll()
    .where('status', '=', 'offloaded')
    .where('skill', skill === null ? 'is' : '=', skill)
    .orderBy('queued_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  if (!rows.length) return [];
  const perPosition = await secondsPerPosition(tx, skill);
  // one eligibility check per language and provider in this skill's queue, not per conversation
  const known = new Map<string, boolean | null>();
  const out: Array<{ row: ConversationRow; queue: QueueInfo }> = [];
  for (const [i, row] of rows.entries()) {
    const key = `${row.provider_id}\u0000${row.language}`;
    if (!known.has(key)) known.set(key, await agentsAvailable(tx, row));
    const available = known.get(key)!;
    out.push({ row, queue: { position: i + 1, estimatedWaitSeconds: available === false ? null : Math.round(perPosition * (i + 1)), agentsAvailable: available } });
  }
  return out;
}
