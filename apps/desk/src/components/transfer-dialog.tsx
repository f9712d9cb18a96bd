// Transfer a chat to a colleague (online, with free capacity) or back into the queue for a skill.
import { useEffect, useMemo, useState } from 'react';
import { api, errorText, type AgentConversation, type Colleague } from '../api';
import { useDesk } from '../desk-context';
import { Modal, StatusDot } from './ui';

export function TransferDialog(props: { c: AgentConversation; onClose: () => void; onDone: () => void }) {
  const desk = useDesk();
  const [mode, setMode] = useState<'agent' | 'skill'>('agent');
  const [loads, setLoads] = useState<Colleague[] | undefined>();
  const [agentsError, setAgentsError] = useState<string>();
  const [agentId, setAgentId] = useState('');
  const [skill, setSkill] = useState(props.c.skill ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    // every role may list colleagues (status, skills, load) for a transfer; presence changes refresh it
    const load = () =>
      api
        .colleagues()
        .then((r) => setLoads(r.agents))
        .catch((err) => {
          setAgentsError(errorText(err));
          setMode('skill');
        });
    void load();
    return desk.socket.on((e) => {
      if (e.type === 'agent.status') void load();
    });
  }, [desk.socket]);

  const candidates = useMemo(() => (loads ?? []).filter((l) => l.agent.id !== props.c.assignee?.id), [loads, props.c.assignee?.id]);
  const skills = useMemo(() => [...new Set((loads ?? []).flatMap((l) => l.agent.skills).concat(props.c.skill ? [props.c.skill] : []))].sort(), [loads, props.c.skill]);

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.transfer(props.c.id, mode === 'agent' ? { agentId } : { skill: skill.trim() });
      desk.toast(mode === 'agent' ? `Transferred to ${candidates.find((l) => l.agent.id === agentId)?.agent.name ?? 'the agent'}` : `Back in the queue for “${skill.trim()}”`, 'success');
      props.onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const ok = mode === 'agent' ? Boolean(agentId) : /^[a-z0-9_.-]+$/i.test(skill.trim());

  return (
    <Modal
      title="Transfer conversation"
      onClose={props.onClose}
      testId="transfer-dialog"
      footer={
        <>
          <button type="button" className="btn ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" className="btn primary" disabled={!ok || busy} onClick={() => void submit()} data-testid="transfer-submit">
            Transfer
          </button>
        </>
      }
    >
      <div className="segmented wide-seg" role="tablist" aria-label="Transfer to">
        <button type="button" role="tab" aria-selected={mode === 'agent'} className={mode === 'agent' ? 'seg on' : 'seg'} onClick={() => setMode('agent')} disabled={Boolean(agentsError)} data-testid="transfer-mode-agent">
          To an agent
        </button>
        <button type="button" role="tab" aria-selected={mode === 'skill'} className={mode === 'skill' ? 'seg on' : 'seg'} onClick={() => setMode('skill')} data-testid="transfer-mode-skill">
          To a skill
        </button>
      </div>
      {agentsError ? <p className="muted small">{agentsError}</p> : null}
      {mode === 'agent' ? (
        <ul className="pick-list" aria-label="Agents" data-testid="transfer-agents">
          {loads === undefined ? <li className="muted">Loading…</li> : null}
          {candidates.map((l) => {
            const full = l.activeChats >= l.agent.maxConcurrent;
            const off = l.agent.status === 'offline';
            return (
              <li key={l.agent.id}>
                <label className={agentId === l.agent.id ? 'pick on' : 'pick'}>
                  <input type="radio" name="transfer-agent" value={l.agent.id} checked={agentId === l.agent.id} onChange={() => setAgentId(l.agent.id)} disabled={off} />
                  <StatusDot status={l.agent.status} />
                  <span className="pick-name">{l.agent.name}</span>
                  <span className="muted small">{l.agent.skills.join(', ') || 'no skills'}</span>
                  {/* say why the row cannot be picked, rather than only greying it */}
                  {off ? <span className="pick-why small" data-testid="transfer-offline">offline: can't take chats</span> : null}
                  <span className={full ? 'load full' : 'load'}>
                    {l.activeChats}/{l.agent.maxConcurrent}
                  </span>
                </label>
              </li>
            );
          })}
          {loads && candidates.length === 0 ? <li className="muted">No other agents.</li> : null}
        </ul>
      ) : (
        <label className="field">
          <span>Skill</span>
          <input list="transfer-skills" value={skill} onChange={(e) => setSkill(e.target.value)} placeholder="e.g. billing" data-testid="transfer-skill" />
          <datalist id="transfer-skills">
            {skills.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
          <small className="muted">The chat goes back to the queue and is routed to agents with this skill.</small>
        </label>
      )}
      {error ? (
        <p className="error-note" role="alert">
          {error}
        </p>
      ) : null}
    </Modal>
  );
}
