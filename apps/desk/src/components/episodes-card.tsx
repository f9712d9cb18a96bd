// Every time an agent handled the conversation (episodes): who, how it ended, and the user's rating
// with their comment. Text is rendered as text.
import type { Episode } from '@baton/proto';
import { humanEvent, shortDate } from '../format';

const ENDED: Record<string, string> = { closed: 'closed', handed_back: 'handed back to the bot' };
const BY: Record<string, string> = { agent: 'by the agent', user: 'by the user', idle: 'when idle' };

/** "★★★★☆" for a score, with the number for screen readers and copy-paste. */
export function Stars(props: { score: number; testId?: string }) {
  return (
    <span className="stars" data-testid={props.testId} data-score={props.score} title={`${props.score} out of 5`}>
      <span aria-hidden="true">{'★'.repeat(props.score)}{'☆'.repeat(5 - props.score)}</span>
      <span className="sr-only">{props.score} out of 5</span>
    </span>
  );
}

/** How an episode ended, in a few words. */
export function episodeEnd(e: Episode): string {
  if (!e.ended) return 'with the agent now';
  return e.ended === 'closed' && e.endedBy ? `${ENDED.closed} ${BY[e.endedBy] ?? ''}`.trim() : (ENDED[e.ended] ?? e.ended);
}

export function EpisodesCard(props: { episodes: Episode[] | undefined }) {
  const list = props.episodes ?? [];
  return (
    <section className="panel" aria-label="Episodes" data-testid="episodes-card">
      <h3>Handled by agents</h3>
      {list.length === 0 ? (
        <p className="muted small">No agent has handled this conversation.</p>
      ) : (
        <ol className="episodes">
          {list.map((e) => (
            <li key={e.number} data-testid="episode" data-number={e.number}>
              <div className="episode-top">
                <strong>{e.agent.name ?? 'Agent'}</strong>
                <span className="muted small">{shortDate(e.acceptedAt)}</span>
              </div>
              <div className="small">
                {episodeEnd(e)}
                {e.endedAt ? ` · ${shortDate(e.endedAt)}` : ''}
                {e.trigger ? ` · ${humanEvent(e.trigger)}` : ''}
                {e.skill ? ` · ${e.skill}` : ''}
              </div>
              {e.rating ? (
                <div className="episode-rating" data-testid="episode-rating">
                  <Stars score={e.rating.score} />
                  {e.rating.comment ? <q className="small" data-testid="episode-comment">{e.rating.comment}</q> : null}
                </div>
              ) : e.ended ? (
                <div className="muted small">Not rated</div>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
