// Admin: agents with their role, skills, languages and capacity (create, edit, delete).
import { useState } from 'react';
import { api, errorText, type Agent, type AgentInput, type AgentRole } from '../api';
import { Icon } from '../components/icons';
import { Avatar, ErrorNote, Modal, PageHeader, Spinner, StatusDot, TagInput } from '../components/ui';
import { useDesk } from '../desk-context';
import { useLoad } from '../hooks';

const ROLES: AgentRole[] = ['agent', 'supervisor', 'admin'];
const LANGS = ['en', 'nl', 'fr', 'de', 'es'];

export function AgentsPage() {
  const desk = useDesk();
  const list = useLoad(() => api.agents().then((r) => r.agents), []);
  const [editing, setEditing] = useState<Agent | 'new' | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<Agent | null>(null);
  const allSkills = [...new Set((list.data ?? []).flatMap((a) => a.skills))].sort();

  const remove = async (a: Agent) => {
    try {
      await api.deleteAgent(a.id);
      desk.toast(`${a.name} removed`, 'success');
      setConfirmDelete(null);
      void list.reload();
    } catch (err) {
      desk.toast(errorText(err), 'error');
    }
  };

  return (
    <div className="page">
      <PageHeader
        title="Agents"
        subtitle="Who answers chats, with which skills and languages, and how many at once."
        actions={
          <button type="button" className="btn primary" onClick={() => setEditing('new')} data-testid="agent-new">
            <Icon name="plus" size={16} /> New agent
          </button>
        }
      />
      <ErrorNote text={list.error} />
      {list.loading && !list.data ? <Spinner /> : null}
      <div className="table-wrap">
        <table className="table" data-testid="agents-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Skills</th>
              <th>Languages</th>
              <th className="num">Max chats</th>
              <th>Status</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {list.data?.map((a) => (
              <tr key={a.id} data-testid="agent-row">
                <td>
                  <div className="cell-person">
                    <Avatar name={a.name} kind="agent" size="sm" />
                    <div>
                      <div>{a.name}</div>
                      <div className="muted small">{a.email}</div>
                    </div>
                  </div>
                </td>
                <td>
                  <span className={`badge role-${a.role}`}>{a.role}</span>
                </td>
                <td>
                  <div className="tags">
                    {a.skills.map((s) => (
                      <span key={s} className="badge badge-skill">
                        {s}
                      </span>
                    ))}
                  </div>
                </td>
                <td>{a.languages.map((l) => l.toUpperCase()).join(', ') || <span className="muted">any</span>}</td>
                <td className="num">{a.maxConcurrent}</td>
                <td>
                  <span className="status-cell">
                    <StatusDot status={a.status} /> {a.status}
                  </span>
                </td>
                <td className="actions">
                  <button type="button" className="btn small ghost" onClick={() => setEditing(a)} data-testid="agent-edit">
                    Edit
                  </button>
                  {a.id !== desk.me.id ? (
                    <button type="button" className="icon-btn" aria-label={`Delete ${a.name}`} onClick={() => setConfirmDelete(a)}>
                      <Icon name="trash" size={16} />
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editing ? (
        <AgentForm
          agent={editing === 'new' ? undefined : editing}
          skills={allSkills}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void list.reload();
          }}
        />
      ) : null}
      {confirmDelete ? (
        <Modal
          title={`Delete ${confirmDelete.name}?`}
          onClose={() => setConfirmDelete(null)}
          footer={
            <>
              <button type="button" className="btn ghost" onClick={() => setConfirmDelete(null)}>
                Cancel
              </button>
              <button type="button" className="btn danger" onClick={() => void remove(confirmDelete)}>
                Delete
              </button>
            </>
          }
        >
          <p className="muted">They can no longer sign in. Their past conversations stay in the history.</p>
        </Modal>
      ) : null}
    </div>
  );
}

function AgentForm(props: { agent?: Agent; skills: string[]; onClose: () => void; onSaved: () => void }) {
  const desk = useDesk();
  const a = props.agent;
  const [v, setV] = useState<AgentInput>({
    email: a?.email ?? '',
    name: a?.name ?? '',
    password: '',
    role: a?.role ?? 'agent',
    skills: a?.skills ?? ['general'],
    languages: a?.languages ?? ['en'],
    maxConcurrent: a?.maxConcurrent ?? 3,
  });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<AgentInput>) => setV((x) => ({ ...x, ...patch }));
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const body: Partial<AgentInput> = { ...v };
      if (!body.password) delete body.password;
      if (a) await api.updateAgent(a.id, body);
      else await api.createAgent(v);
      desk.toast(a ? 'Agent saved' : `${v.name} can now sign in`, 'success');
      props.onSaved();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const valid = v.email.includes('@') && v.name.trim() && (a || (v.password ?? '').length >= 8) && v.maxConcurrent >= 1;
  return (
    <Modal
      title={a ? `Edit ${a.name}` : 'New agent'}
      onClose={props.onClose}
      testId="agent-form"
      footer={
        <>
          <button type="button" className="btn ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" className="btn primary" onClick={() => void save()} disabled={!valid || busy} data-testid="agent-save">
            {a ? 'Save' : 'Create agent'}
          </button>
        </>
      }
    >
      <div className="form-grid two">
        <label className="field">
          <span>Name</span>
          <input value={v.name} onChange={(e) => set({ name: e.target.value })} data-testid="agent-name" />
        </label>
        <label className="field">
          <span>Email</span>
          <input type="email" value={v.email} onChange={(e) => set({ email: e.target.value })} data-testid="agent-email" />
        </label>
        <label className="field">
          <span>{a ? 'New password (optional)' : 'Password'}</span>
          <input type="password" autoComplete="new-password" value={v.password} onChange={(e) => set({ password: e.target.value })} placeholder="at least 8 characters" data-testid="agent-password" />
        </label>
        <label className="field">
          <span>Role</span>
          <select value={v.role} onChange={(e) => set({ role: e.target.value as AgentRole })} data-testid="agent-role">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <div className="field span2">
          <span>Skills</span>
          <TagInput id="agent-skills" value={v.skills} onChange={(skills) => set({ skills })} suggestions={props.skills} placeholder="general, billing…" testId="agent-skills" />
        </div>
        <div className="field">
          <span>Languages</span>
          <TagInput id="agent-langs" value={v.languages} onChange={(languages) => set({ languages })} suggestions={LANGS} placeholder="en, nl…" testId="agent-languages" />
        </div>
        <label className="field">
          <span>Max concurrent chats</span>
          <input type="number" min={1} max={50} value={v.maxConcurrent} onChange={(e) => set({ maxConcurrent: Number(e.target.value) })} data-testid="agent-max" />
        </label>
      </div>
      <ErrorNote text={error} />
    </Modal>
  );
}
