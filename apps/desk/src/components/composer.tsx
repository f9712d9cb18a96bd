// Writing to the user (or an internal note): Enter sends, Shift+Enter breaks the line, "/" opens canned
// responses, and typing is announced on the socket (throttled, switched off when idle or on send).
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { api, errorText, type Button, type Card } from '../api';
import { filterCanned, insertCanned, slashQuery } from '../canned';
import { useDesk } from '../desk-context';
import { AttachButton, FileTray, useComposerFiles } from './attachments';
import { ButtonRows, CardBuilder, cleanButtons } from './card-builder';
import { Icon } from './icons';

const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 4000;

export function Composer(props: { conversationId: string; canReply: boolean; onSent?: () => void }) {
  const desk = useDesk();
  const [text, setText] = useState('');
  const [internal, setInternal] = useState(!props.canReply);
  const [buttons, setButtons] = useState<Button[]>([]);
  const [showButtons, setShowButtons] = useState(false);
  const [cards, setCards] = useState<Card[]>([]);
  const [cardOpen, setCardOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [caret, setCaret] = useState(0);
  const [pick, setPick] = useState(0);
  const [cannedClosed, setCannedClosed] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const typingSentAt = useRef(0);
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const noteOnly = !props.canReply;
  const asNote = internal || noteOnly;
  // only the agent who owns the chat uploads to it (the server's rule too)
  const files = useComposerFiles(props.conversationId);

  const typing = (on: boolean) => {
    if (noteOnly) return;
    desk.socket.send({ type: 'typing', on, conversationId: props.conversationId });
  };
  const stopTyping = () => {
    clearTimeout(idle.current);
    if (typingSentAt.current) {
      typingSentAt.current = 0;
      typing(false);
    }
  };
  // leaving the conversation ends "typing…" on the user's side
  useEffect(() => () => stopTyping(), [props.conversationId]);
  useEffect(() => {
    setInternal(!props.canReply);
  }, [props.canReply]);

  const slash = cannedClosed ? null : slashQuery(text, caret);
  const suggestions = slash ? filterCanned(desk.canned, slash.query) : [];
  const menuOpen = suggestions.length > 0;

  const onChange = (v: string, pos: number) => {
    setText(v);
    setCaret(pos);
    setPick(0);
    setCannedClosed(false);
    setError(undefined);
    if (asNote) return;
    const now = Date.now();
    if (v && now - typingSentAt.current > TYPING_REPEAT_MS) {
      typingSentAt.current = now;
      typing(true);
    }
    clearTimeout(idle.current);
    idle.current = setTimeout(stopTyping, TYPING_IDLE_MS);
    if (!v) stopTyping();
  };

  const choose = (i: number) => {
    const c = suggestions[i];
    if (!c || !slash) return;
    const r = insertCanned(text, slash.start, caret, c.text);
    setText(r.text);
    setCaret(r.caret);
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(r.caret, r.caret);
    });
  };

  const cleanB = cleanButtons(buttons);
  const canSend = !busy && !files.busy && (text.trim().length > 0 || files.ready.length > 0 || (!asNote && (cleanB.length > 0 || cards.length > 0)));

  const send = async () => {
    if (!canSend) return;
    setBusy(true);
    setError(undefined);
    try {
      const body: Parameters<typeof api.send>[1] = {};
      if (text.trim()) body.text = text.trim();
      if (files.ready.length) body.attachments = files.ready.map((a) => a.id);
      if (asNote) body.internal = true;
      else {
        if (cleanB.length) body.buttons = cleanB;
        if (cards.length) body.cards = cards;
      }
      await api.send(props.conversationId, body);
      stopTyping();
      setText('');
      setCaret(0);
      files.clear();
      if (!asNote) {
        setButtons([]);
        setCards([]);
        setShowButtons(false);
      }
      props.onSent?.();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
      area.current?.focus();
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (menuOpen) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setPick((p) => (p + (e.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
        return;
      }
      if ((e.key === 'Enter' && !e.shiftKey && !e.ctrlKey && !e.metaKey) || e.key === 'Tab') {
        e.preventDefault();
        choose(pick);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setCannedClosed(true);
        return;
      }
    }
    if (e.key === 'i' && (e.ctrlKey || e.metaKey) && !noteOnly) {
      e.preventDefault();
      setInternal((v) => !v);
      return;
    }
    if (e.key === 'Escape') {
      area.current?.blur();
      return;
    }
    // Ctrl/Cmd+Enter belongs to "accept" (handled by the page), so only a plain Enter sends
    if (e.key === 'Enter' && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  return (
    <div className={asNote ? 'composer note' : 'composer'} data-testid="composer" {...(noteOnly ? {} : files.handlers)}>
      {menuOpen ? (
        <ul className="canned-menu" role="listbox" aria-label="Canned responses" data-testid="canned-menu">
          {suggestions.map((c, i) => (
            <li
              key={c.id}
              role="option"
              aria-selected={i === pick}
              className={i === pick ? 'on' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(i);
              }}
              onMouseEnter={() => setPick(i)}
              data-testid="canned-option"
            >
              <span className="canned-shortcut">/{c.shortcut.replace(/^\//, '')}</span>
              <span className="canned-title">{c.title}</span>
              <span className="canned-text">{c.text}</span>
            </li>
          ))}
        </ul>
      ) : slash ? (
        // "/" that finds nothing says so: an agent on a fresh install would otherwise think the shortcut is broken
        <div className="canned-menu canned-empty" role="status" data-testid="canned-empty">
          {desk.canned.length ? `No canned response matches "/${slash.query}".` : 'No canned responses yet: supervisors add them under Canned.'}
        </div>
      ) : null}
      {!asNote && (cards.length > 0 || (showButtons && buttons.length > 0) || showButtons) ? (
        <div className="composer-extras">
          {cards.map((c, i) => (
            <span key={i} className="chip chip-card">
              <Icon name="card" size={14} /> {c.title}
              <button type="button" aria-label={`Remove card ${c.title}`} onClick={() => setCards(cards.filter((_, j) => j !== i))}>
                ×
              </button>
            </span>
          ))}
          {showButtons ? <ButtonRows value={buttons} onChange={setButtons} testId="composer-buttons" /> : null}
        </div>
      ) : null}
      <textarea
        ref={area}
        className="composer-input"
        rows={3}
        value={text}
        placeholder={noteOnly ? 'Add an internal note for other agents (the user never sees it)…' : asNote ? 'Internal note — only agents see this' : 'Reply to the user… ("/" for canned responses)'}
        onChange={(e) => onChange(e.target.value, e.target.selectionStart)}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
        onBlur={() => setCannedClosed(true)}
        onFocus={() => setCannedClosed(false)}
        maxLength={4000}
        aria-label={asNote ? 'Internal note' : 'Reply'}
        data-testid="composer-input"
      />
      <FileTray uploads={files.uploads} onRemove={files.remove} />
      {error ? (
        <p className="error-note small" role="alert">
          {error}
        </p>
      ) : null}
      <div className="composer-bar">
        <div className="composer-tools">
          <label className={asNote ? 'switch on' : 'switch'} title="Internal notes are visible to agents only (Ctrl+I)">
            <input type="checkbox" checked={asNote} disabled={noteOnly} onChange={(e) => setInternal(e.target.checked)} data-testid="composer-internal" />
            <span className="switch-track" aria-hidden="true" />
            <span>Internal note</span>
          </label>
          {!noteOnly ? <AttachButton onFiles={files.add} /> : null}
          {!asNote ? (
            <>
              <button type="button" className={showButtons ? 'icon-btn on' : 'icon-btn'} onClick={() => setShowButtons((v) => !v)} title="Quick reply buttons" aria-label="Quick reply buttons" data-testid="composer-add-buttons">
                <Icon name="buttons" />
              </button>
              <button type="button" className="icon-btn" onClick={() => setCardOpen(true)} title="Add a card" aria-label="Add a card" data-testid="composer-add-card">
                <Icon name="card" />
              </button>
            </>
          ) : null}
          <span className="hint hide-sm">
            <kbd>Enter</kbd> send · <kbd>Shift</kbd>+<kbd>Enter</kbd> new line · <kbd>/</kbd> canned
          </span>
        </div>
        <button type="button" className={asNote ? 'btn note-btn' : 'btn primary'} onClick={() => void send()} disabled={!canSend} data-testid="composer-send">
          <Icon name={asNote ? 'note' : 'send'} size={16} />
          {asNote ? 'Add note' : 'Send'}
        </button>
      </div>
      {cardOpen ? <CardBuilder onAdd={(c) => setCards((l) => [...l, c])} onClose={() => setCardOpen(false)} /> : null}
    </div>
  );
}
