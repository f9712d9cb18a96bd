// Queue position and a waiting estimate for a conversation waiting for an agent.
import type { ConversationRow } from './schema.js';
import type { QueueInfo, Tx } from './types.js';

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
  return { position, estimatedWaitSeconds: Math.round((await secondsPerPosition(tx, conv.skill)) * position) };
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
  return rows.map((row, i) => ({ row, queue: { position: i + 1, estimatedWaitSeconds: Math.round(perPosition * (i + 1)) } }));
}
