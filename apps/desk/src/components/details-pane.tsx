// The right pane: why the bot handed over (the handover card), what it collected (variables), who
// the user is, and their earlier conversations.
import type { AgentConversation } from '../api';
import { previewOf } from '../conversation-state';
import { formatDuration, humanEvent, secondsSince, shortDate } from '../format';
import { href } from '../router';

export function HandoverCard(props: { c: AgentConversation; now: number }) {
  const { c } = props;
  const h = c.handover;
  const waiting = h ? (c.status === 'offloaded' ? secondsSince(h.requestedAt, props.now) : h.waitingSeconds) : null;
  const vars = Object.entries(c.variables ?? {});
  return (
    <section className="panel handover-card" data-testid="handover-card" aria-label="Handover">
      <h3>Handover</h3>
      {h ? (
        <dl className="facts">
          <div>
            <dt>Reason</dt>
            <dd data-testid="handover-reason">{h.reason}</dd>
          </div>
          {h.trigger ? (
            <div>
              <dt>Trigger</dt>
              <dd data-testid="handover-trigger">{humanEvent(h.trigger)}</dd>
            </div>
          ) : null}
          <div>
            <dt>Skill</dt>
            <dd data-testid="handover-skill">{c.skill ?? '—'}</dd>
          </div>
          <div>
            <dt>Language</dt>
            <dd data-testid="handover-language">{c.language.toUpperCase()}</dd>
          </div>
          <div>
            <dt>Provider</dt>
            <dd>{h.providerId}</dd>
          </div>
          <div>
            <dt>{c.status === 'offloaded' ? 'Waiting' : 'Waited'}</dt>
            <dd data-testid="handover-waiting">{waiting === null ? '—' : formatDuration(waiting)}</dd>
          </div>
          {h.dialog ? (
            <div>
              <dt>From dialog</dt>
              <dd>{h.dialog}</dd>
            </div>
          ) : null}
          {h.note ? (
            <div className="wide">
              <dt>Note</dt>
              <dd>{h.note}</dd>
            </div>
          ) : null}
        </dl>
      ) : (
        <p className="muted small">No handover request on this conversation.</p>
      )}
      <h4>Variables</h4>
      {vars.length ? (
        <table className="kv" data-testid="variables-table">
          <tbody>
            {vars.map(([k, v]) => (
              <tr key={k} data-testid="variable-row">
                <th scope="row">{k}</th>
                <td>{v === null ? <span className="muted">null</span> : String(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted small" data-testid="variables-empty">
          The bot collected no variables.
        </p>
      )}
    </section>
  );
}

// What the user said about themselves unless the site proved it (userHash) or a channel signed it.
const UNVERIFIED_HINT = 'The user typed this name and e-mail themselves; the site did not verify who they are, so earlier conversations are not linked.';

/** What the user told the bot about themselves: shown, but not proven. */
function GivenMark() {
  return (
    <span className="badge subtle given-mark" title="The user gave this to the bot; nobody verified it." data-testid="given-by-user">
      given by the user
    </span>
  );
}

export function UserCard(props: { c: AgentConversation }) {
  const u = props.c.user;
  return (
    <section className="panel" aria-label="User">
      <h3>
        User{' '}
        {u.verified ? null : (
          <span className="badge subtle" title={UNVERIFIED_HINT} data-testid="user-unverified">
            unverified
          </span>
        )}
      </h3>
      <dl className="facts">
        <div>
          <dt>Name</dt>
          <dd data-testid="user-name">
            {u.name ?? '—'}
            {u.name && u.givenByUser ? <GivenMark /> : null}
          </dd>
        </div>
        <div>
          <dt>Email</dt>
          <dd className="break" data-testid="user-email">
            {u.email ?? '—'}
            {u.email && u.givenByUser ? <GivenMark /> : null}
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{shortDate(props.c.createdAt)}</dd>
        </div>
        <div>
          <dt>Conversation</dt>
          <dd className="mono small break">{props.c.id}</dd>
        </div>
      </dl>
      {u.verified && u.id ? (
        <a className="btn ghost small" href={href('contact', u.id)} data-testid="contact-link">
          Contact page
        </a>
      ) : null}
    </section>
  );
}

/** One earlier conversation of a user: when, its status, why it was handed over (or its last words), with whom. */
export function HistoryItem(props: { h: AgentConversation; testId?: string }) {
  const { h } = props;
  return (
    <li data-testid={props.testId}>
      <a href={href('closed', h.id)}>
        <span className="history-top">
          <span>{shortDate(h.createdAt)}</span>
          <span className={`badge status-${h.status}`}>{h.status}</span>
        </span>
        <span className="history-preview">{h.handover?.reason ?? previewOf(h.lastMessage) ?? ''}</span>
        {h.assignee ? <span className="muted small">with {h.assignee.name}</span> : null}
      </a>
    </li>
  );
}

export function HistoryCard(props: { items: AgentConversation[] | undefined; error?: string; verified: boolean }) {
  return (
    <section className="panel" aria-label="Earlier conversations" data-testid="history-list">
      <h3>Earlier conversations</h3>
      {props.error ? <p className="muted small">{props.error}</p> : null}
      {!props.items ? null : props.items.length === 0 ? (
        <p className="muted small">{props.verified ? 'None that you may see.' : 'Shown only for verified users.'}</p>
      ) : (
        <ul className="history">
          {props.items.map((h) => (
            <HistoryItem key={h.id} h={h} />
          ))}
        </ul>
      )}
    </section>
  );
}
