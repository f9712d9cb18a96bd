// The satisfaction question after an agent's part of the chat ended (the agent closed it, or the user
// ended it with them): 1–5 as a group of buttons (Tab to reach, Enter or Space to choose, arrow keys
// to move), an optional comment, and a thank-you once sent. A repeat replaces the rating on the server.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { BatonClient, RateTarget } from './client';
import type { Strings } from './i18n';

const SCORES = [1, 2, 3, 4, 5] as const;

export function RatingPrompt({ client, target, t }: { client: BatonClient; target: RateTarget; t: Strings }) {
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [state, setState] = useState<'asking' | 'sending' | 'failed' | 'thanked'>('asking');
  const group = useRef<HTMLDivElement>(null);
  // the question appears below the last message: bring it into view
  useEffect(() => group.current?.scrollIntoView({ block: 'nearest' }), []);

  if (state === 'thanked') {
    return (
      <div class="system" role="status" data-testid="widget-rating-thanks">
        {t.rateThanks}
      </div>
    );
  }
  const send = async () => {
    if (score === null) return;
    setState('sending');
    const status = await client.rate(score, comment).catch(() => 0);
    setState(status === 201 ? 'thanked' : 'failed');
  };
  // arrow keys move between the scores, like a radio group
  const onKey = (e: KeyboardEvent, n: number) => {
    const next = e.key === 'ArrowRight' || e.key === 'ArrowUp' ? n + 1 : e.key === 'ArrowLeft' || e.key === 'ArrowDown' ? n - 1 : 0;
    if (next < 1 || next > 5) return;
    e.preventDefault();
    setScore(next);
    group.current?.querySelectorAll<HTMLButtonElement>('button')[next - 1]?.focus();
  };
  const questionId = `baton-rate-${target.id}`;
  return (
    <form
      class="rating"
      data-testid="widget-rating"
      aria-labelledby={questionId}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <p id={questionId}>{t.rateQuestion(target.agent)}</p>
      <div class="stars" role="radiogroup" aria-labelledby={questionId} ref={group}>
        {SCORES.map((n) => (
          <button
            type="button"
            role="radio"
            aria-checked={score === n}
            aria-label={t.rateScore(n)}
            // one stop in the tab order: the chosen score, else the first
            tabIndex={(score ?? 1) === n ? 0 : -1}
            class={score !== null && n <= score ? 'on' : ''}
            data-testid="widget-rating-score"
            data-score={n}
            onClick={() => setScore(n)}
            onKeyDown={(e) => onKey(e, n)}
          >
            <span aria-hidden="true">★</span>
          </button>
        ))}
      </div>
      {score !== null ? (
        <>
          <label class="sr" for={`${questionId}-comment`}>{t.rateComment}</label>
          <textarea
            id={`${questionId}-comment`}
            rows={2}
            maxLength={1000}
            placeholder={t.rateComment}
            value={comment}
            data-testid="widget-rating-comment"
            onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)}
          />
        </>
      ) : null}
      {state === 'failed' ? <p class="error" role="alert">{t.rateFailed}</p> : null}
      <div class="actions">
        <button type="button" class="skip" onClick={() => client.doneRating()}>{t.rateSkip}</button>
        <button type="submit" class="send" data-testid="widget-rating-send" disabled={score === null || state === 'sending'}>{t.rateSend}</button>
      </div>
    </form>
  );
}
