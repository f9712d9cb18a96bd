// Follow-ups: what users left when nobody could take the chat (outside hours, a wait that timed out,
// nobody online). Agents filter, take one, answer it — the answer reaches the user's conversation and,
// when the server has SMTP, their e-mail — and mark it done.
import { useState } from 'react';
import { api, errorText, type Followup } from '../api';
import { Icon } from '../components/icons';
import { ErrorNote, PageHeader } from '../components/ui';
import { useDesk } from '../desk-context';
import { relativeTime } from '../format';
import { useLoad, useNow } from '../hooks';
import { href } from '../router';

type Status = 'open' | 'done';
type Reason = Followup['reason'];
const REASONS: Array<{ value: Reason | undefined; label: string }> = [
  { value: undefined, label: 'any reason' },
  { value: 'closed', label: 'outside hours' },
  { value: 'timeout', label: 'wait timed out' },
  { value: 'no_agent', label: 'nobody online' },
];
const REASON_LABEL: Record<Reason, string> = { closed: 'outside hours', timeout: 'wait timed out', no_agent: 'nobody online' };
const PAGE = 50;

/** tells the rail's badge to count again (app.tsx useFollowupCount) */
export const FOLLOWUPS_CHANGED = 'baton:followups-changed';

export function FollowupsPage() {
  const desk = useDesk();
  const now = useNow(30_000);
  const [status, setStatus] = useState<Status>('open');
  const [reason, setReason] = useState<Reason>();
  const [skill, setSkill] = useState('');
  const [mine, setMine] = useState(false);
  const query = { status, reason, skill: skill.trim() || undefined, assignee: mine ? 'me' : undefined, limit: PAGE };
  const list = useLoad(() => api.followups(query), [status, reason, skill, mine]);
  const colleagues = useLoad(() => (desk.isSupervisor ? api.colleagues() : Promise.resolve({ agents: [] })), [desk.isSupervisor]);

  const replace = (f: Followup) => {
    if (!list.data) return;
    // one that leaves this filter (done, or assigned away from "mine") leaves the list
    const stays = f.status === status && (!mine || f.assignee?.id === desk.me.id);
    list.setData({ ...list.data, followups: stays ? list.data.followups.map((x) => (x.id === f.id ? f : x)) : list.data.followups.filter((x) => x.id !== f.id) });
    window.dispatchEvent(new Event(FOLLOWUPS_CHANGED));
  };
  const more = async () => {
    if (!list.data?.nextCursor) return;
    try {
      const next = await api.followups({ ...query, cursor: list.data.nextCursor });
      list.setData({ followups: [...list.data.followups, ...next.followups], nextCursor: next.nextCursor });
    } catch (err) {
      desk.toast(errorText(err), 'error');
    }
  };

  return (
    <div className="page" data-testid="followups-page">
      <PageHeader
        title="Follow-ups"
        subtitle="Questions users left when nobody could take the chat. Your answer goes to their conversation, and by e-mail when the server sends mail."
        actions={
          <button type="button" className="btn ghost" onClick={() => void list.reload()}>
            <Icon name="refresh" size={16} /> Refresh
          </button>
        }
      />
      <div className="followup-filters">
        <div className="segmented" role="group" aria-label="Status">
          {(['open', 'done'] as const).map((s) => (
            <button key={s} type="button" className={status === s ? 'seg on' : 'seg'} aria-pressed={status === s} onClick={() => setStatus(s)} data-testid={`followups-${s}`}>
              {s}
            </button>
          ))}
        </div>
        <select aria-label="Reason" value={reason ?? ''} onChange={(e) => setReason((e.target.value || undefined) as Reason | undefined)} data-testid="followups-reason">
            {REASONS.map((r) => (
              <option key={r.label} value={r.value ?? ''}>
                {r.label}
              </option>
            ))}
        </select>
        <input type="search" aria-label="Skill" placeholder="skill" value={skill} onChange={(e) => setSkill(e.target.value)} data-testid="followups-skill" />
        <label className="check">
          <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} /> assigned to me
        </label>
      </div>
      <ErrorNote text={list.error} />
      <ul className="followup-list" data-testid="followup-list">
        {list.data?.followups.map((f) => (
          <FollowupItem key={f.id} f={f} now={now} colleagues={colleagues.data?.agents.map((c) => c.agent) ?? []} onChange={replace} />
        ))}
        {list.data && list.data.followups.length === 0 ? <li className="muted">No {status} follow-ups{reason ? ` (${REASON_LABEL[reason]})` : ''}.</li> : null}
      </ul>
      {list.data?.nextCursor ? (
        <button type="button" className="btn ghost" onClick={() => void more()} data-testid="followups-more">
          More
        </button>
      ) : null}
    </div>
  );
}

