// A list of conversations (queue, my chats, history) with live waiting times and routing badges.
import type { AgentConversation } from '../api';
import { previewOf, userLabel } from '../conversation-state';
import { formatDuration, relativeTime, secondsSince, waitLevel } from '../format';
import { href } from '../router';
import { Avatar } from './ui';

export type ListKind = 'queue' | 'mine' | 'closed';

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
}) {
  return (
    <ul className="conv-list" data-testid={`list-${props.kind}`}>
      {props.items.map((c) => (
        <ConversationRow key={c.id} {...props} c={c} />
      ))}
    </ul>
  );
}

function ConversationRow(props: { kind: ListKind; c: AgentConversation; openId?: string; now: number; unread?: Record<string, number>; onAccept?: (id: string) => void; acceptBusy?: string; routeBase: string[]; showAssignee?: boolean }) {
  const { c, kind } = props;
  const waiting = c.status === 'offloaded' ? secondsSince(c.handover?.requestedAt, props.now) : null;
  const unread = props.unread?.[c.id] ?? 0;
  const testId = kind === 'queue' ? 'queue-item' : kind === 'mine' ? 'chat-item' : 'history-item';
  return (
    <li className={`conv-row${props.openId === c.id ? ' open' : ''}${kind === 'queue' && props.onAccept ? ' has-accept' : ''}`} data-testid={testId} data-conversation-id={c.id}>
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
            {(kind === 'closed' || props.showAssignee) && c.assignee ? <span className="badge badge-agent">{c.assignee.name}</span> : null}
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
