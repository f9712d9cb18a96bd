// Supervisors: everyone's load, the whole queue and every live chat; open any of them to watch,
// take over (accept) or reassign (transfer).
import { useEffect, useState } from 'react';
import { api, errorText, type SupervisorOverview } from '../api';
import { ConversationList } from '../components/conversation-list';
import { ConversationView } from '../components/conversation-view';
import { Empty, ErrorNote, StatusDot } from '../components/ui';
import { useDesk } from '../desk-context';
import { useNow } from '../hooks';
import { href } from '../router';

export function SupervisorPage(props: { openId?: string }) {
  const desk = useDesk();
  const now = useNow(1000);
  const [data, setData] = useState<SupervisorOverview>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      api
        .overview()
        .then((d) => {
          setData(d);
          setError(undefined);
        })
        .catch((err) => setError(errorText(err)));
    void load();
    const off = desk.socket.on((e) => {
      if (e.type === 'queue.updated' || e.type === 'conversation.updated' || e.type === 'agent.status') {
        clearTimeout(pending);
        pending = setTimeout(load, 300);
      }
    });
    // presence and load arrive as socket events; a slow poll covers a missed reconnect
    const poll = setInterval(load, 60_000);
    return () => {
      off();
      clearTimeout(pending);
      clearInterval(poll);
    };
  }, [desk.socket]);

  const online = data?.agents.filter((a) => a.agent.status === 'online').length ?? 0;
  return (
    <div className={props.openId ? 'inbox supervisor has-open' : 'inbox supervisor'}>
      <section className="list-pane wide-list" aria-label="Overview" data-testid="supervisor-overview">
        <div className="list-head">
          <h1 className="pane-title">Supervise</h1>
          <div className="stat-row">
            <div className="mini-stat">
              <strong data-testid="sup-queue-count">{data?.totals.queue ?? '–'}</strong>
              <span>waiting</span>
            </div>
            <div className="mini-stat">
              <strong>{data?.totals.live ?? '–'}</strong>
              <span>live</span>
            </div>
            <div className="mini-stat">
              <strong>{data ? `${online}/${data.agents.length}` : '–'}</strong>
              <span>agents online</span>
            </div>
          </div>
          <ErrorNote text={error} />
        </div>
        <div className="list-scroll" tabIndex={0} role="region" aria-label="Agent load and queue">
          <h2 className="section-title">Agent load</h2>
          <ul className="load-list" data-testid="agent-load">
            {data?.agents.map((a) => {
              const pct = Math.min(100, Math.round((a.activeChats / Math.max(1, a.agent.maxConcurrent)) * 100));
              return (
                <li key={a.agent.id} className="load-row">
                  <StatusDot status={a.agent.status} />
                  <span className="load-name">{a.agent.name}</span>
                  <span className="load-bar" aria-hidden="true">
                    <span style={{ width: `${pct}%` }} className={pct >= 100 ? 'full' : undefined} />
                  </span>
                  <span className="load-num">
                    {a.activeChats}/{a.agent.maxConcurrent}
                  </span>
                </li>
              );
            })}
          </ul>
          <h2 className="section-title">Queue</h2>
          {data && data.queue.length === 0 ? <p className="muted small pad">No one is waiting.</p> : null}
          {data ? <ConversationList kind="queue" items={data.queue} openId={props.openId} now={now} routeBase={['supervisor']} /> : null}
          <h2 className="section-title">Live chats</h2>
          {data && data.live.length === 0 ? <p className="muted small pad">No live chats.</p> : null}
          {data ? <ConversationList kind="mine" showAssignee items={data.live} openId={props.openId} now={now} routeBase={['supervisor']} /> : null}
        </div>
      </section>
      {props.openId ? (
        <ConversationView key={props.openId} id={props.openId} backHref={href('supervisor')} />
      ) : (
        <section className="conversation placeholder">
          <Empty icon="eye" title="Open a chat to watch it">
            <span className="muted">Take over a live chat, reassign it, or route a waiting one.</span>
          </Empty>
        </section>
      )}
    </div>
  );
}
