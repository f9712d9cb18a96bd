// An episode and a rating as clients see them (proto's Episode and Rating).
import type { Episode, Rating } from '@baton/proto';
import type { EpisodeRow } from '../store/schema.js';

const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());

export function presentEpisode(e: EpisodeRow): Episode {
  return {
    number: Number(e.number),
    agent: { id: e.agent_id, name: e.agent_name },
    trigger: e.trigger,
    skill: e.skill,
    requestedAt: iso(e.requested_at),
    acceptedAt: iso(e.accepted_at)!,
    endedAt: iso(e.ended_at),
    ended: (e.ended_how as Episode['ended']) ?? null,
    endedBy: (e.ended_by as Episode['endedBy']) ?? null,
    rating: e.rating_score === null || e.rated_at === null ? null : { score: Number(e.rating_score), comment: e.rating_comment, ratedAt: iso(e.rated_at)! },
  };
}

export function presentRating(e: EpisodeRow): Rating {
  return { conversationId: e.conversation_id, episode: Number(e.number), score: Number(e.rating_score), comment: e.rating_comment, ratedAt: iso(e.rated_at)! };
}
