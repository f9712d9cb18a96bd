// Canned responses: what "/" offers in the composer (supervisors and admins edit them).
import { useState } from 'react';
import { api, errorText, type CannedResponse } from '../api';
import { Icon } from '../components/icons';
import { ErrorNote, Modal, PageHeader } from '../components/ui';
import { useDesk } from '../desk-context';

export function CannedPage() {
  const desk = useDesk();
  const [editing, setEditing] = useState<CannedResponse | 'new' | null>(null);
  const remove = async (c: CannedResponse) => {
    try {
      await api.deleteCanned(c.id);
      await desk.reloadCanned();
    } catch (err) {
      desk.toast(errorText(err), 'error');
    }
  };
  return (
    <div className="page">
      <PageHeader
        title="Canned responses"
        subtitle='Type "/" and the shortcut in the composer to insert one.'
        actions={
          <button type="button" className="btn primary" onClick={() => setEditing('new')}>
            <Icon name="plus" size={16} /> New response
          </button>
        }
      />
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th>Shortcut</th>
              <th>Title</th>
              <th>Text</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {desk.canned.map((c) => (
              <tr key={c.id}>
                <td className="mono">/{c.shortcut.replace(/^\//, '')}</td>
                <td>{c.title}</td>
                <td className="clip">{c.text}</td>
                <td className="actions">
                  <button type="button" className="btn small ghost" onClick={() => setEditing(c)}>
                    Edit
                  </button>
                  <button type="button" className="icon-btn" aria-label={`Delete ${c.title}`} onClick={() => void remove(c)}>
                    <Icon name="trash" size={16} />
                  </button>
                </td>
              </tr>
            ))}
            {desk.canned.length === 0 ? (
              <tr>
                <td colSpan={4} className="muted">
                  No canned responses yet.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {editing ? <CannedForm c={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}

function CannedForm(props: { c?: CannedResponse; onClose: () => void }) {
  const desk = useDesk();
  const [shortcut, setShortcut] = useState(props.c?.shortcut ?? '');
  const [title, setTitle] = useState(props.c?.title ?? '');
  const [text, setText] = useState(props.c?.text ?? '');
  const [error, setError] = useState<string>();
  const save = async () => {
    try {
      const body = { shortcut: shortcut.trim().replace(/^\//, ''), title: title.trim(), text };
      if (props.c) await api.updateCanned(props.c.id, body);
      else await api.createCanned(body);
      await desk.reloadCanned();
      props.onClose();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <Modal
      title={props.c ? 'Edit canned response' : 'New canned response'}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" className="btn ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" className="btn primary" onClick={() => void save()} disabled={!shortcut.trim() || !title.trim() || !text.trim()}>
            Save
          </button>
        </>
      }
    >
      <div className="form-grid two">
        <label className="field">
          <span>Shortcut</span>
          <input value={shortcut} onChange={(e) => setShortcut(e.target.value)} placeholder="hello" />
        </label>
        <label className="field">
          <span>Title</span>
          <input value={title} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label className="field span2">
          <span>Text</span>
          <textarea rows={4} value={text} onChange={(e) => setText(e.target.value)} />
        </label>
      </div>
      <ErrorNote text={error} />
    </Modal>
  );
}
