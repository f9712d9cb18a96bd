// A list of conversations (queue, my chats, history) with live waiting times and routing badges. Only
// the rows in view are rendered; scrolling near the end asks for the next page, and the end of the
// list says so.
import { useEffect } from 'react';
import type { AgentConversation } from '../api';
import { previewOf, userLabel } from '../conversation-state';
import { formatDuration, relativeTime, secondsSince, waitLevel } from '../format';
import { href } from '../router';
import { useRowWindow } from '../windowing';
import { Stars } from './episodes-card';
import { Avatar, Spinner } from './ui';

export type ListKind = 'queue' | 'mine' | 'closed';

export interface ListPaging {
  /** the element that scrolls the list */
  scroller: HTMLElement | null;
  /** another page can be loaded */
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}

/** a conversation row's height and gap before it is measured (px) */
const ROW_ESTIMATE = 80;
/** ask for the next page when this few rows are left below the view */
const LOAD_AHEAD = 10;

export function ConversationList(props: {
  kind: ListKind;
  items: AgentConversation[];
  openId?: string;
  now: number;
  unread?: Record<string, number>;
  onAccept?: (id: string) => void;
  acceptBusy?: string;
  routeBase: string[];
  showAssignee?: boolean;
  /** a paged list, windowed in its scrolling element; without it every row is rendered (a short list) */
  paging?: ListPaging;
}) {
  const windowed = useRowWindow(props.paging?.scroller ?? null, props.items.length, ROW_ESTIMATE);
  const w = props.paging ? windowed.window : { start: 0, end: props.items.length, padTop: 0, padBottom: 0 };
  const { measure, scrollToIndex } = windowed;
  const { hasMore = false, loadingMore = false, onLoadMore } = props.paging ?? {};
  const nearEnd = w.end >= props.items.length - LOAD_AHEAD;
  useEffect(() => {
    if (hasMore && !loadingMore && nearEnd) onLoadMore?.();
  }, [hasMore, loadingMore, nearEnd, onLoadMore]);
  // the open conversation stays in view (j/k move past the rendered rows)
  const openIndex = props.items.findIndex((c) => c.id === props.openId);
  useEffect(() => {
    if (openIndex >= 0) scrollToIndex(openIndex);
  }, [openIndex, scrollToIndex]);

  return (
    <>
      <ul ref={measure} className="conv-list" data-testid={`list-${props.kind}`} data-count={props.items.length} style={{ paddingTop: 6 + w.padTop, paddingBottom: 6 + w.padBottom }}>
        {props.items.slice(w.start, w.end).map((c) => (
          <ConversationRow key={c.id} {...props} c={c} />
        ))}
      </ul>
      {loadingMore ? (
        <div className="list-more" data-testid="list-loading">
          <Spinner /> Loading more…
        </div>
      ) : props.paging && !hasMore && props.items.length > 0 ? (
        <p className="list-more" data-testid="list-end">
          No more conversations
        </p>
      ) : null}
    </>
  );
}

function ConversationRow(props: { kind: ListKind; c: AgentConversation; openId?: string; now: number; unread?: Record<string, number>; onAccept?: (id: string) => void; acceptBusy?: string; routeBase: string[]; showAssignee?: boolean }) {
  const { c, kind } = props;
  const waiting = c.status === 'offloaded' ? secondsSince(c.handover?.requestedAt, props.now) : null;
  const unread = props.unread?.[c.id] ?? 0;
  const testId = kind === 'queue' ? 'queue-item' : kind === 'mine' ? 'chat-item' : 'history-item';
  return (
    <li className={`conv-row${props.openId === c.id ? ' open' : ''}${kind === 'queue' && props.onAccept ? ' has-accept' : ''}`} data-testid={testId} data-conversation-id={c.id} data-row="">
      <a className="conv-link" href={href(...props.routeBase, c.id)} aria-current={props.openId === c.id ? 'true' : undefined}>
        <Avatar name={userLabel(c)} />
        <div className="conv-main">
          <div className="conv-top">
            <span className={unread ? 'conv-name bold' : 'conv-name'}>{userLabel(c)}</span>
            {waiting !== null ? (
              <span className={`wait wait-${waitLevel(waiting)}`} data-testid="waiting-time" title="Waiting since the handover request">
                {formatDuration(waiting)}
              </span>
            ) : (
              <span className="conv-time">{relativeTime(c.lastMessage?.createdAt ?? c.updatedAt, props.now)}</span>
            )}
          </div>
          <div className="conv-preview">{kind === 'queue' && c.handover ? c.handover.reason : previewOf(c.lastMessage)}</div>
          <div className="conv-badges">
            {c.skill ? <span className="badge badge-skill" data-testid="skill-badge">{c.skill}</span> : null}
            <span className="badge badge-lang" data-testid="language-badge">
              {c.language.toUpperCase()}
            </span>
            {kind === 'closed' && c.lastEpisode ? (
              <EpisodeBadges e={c.lastEpisode} />
            ) : (kind === 'closed' || props.showAssignee) && c.assignee ? (
              <span className="badge badge-agent">{c.assignee.name}</span>
            ) : null}
            {unread ? <span className="unread" aria-label={`${unread} unread`}>{unread}</span> : null}
          </div>
        </div>
      </a>
      {kind === 'queue' && props.onAccept ? (
        <button type="button" className="btn primary small conv-accept" onClick={() => props.onAccept?.(c.id)} disabled={props.acceptBusy === c.id} data-testid="queue-accept">
          Accept
        </button>
      ) : null}
    </li>
  );
}

/** History: the latest episode's agent, a hand-back, and the user's rating. */
function EpisodeBadges({ e }: { e: NonNullable<AgentConversation['lastEpisode']> }) {
  return (
    <>
      {e.agent.name ? <span className="badge badge-agent" data-testid="history-agent">{e.agent.name}</span> : null}
      {e.ended === 'handed_back' ? <span className="badge subtle">handed back</span> : null}
      {e.rating ? (
        <span className="badge badge-rating" data-testid="history-rating">
          <Stars score={e.rating.score} />
        </span>
      ) : null}
    </>
  );
}
