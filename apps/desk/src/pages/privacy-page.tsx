// Admin: Data & privacy — retention periods, a contact's export and erasure (GDPR), and the audit log
// of who did which.
import { useEffect, useState } from 'react';
import { api, errorText, type AuditEntry, type RetentionSettings } from '../api';
import { Icon } from '../components/icons';
import { ErrorNote, Modal, PageHeader } from '../components/ui';
import { useDesk } from '../desk-context';
import { relativeTime } from '../format';
import { useLoad, useNow } from '../hooks';

type Period = keyof RetentionSettings;

const PERIODS: { key: Period; label: string; unit: string; help: string }[] = [
  { key: 'idleCloseHours', unit: 'hours', label: 'Close idle bot conversations after', help: 'A conversation still with the bot and quiet this long is closed; the user sees a line saying so and may simply write again.' },
  { key: 'closedAfterDays', unit: 'days', label: 'Close any open conversation after', help: 'Also conversations left waiting for an agent or with an agent: closed after this long without activity (the provider is told).' },
  { key: 'anonymizeAfterDays', unit: 'days', label: 'Anonymize closed conversations after', help: 'What was said, the user\u2019s name, e-mail and variables are replaced; message counts, times, skills and agents stay for analytics.' },
  { key: 'deleteAfterDays', unit: 'days', label: 'Delete closed conversations after', help: 'The conversation, its messages, events and deliveries are deleted for good. Must be later than anonymizing.' },
];

export function PrivacyPage() {
  // each save or erasure adds an audit entry: the list reloads after them
  const [changes, setChanges] = useState(0);
  const changed = () => setChanges((n) => n + 1);
  return (
    <div className="page privacy-page" data-testid="privacy-page">
      <PageHeader title="Data & privacy" subtitle="How long conversations are kept, a contact's export and erasure, and the audit log." />
      <RetentionForm onSaved={changed} />
      <ContactTools onErased={changed} />
      <AuditList changes={changes} />
    </div>
  );
}

function RetentionForm(props: { onSaved: () => void }) {
  const desk = useDesk();
  const loaded = useLoad(() => api.retentionSettings(), []);
  const [draft, setDraft] = useState<Record<Period, string>>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (loaded.data) setDraft(Object.fromEntries(PERIODS.map((p) => [p.key, loaded.data![p.key] === null ? '' : String(loaded.data![p.key])])) as Record<Period, string>);
  }, [loaded.data]);
  const save = async () => {
    if (!draft) return;
    try {
      const body = Object.fromEntries(PERIODS.map((p) => [p.key, draft[p.key].trim() === '' ? null : Number(draft[p.key])])) as RetentionSettings;
      await api.saveRetentionSettings(body);
      setError(undefined);
      desk.toast('Retention settings saved', 'success');
      props.onSaved();
      void loaded.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section className="card-section" data-testid="retention-form">
      <h2>Retention</h2>
      <p className="muted small">Leave a field empty to keep conversations for ever. Periods count from a conversation&apos;s last activity; changes apply at the next run (every minute).</p>
      <ErrorNote text={loaded.error} />
      {draft ? (
        <div className="form-grid two">
          {PERIODS.map((p) => (
            <label className="field" key={p.key}>
              <span>
                {p.label} ({p.unit})
              </span>
              <input type="number" min={p.key === 'idleCloseHours' ? 0 : 1} step={1} value={draft[p.key]} data-testid={`retention-${p.key}`} onChange={(e) => setDraft({ ...draft, [p.key]: e.target.value })} placeholder="never" />
              <span className="muted small">{p.help}</span>
            </label>
          ))}
        </div>
      ) : null}
      <ErrorNote text={error} />
      <button type="button" className="btn primary" onClick={() => void save()} disabled={!draft} data-testid="retention-save">
        Save retention
      </button>
    </section>
  );
}

function ContactTools(props: { onErased: () => void }) {
  const desk = useDesk();
  const [userId, setUserId] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const id = userId.trim();
  const erase = async () => {
    try {
      const r = await api.eraseContact(id);
      setConfirming(false);
      setError(undefined);
      setUserId('');
      desk.toast(`Erased ${r.erased.conversations} conversations and ${r.erased.messages} messages`, 'success');
      props.onErased();
    } catch (err) {
      setConfirming(false);
      setError(errorText(err));
    }
  };
  return (
    <section className="card-section" data-testid="contact-tools">
      <h2>A contact&apos;s data</h2>
      <p className="muted small">The user id is what a conversation&apos;s details show for the user (the site&apos;s or channel&apos;s id, else Baton&apos;s own). Both actions are recorded in the audit log.</p>
      <div className="form-grid two">
        <label className="field">
          <span>User id</span>
          <input value={userId} onChange={(e) => setUserId(e.target.value)} data-testid="contact-user-id" placeholder="e.g. customer-4711" />
        </label>
      </div>
      <ErrorNote text={error} />
      <div className="row-actions">
        <a className={id ? 'btn ghost' : 'btn ghost disabled'} aria-disabled={!id} href={id ? api.contactExportUrl(id) : undefined} download={id ? 'contact-export.json' : undefined} data-testid="contact-export">
          Export as JSON
        </a>
        <button type="button" className="btn danger" disabled={!id} onClick={() => setConfirming(true)} data-testid="contact-erase">
          <Icon name="trash" size={16} /> Erase…
        </button>
      </div>
      {confirming ? (
        <Modal
          title="Erase this contact?"
          onClose={() => setConfirming(false)}
          footer={
            <>
              <button type="button" className="btn ghost" onClick={() => setConfirming(false)}>
                Cancel
              </button>
              <button type="button" className="btn danger" onClick={() => void erase()} data-testid="contact-erase-confirm">
                Erase for good
              </button>
            </>
          }
        >
          <p>
            Every conversation, message, variable and delivery of <span className="mono">{id}</span> is deleted, and the contact with it. This cannot be undone. Conversations waiting for or with an agent must be closed first.
          </p>
        </Modal>
      ) : null}
    </section>
  );
}

function AuditList(props: { changes: number }) {
  const now = useNow(30_000);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const load = async (cursor?: string) => {
    try {
      const page = await api.audit(cursor);
      setEntries((e) => (cursor ? [...e, ...page.entries] : page.entries));
      setNext(page.nextCursor);
      setError(undefined);
    } catch (err) {
      setError(errorText(err));
    }
  };
  useEffect(() => {
    void load();
  }, [props.changes]);
  return (
    <section className="card-section" data-testid="audit-list">
      <div className="section-head">
        <h2>Audit log</h2>
        <button type="button" className="btn small ghost" onClick={() => void load()}>
          <Icon name="refresh" size={14} /> Refresh
        </button>
      </div>
      <ErrorNote text={error} />
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Action</th>
              <th>Target</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-testid="audit-row">
                <td title={e.createdAt}>{relativeTime(e.createdAt, now)}</td>
                <td>{e.agent.name}</td>
                <td className="mono">{e.action}</td>
                <td className="mono clip">{e.target ?? ''}</td>
                <td className="mono clip">{JSON.stringify(e.detail)}</td>
              </tr>
            ))}
            {entries.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  Nothing recorded yet.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {next ? (
        <button type="button" className="btn ghost" onClick={() => void load(next)}>
          Older entries
        </button>
      ) : null}
    </section>
  );
}
