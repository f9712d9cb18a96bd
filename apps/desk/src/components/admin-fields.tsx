// Form pieces of the admin pages: a copy-to-clipboard button, a copyable URL, and a write-only
// secret field (the server answers with the mask; the mask sent back keeps the stored secret).
import { SECRET_MASK } from '@baton/proto/constants';
import { useEffect, useRef, useState } from 'react';
import { generateSecret } from '../admin-forms';
import { Icon } from './icons';

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // clipboard API refused (plain http, old browser): the selection fallback
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    let ok: boolean;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    ta.remove();
    return ok;
  }
}

export function CopyButton(props: { text: string; label: string; testId?: string; small?: boolean }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async () => {
    setState((await copyText(props.text)) ? 'copied' : 'failed');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState('idle'), 2000);
  };
  return (
    <button type="button" className={props.small === false ? 'btn' : 'btn small'} onClick={() => void copy()} aria-label={props.label} title={props.label} data-testid={props.testId}>
      <Icon name={state === 'copied' ? 'check' : 'copy'} size={14} />
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed — select and copy' : 'Copy'}</span>
    </button>
  );
}

/** A URL to paste somewhere else: selectable text and a copy button. */
export function CopyableUrl(props: { url: string; label: string; testId?: string }) {
  return (
    <div className="copy-url">
      <code className="copy-url-text" data-testid={props.testId}>
        {props.url}
      </code>
      <CopyButton text={props.url} label={props.label} />
    </div>
  );
}

/** A one-time view of a freshly generated secret, with the warning that it is not shown again. */
export function SecretOnce(props: { secret: string; what: string; testId?: string }) {
  return (
    <div className="secret-once" role="status" data-testid={props.testId}>
      <div className="secret-once-row">
        <code className="copy-url-text">{props.secret}</code>
        <CopyButton text={props.secret} label={`Copy the ${props.what}`} />
      </div>
      <small>
        Copy it now and configure it on the other side. After saving, Baton only shows <code>{SECRET_MASK}</code>: it will not show this secret again.
      </small>
    </div>
  );
}

/**
 * A write-only secret. Stored ones show as "stored" with a Change button (which starts an empty
 * input; "Keep stored" puts the mask back). `onChange(undefined)` removes an optional secret.
 */
export function SecretField(props: {
  id: string;
  label: string;
  value: unknown;
  onChange: (v: string) => void;
  generate?: boolean;
  maxLength?: number;
  hint?: string;
  error?: string;
  testId?: string;
}) {
  const stored = props.value === SECRET_MASK;
  // once a secret is stored, "Change" can be undone by sending the mask again
  const [wasStored, setWasStored] = useState(stored);
  if (stored && !wasStored) setWasStored(true);
  const [generated, setGenerated] = useState<string>();
  const inputRef = useRef<HTMLInputElement>(null);
  const [focusNext, setFocusNext] = useState(false);
  useEffect(() => {
    if (focusNext && !stored) {
      inputRef.current?.focus();
      setFocusNext(false);
    }
  }, [focusNext, stored]);
  const value = typeof props.value === 'string' ? props.value : '';
  const hintId = `${props.id}-hint`;
  const errId = `${props.id}-error`;
  const describedBy = [props.hint ? hintId : '', props.error ? errId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field" data-testid={props.testId}>
      <label htmlFor={props.id}>
        <span className="field-label">{props.label}</span>
      </label>
      {stored ? (
        <div className="row-inline">
          <span className="secret-stored" id={props.id} tabIndex={-1}>
            <Icon name="key" size={14} /> stored
          </span>
          <button
            type="button"
            className="btn small"
            onClick={() => {
              props.onChange('');
              setFocusNext(true);
            }}
            aria-label={`Change ${props.label}`}
            data-testid={props.testId ? `${props.testId}-change` : undefined}
          >
            Change
          </button>
        </div>
      ) : (
        <div className="row-inline">
          <input
            ref={inputRef}
            id={props.id}
            type={generated && generated === value ? 'text' : 'password'}
            className="mono"
            autoComplete="new-password"
            spellCheck={false}
            value={value}
            maxLength={props.maxLength}
            onChange={(e) => props.onChange(e.target.value)}
            aria-invalid={props.error ? true : undefined}
            aria-describedby={describedBy}
            data-testid={props.testId ? `${props.testId}-input` : undefined}
          />
          {props.generate ? (
            <button
              type="button"
              className="btn small"
              onClick={() => {
                const s = generateSecret(Math.min(32, props.maxLength ?? 32));
                setGenerated(s);
                props.onChange(s);
              }}
              data-testid={props.testId ? `${props.testId}-generate` : undefined}
            >
              <Icon name="key" size={14} /> Generate
            </button>
          ) : null}
          {wasStored ? (
            <button type="button" className="btn small ghost" onClick={() => props.onChange(SECRET_MASK)}>
              Keep stored
            </button>
          ) : null}
        </div>
      )}
      {generated && generated === value ? <SecretOnce secret={generated} what={props.label.toLowerCase()} /> : null}
      <FieldNotes hint={props.hint} hintId={hintId} error={props.error} errorId={errId} />
    </div>
  );
}

/** A field's hint and its error under the control, with the ids its aria-describedby points at. */
export function FieldNotes(props: { hint?: string; hintId: string; error?: string; errorId: string }) {
  return (
    <>
      {props.hint ? (
        <small className="muted" id={props.hintId}>
          {props.hint}
        </small>
      ) : null}
      {props.error ? (
        <small className="field-error" id={props.errorId}>
          {props.error}
        </small>
      ) : null}
    </>
  );
}
