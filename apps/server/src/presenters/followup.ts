// A follow-up as agents and API clients see it.
import type { Followup } from '@baton/proto';
import type { FollowupRow } from '../store/schema.js';

export function presentFollowup(r: FollowupRow): Followup {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    // the store writes only these values (store/followups.ts, commands/followups.ts)
    status: r.status as Followup['status'],
    email: r.email,
    question: r.question,
    reason: r.reason as Followup['reason'],
    language: r.language,
    skill: r.skill,
    assignee: r.assignee_id ? { id: r.assignee_id, name: r.assignee_name ?? 'Agent' } : null,
    createdAt: new Date(Number(r.created_at)).toISOString(),
    doneAt: r.done_at === null ? null : new Date(Number(r.done_at)).toISOString(),
  };
}
