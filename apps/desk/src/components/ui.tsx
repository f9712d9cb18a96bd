// Small building blocks used across pages: modal, tag input, avatar, badges, empty states.
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { initials } from '../format';
import { Icon } from './icons';

export function Modal(props: { title: string; onClose: () => void; children: ReactNode; footer?: ReactNode; wide?: boolean; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>('input, select, textarea, button:not(.modal-x)');
    first?.focus();
    return () => prev?.focus?.();
  }, []);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      props.onClose();
    }
  };
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div className={props.wide ? 'modal wide' : 'modal'} role="dialog" aria-modal="true" aria-label={props.title} ref={ref} onKeyDown={onKey} data-testid={props.testId}>
        <header className="modal-head">
          <h2>{props.title}</h2>
          <button type="button" className="icon-btn modal-x" onClick={props.onClose} aria-label="Close">
            <Icon name="close" />
          </button>
        </header>
        <div className="modal-body">{props.children}</div>
        {props.footer ? <footer className="modal-foot">{props.footer}</footer> : null}
      </div>
    </div>
  );
}

/** Comma or Enter adds a tag; Backspace on an empty field removes the last one. */
export function TagInput(props: { value: string[]; onChange: (v: string[]) => void; placeholder?: string; suggestions?: string[]; testId?: string; id?: string }) {
  const [draft, setDraft] = useState('');
  const listId = props.id ? `${props.id}-list` : undefined;
  const add = (raw: string) => {
    const t = raw.trim().replace(/,$/, '');
    if (t && !props.value.includes(t)) props.onChange([...props.value, t]);
    setDraft('');
  };
  return (
    <div className="tag-input" data-testid={props.testId}>
      {props.value.map((t) => (
        <span key={t} className="chip">
          {t}
          <button type="button" aria-label={`Remove ${t}`} onClick={() => props.onChange(props.value.filter((x) => x !== t))}>
            ×
          </button>
        </span>
      ))}
      <input
        id={props.id}
        value={draft}
        list={listId}
        placeholder={props.value.length ? '' : props.placeholder}
        onChange={(e) => (e.target.value.endsWith(',') ? add(e.target.value) : setDraft(e.target.value))}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            add(draft);
          } else if (e.key === 'Backspace' && !draft && props.value.length) props.onChange(props.value.slice(0, -1));
        }}
        onBlur={() => draft && add(draft)}
      />
      {listId && props.suggestions ? (
        <datalist id={listId}>
          {props.suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      ) : null}
    </div>
  );
}

export function Avatar(props: { name: string | null | undefined; kind?: 'user' | 'agent' | 'bot'; size?: 'sm' | 'md' }) {
  return (
    <span className={`avatar avatar-${props.kind ?? 'user'} avatar-${props.size ?? 'md'}`} aria-hidden="true">
      {props.kind === 'bot' ? <Icon name="bot" size={14} /> : initials(props.name)}
    </span>
  );
}

export function StatusDot(props: { status: string }) {
  return <span className={`dot dot-${props.status}`} aria-hidden="true" />;
}

export function Empty(props: { icon?: Parameters<typeof Icon>[0]['name']; title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      {props.icon ? <Icon name={props.icon} size={28} /> : null}
      <p className="empty-title">{props.title}</p>
      {props.children ? <div className="empty-body">{props.children}</div> : null}
    </div>
  );
}

export function ErrorNote(props: { text: string | undefined }) {
  if (!props.text) return null;
  return (
    <p className="error-note" role="alert">
      {props.text}
    </p>
  );
}

export function Spinner() {
  return <span className="spinner" aria-label="Loading" />;
}

export function PageHeader(props: { title: string; subtitle?: string; actions?: ReactNode }) {
  return (
    <header className="page-head">
      <div>
        <h1>{props.title}</h1>
        {props.subtitle ? <p className="muted">{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div className="page-actions">{props.actions}</div> : null}
    </header>
  );
}