function FollowupItem(props: { f: Followup; now: number; colleagues: Array<{ id: string; name: string }>; onChange: (f: Followup) => void }) {
  const desk = useDesk();
  const { f } = props;
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const act = async (fn: () => Promise<{ followup: Followup; emailed?: boolean }>, done: string | ((emailed: boolean) => string)) => {
    setBusy(true);
    try {
      const r = await fn();
      desk.toast(typeof done === 'string' ? done : done(Boolean(r.emailed)), 'success');
      props.onChange(r.followup);
      return true;
    } catch (err) {
      desk.toast(errorText(err), 'error');
      return false;
    } finally {
      setBusy(false);
    }
  };
  const reply = async () => {
    const sent = await act(() => api.replyToFollowup(f.id, text.trim()), (emailed) => (emailed ? `Answer sent to the conversation and e-mailed to ${f.email}` : 'Answer sent to the conversation'));
    if (sent) setText('');
  };
  return (
    <li className="followup" data-testid="followup-item">
      <div className="followup-head">
        <span className="badge">{REASON_LABEL[f.reason]}</span>
        <span className="chip">{f.skill}</span>
        <span className="chip">{f.language}</span>
        <span className="muted small" title={f.createdAt}>
          {relativeTime(f.createdAt, props.now)}
        </span>
        <span className="followup-who">{f.email ?? 'no e-mail given'}</span>
        <a className="small" href={href('closed', f.conversationId)}>
          conversation
        </a>
      </div>
      {/* the user's words, rendered as text */}
      <p className="followup-question" data-testid="followup-question">
        {f.question}
      </p>
      <div className="followup-actions">
        <span className="muted small" data-testid="followup-assignee">
          {f.assignee ? `Assigned to ${f.assignee.name}` : 'Unassigned'}
        </span>
        {f.status === 'open' && f.assignee?.id !== desk.me.id ? (
          <button type="button" className="btn small ghost" disabled={busy} onClick={() => void act(() => api.assignFollowup(f.id), 'Assigned to you')} data-testid="followup-take">
            Assign to me
          </button>
        ) : null}
        {f.status === 'open' && desk.isSupervisor && props.colleagues.length ? (
          <select aria-label="Assign to" value="" disabled={busy} onChange={(e) => e.target.value && void act(() => api.assignFollowup(f.id, e.target.value), 'Assigned')}>
              <option value="">Assign to…</option>
              {props.colleagues.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
        ) : null}
        {f.status === 'open' ? (
          <button type="button" className="btn small" disabled={busy} onClick={() => void act(() => api.followupDone(f.id), 'Marked done')} data-testid="followup-done">
            <Icon name="check" size={14} /> Done
          </button>
        ) : (
          <span className="muted small">done {f.doneAt ? relativeTime(f.doneAt, props.now) : ''}</span>
        )}
      </div>
      {f.status === 'open' ? (
        <form
          className="followup-reply"
          onSubmit={(e) => {
            e.preventDefault();
            if (text.trim()) void reply();
          }}
        >
          <textarea aria-label="Answer" rows={2} maxLength={4000} placeholder="Write your answer…" value={text} onChange={(e) => setText(e.target.value)} data-testid="followup-reply-text" />
          <button type="submit" className="btn small primary" disabled={busy || !text.trim()} data-testid="followup-reply-send">
            <Icon name="send" size={14} /> Answer
          </button>
        </form>
      ) : null}
    </li>
  );
}
