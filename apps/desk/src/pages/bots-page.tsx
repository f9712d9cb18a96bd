// Admin: bot definitions. Paste or upload YAML/JSON, validate, save; problems are listed with the
// path of each one, and clicking a problem jumps to its line when the path can be found.
import { useEffect, useRef, useState } from 'react';
import { api, ApiError, errorText, problemsOf, type BotProblem } from '../api';
import { Icon } from '../components/icons';
import { ErrorNote, PageHeader } from '../components/ui';
import { useDesk } from '../desk-context';
import { relativeTime } from '../format';
import { useLoad, useNow } from '../hooks';

export function BotsPage() {
  const desk = useDesk();
  const now = useNow(30_000);
  const bots = useLoad(() => api.bots().then((r) => r.bots), []);
  const [id, setId] = useState<string>();
  const [source, setSource] = useState('');
  const [original, setOriginal] = useState('');
  const [problems, setProblems] = useState<BotProblem[] | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const [busy, setBusy] = useState(false);
  const [newId, setNewId] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);
  const file = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!id && bots.data?.[0]) setId(bots.data[0].id);
  }, [bots.data, id]);
  useEffect(() => {
    if (!id || !bots.data?.some((b) => b.id === id)) return;
    setProblems(null);
    setMessage(undefined);
    api
      .bot(id)
      .then((r) => {
        setSource(r.bot.source);
        setOriginal(r.bot.source);
      })
      .catch((err) => setMessage({ kind: 'error', text: errorText(err) }));
  }, [id, bots.data]);

  const run = async (what: 'validate' | 'save') => {
    if (!id) return;
    setBusy(true);
    setMessage(undefined);
    setProblems(null);
    try {
      if (what === 'validate') {
        await api.validateBot(source);
        setProblems([]);
        setMessage({ kind: 'ok', text: 'The definition is valid.' });
      } else {
        const r = await api.saveBot(id, source);
        setOriginal(source);
        setProblems([]);
        setMessage({ kind: 'ok', text: `Saved as version ${r.bot.version}. New conversations use it right away.` });
        desk.toast(`Bot ${id} saved`, 'success');
        void bots.reload();
      }
    } catch (err) {
      const p = problemsOf(err);
      setProblems(p);
      setMessage({ kind: 'error', text: err instanceof ApiError && err.code === 'BOT_INVALID' ? `${p.length} problem${p.length === 1 ? '' : 's'} — nothing was saved.` : errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  const jumpTo = (path: string) => {
    const el = area.current;
    if (!el) return;
    // find the deepest key of the path that appears in the text, as "key:" (YAML) or "key" (JSON)
    const keys = path.split('.').filter((k) => !/^\d+$/.test(k));
    let at = 0;
    for (const k of keys) {
      const re = new RegExp(`(^|\\n)\\s*-?\\s*"?${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?\\s*:`, 'g');
      re.lastIndex = at;
      const m = re.exec(source);
      if (m) at = m.index + m[0].length;
    }
    el.focus();
    el.setSelectionRange(at, at);
    const line = source.slice(0, at).split('\n').length;
    el.scrollTop = Math.max(0, (line - 5) * 20);
  };

  const onFile = async (f: File | undefined) => {
    if (!f) return;
    setSource(await f.text());
    setProblems(null);
    setMessage({ kind: 'ok', text: `Loaded ${f.name} — validate or save it.` });
  };

  return (
    <div className="page bots-page" data-testid="bots-page">
      <PageHeader title="Bots" subtitle="Bot definitions (YAML or JSON). Saving a valid definition replaces the running bot." />
      <ErrorNote text={bots.error} />
      <div className="bots-layout">
        <aside className="bots-list">
          <ul>
            {bots.data?.map((b) => (
              <li key={b.id}>
                <button type="button" className={b.id === id ? 'bot-item on' : 'bot-item'} onClick={() => setId(b.id)}>
                  <Icon name="bot" />
                  <span>
                    <strong>{b.name || b.id}</strong>
                    <small className="muted block">
                      {b.id} · v{b.version} · {relativeTime(b.updatedAt, now)}
                    </small>
                  </span>
                </button>
              </li>
            ))}
          </ul>
          <form
            className="new-bot"
            onSubmit={(e) => {
              e.preventDefault();
              const nid = newId.trim();
              if (!/^[a-z0-9_-]+$/i.test(nid)) return;
              setId(nid);
              setSource(original || '');
              setNewId('');
              setMessage({ kind: 'ok', text: `New bot “${nid}”: paste or upload its definition, then save.` });
            }}
          >
            <input placeholder="new-bot-id" value={newId} onChange={(e) => setNewId(e.target.value)} aria-label="New bot id" />
            <button type="submit" className="btn small" disabled={!/^[a-z0-9_-]+$/i.test(newId.trim())}>
              New
            </button>
          </form>
        </aside>
        <section className="bot-editor">
          <div className="editor-bar">
            <strong className="mono">{id ?? '—'}</strong>
            {source !== original ? <span className="badge subtle">edited</span> : null}
            <span className="grow" />
            <input ref={file} type="file" accept=".yaml,.yml,.json,application/json,text/yaml" hidden onChange={(e) => void onFile(e.target.files?.[0])} data-testid="bot-file" />
            <button type="button" className="btn ghost small" onClick={() => file.current?.click()}>
              <Icon name="upload" size={14} /> Upload file
            </button>
            <button type="button" className="btn small" onClick={() => void run('validate')} disabled={busy || !source.trim()} data-testid="bot-validate">
              Validate
            </button>
            <button type="button" className="btn primary small" onClick={() => void run('save')} disabled={busy || !source.trim() || !id} data-testid="bot-save">
              Save
            </button>
          </div>
          <textarea
            ref={area}
            className="code"
            spellCheck={false}
            value={source}
            onChange={(e) => setSource(e.target.value)}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              void onFile(e.dataTransfer.files[0]);
            }}
            aria-label="Bot definition"
            data-testid="bot-source"
          />
          {message ? (
            <div className={message.kind === 'ok' ? 'result ok' : 'result bad'} role={message.kind === 'ok' ? 'status' : 'alert'} data-testid="bot-result">
              {message.text}
            </div>
          ) : null}
          {problems && problems.length ? (
            <ul className="problems" data-testid="bot-problems">
              {problems.map((p, i) => (
                <li key={i} data-testid="bot-problem">
                  <button type="button" className="link mono" onClick={() => jumpTo(p.path)} title="Jump to this place">
                    {p.path || '(root)'}
                  </button>
                  <span>{p.message}</span>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      </div>
    </div>
  );
}
