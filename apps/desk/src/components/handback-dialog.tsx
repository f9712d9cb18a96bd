// Hand the user back to the bot at a chosen dialog, with variables set for it to use.
import { useEffect, useState } from 'react';
import { api, errorText, type AgentConversation, type HandbackTarget, type Variables } from '../api';
import { useDesk } from '../desk-context';
import { Icon } from './icons';
import { Modal } from './ui';

interface Row {
  key: string;
  value: string;
}

/** Variables as typed in the form: numbers and booleans stay numbers and booleans. */
export function rowsToVariables(rows: Row[]): Variables {
  const out: Variables = {};
  for (const r of rows) {
    const k = r.key.trim();
    if (!k) continue;
    const v = r.value.trim();
    out[k] = v === 'true' ? true : v === 'false' ? false : v !== '' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : r.value;
  }
  return out;
}

export function HandbackDialog(props: { c: AgentConversation; onClose: () => void; onDone: () => void }) {
  const desk = useDesk();
  // the bot's dialogs by label, without the system dialogs the runtime runs by itself
  const [dialogs, setDialogs] = useState<HandbackTarget[]>();
  const [dialog, setDialog] = useState('');
  const [rows, setRows] = useState<Row[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!props.c.botId) return setDialogs([]);
    api
      .dialogs(props.c.botId)
      .then((r) => setDialogs(r.targets))
      .catch(() => setDialogs([]));
  }, [props.c.botId]);

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const body: { dialog?: string; variables?: Variables } = {};
      if (dialog) body.dialog = dialog;
      const vars = rowsToVariables(rows);
      if (Object.keys(vars).length) body.variables = vars;
      await api.handBack(props.c.id, body);
      const label = dialogs?.find((d) => d.name === dialog)?.label ?? dialog;
      desk.toast(dialog ? `Handed back to the bot at “${label}”` : 'Handed back to the bot', 'success');
      props.onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Hand back to the bot"
      onClose={props.onClose}
      testId="handback-dialog"
      footer={
        <>
          <button type="button" className="btn ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" className="btn primary" disabled={busy} onClick={() => void submit()} data-testid="handback-submit">
            Hand back
          </button>
        </>
      }
    >
      <p className="muted small">The bot resumes the conversation. Pick where it continues and what it should know.</p>
      <label className="field">
        <span>Continue at dialog</span>
        {dialogs && dialogs.length ? (
          <select value={dialog} onChange={(e) => setDialog(e.target.value)} data-testid="handback-dialog-select">
            <option value="">— where the bot left off —</option>
            {dialogs.map((d) => (
              <option key={d.name} value={d.name}>
                {d.label}
              </option>
            ))}
          </select>
        ) : (
          <input value={dialog} onChange={(e) => setDialog(e.target.value)} placeholder={dialogs ? 'dialog name (optional)' : 'Loading dialogs…'} data-testid="handback-dialog-select" />
        )}
      </label>
      <div className="field">
        <span>Set variables</span>
        <div className="rows" data-testid="handback-variables">
          {rows.map((r, i) => (
            <div className="row-inline" key={i}>
              <input aria-label="Variable name" placeholder="name" value={r.key} onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))} data-testid="handback-var-key" />
              <input aria-label="Variable value" placeholder="value" value={r.value} onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} data-testid="handback-var-value" />
              <button type="button" className="icon-btn" aria-label="Remove variable" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                <Icon name="trash" size={16} />
              </button>
            </div>
          ))}
          <button type="button" className="btn ghost small" onClick={() => setRows([...rows, { key: '', value: '' }])} data-testid="handback-add-variable">
            <Icon name="plus" size={14} /> Add variable
          </button>
        </div>
      </div>
      {error ? (
        <p className="error-note" role="alert">
          {error}
        </p>
      ) : null}
    </Modal>
  );
}
