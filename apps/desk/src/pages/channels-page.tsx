// Admin: channels. A messaging service Baton speaks itself (WhatsApp, Messenger, Telegram, SMS, e-mail)
// gets a guided form built from its type's field metadata; a channel webhook is any messaging front end
// that posts its users' messages signed with a shared secret and receives the bot's and agents'
// messages from the outbox, signed the same way. Secrets are write-only: shown once when generated.
// Every type's form shares the name, id and status fields (NameAndId, EnabledSwitch).
import { SECRET_MASK, type SignatureScheme } from '@baton/proto/constants';
import { SIGNATURE_SCHEME_OPTIONS } from '@baton/proto/provider-fields';
import { CHANNEL_FIELDS, CHANNEL_INBOUND_PATHS, CHANNEL_TYPE_HINTS, CHANNEL_TYPE_LABELS, CHANNEL_TYPES, WHATSAPP_TEMPLATE_USES, type ChannelConfigField, type ChannelType } from '@baton/proto/channel-fields';
import { useEffect, useRef, useState } from 'react';
import { problemsAt, unclaimedProblems, type Problem } from '../admin-forms';
import { api, errorText, problemsOf, type BotInfo, type ChannelView } from '../api';
import { CHANNEL_FIELDS as WEBHOOK_FORM_FIELDS, channelDeliveryTarget, channelInboundUrl, createBody, createTypedBody, draftOf, patchBody, patchTypedBody, suggestChannelId, typedDraftOf, type ChannelDraft, type TypedChannelDraft } from '../channels';
import { ConfigInput } from './offloading-page';
import { CopyableUrl, SecretField } from '../components/admin-fields';
import { Icon } from '../components/icons';
import { ErrorNote, Modal, PageHeader, Spinner } from '../components/ui';
import { useDesk } from '../desk-context';
import { useLoad } from '../hooks';
import { href } from '../router';

const origin = () => window.location.origin;

export function ChannelsPage() {
  const desk = useDesk();
  const list = useLoad(() => api.channels().then((r) => r.channels), []);
  const bots = useLoad(() => api.bots().then((r) => r.bots), []);
  const [editing, setEditing] = useState<ChannelView | 'new' | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<ChannelView | null>(null);
  const [tests, setTests] = useState<Record<string, { ok: boolean; message: string } | 'running'>>({});
  const test = async (c: ChannelView) => {
    setTests((t) => ({ ...t, [c.id]: 'running' }));
    try {
      const r = await api.testChannel(c.id);
      setTests((t) => ({ ...t, [c.id]: r }));
    } catch (err) {
      setTests((t) => ({ ...t, [c.id]: { ok: false, message: errorText(err) } }));
    }
  };
  const botName = (id: string | null) => {
    if (!id) return null;
    const b = bots.data?.find((x) => x.id === id);
    return b?.name ? `${b.name} (${id})` : id;
  };

  const remove = async (c: ChannelView) => {
    try {
      await api.deleteChannel(c.id);
      desk.toast(`Channel ${c.name} removed`, 'success');
      setConfirmDelete(null);
      void list.reload();
    } catch (err) {
      desk.toast(errorText(err), 'error');
    }
  };
  const toggle = async (c: ChannelView) => {
    try {
      const r = await api.updateChannel(c.id, { enabled: !c.enabled });
      list.setData((list.data ?? []).map((x) => (x.id === c.id ? r.channel : x)));
    } catch (err) {
      desk.toast(errorText(err), 'error');
    }
  };

  return (
    <div className="page" data-testid="channels-page">
      <PageHeader
        title="Channels"
        subtitle="Where users talk to the bot besides the web widget: WhatsApp, Telegram, or any messaging front end through a signed webhook."
        actions={
          <button type="button" className="btn primary" onClick={() => setEditing('new')} data-testid="channel-new">
            <Icon name="plus" size={16} /> New channel
          </button>
        }
      />
      <ErrorNote text={list.error} />
      {list.loading && !list.data ? <Spinner /> : null}
      <div className="table-wrap">
        <table className="table" data-testid="channels-table">
          <thead>
            <tr>
              <th>Channel</th>
              <th>Type / delivery URL</th>
              <th>Bot</th>
              <th>Enabled</th>
              <th>Inbound URL</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {list.data?.map((c) => (
              <tr key={c.id} data-testid="channel-row">
                <td>
                  <div>{c.name}</div>
                  <div className="muted small mono">{c.id}</div>
                </td>
                {c.type === 'webhook' ? (
                  <td className="clip mono small" title={c.url}>
                    {c.url}
                  </td>
                ) : (
                  <td data-testid="channel-type-cell">{CHANNEL_TYPE_LABELS[c.type]}</td>
                )}
                <td>{botName(c.botId) ?? <span className="muted">default bot</span>}</td>
                <td>
                  <label className={c.enabled ? 'switch ok on' : 'switch ok'}>
                    <input type="checkbox" checked={c.enabled} onChange={() => void toggle(c)} aria-label={`${c.name} enabled`} data-testid="channel-enabled-toggle" />
                    <span className="switch-track" aria-hidden="true" />
                    <span>{c.enabled ? 'on' : 'off'}</span>
                  </label>
                </td>
                <td className="inbound-cell">
                  <CopyableUrl url={channelInboundUrl(origin(), c)} label={`Copy the inbound URL of ${c.name}`} testId="channel-inbound-url" />
                </td>
                <td className="actions">
                  <button type="button" className="btn small ghost" onClick={() => void test(c)} disabled={tests[c.id] === 'running'} data-testid="channel-test" aria-label={`Test connection of ${c.name}`}>
                    Test connection
                  </button>
                  <TestOutcome result={tests[c.id]} />
                  <a className="btn small ghost" href={href('admin', 'deliveries', channelDeliveryTarget(c.id))} title="Outbound deliveries to this channel">
                    <Icon name="truck" size={14} /> Deliveries
                  </a>
                  <button type="button" className="btn small ghost" onClick={() => setEditing(c)} data-testid="channel-edit" aria-label={`Edit ${c.name}`}>
                    Edit
                  </button>
                  <button type="button" className="icon-btn" aria-label={`Delete ${c.name}`} onClick={() => setConfirmDelete(c)} data-testid="channel-delete">
                    <Icon name="trash" size={16} />
                  </button>
                </td>
              </tr>
            ))}
            {list.data && list.data.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  No channels yet. The web widget needs none; add one for SMS, WhatsApp gateways or your own app.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>

      <ConnectHelp />

      {editing ? (
        <AnyChannelForm
          channel={editing === 'new' ? undefined : editing}
          bots={bots.data ?? []}
          taken={(list.data ?? []).map((c) => c.id)}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void list.reload();
          }}
        />
      ) : null}
      {confirmDelete ? (
        <Modal
          title={`Delete channel ${confirmDelete.name}?`}
          onClose={() => setConfirmDelete(null)}
          testId="channel-delete-dialog"
          footer={
            <>
              <button type="button" className="btn ghost" onClick={() => setConfirmDelete(null)}>
                Cancel
              </button>
              <button type="button" className="btn danger" onClick={() => void remove(confirmDelete)} data-testid="channel-delete-confirm">
                Delete
              </button>
            </>
          }
        >
          <p className="muted">
            Baton will refuse its inbound events and stop delivering to <span className="mono">{confirmDelete.url}</span>; messages still waiting in the outbox will not be delivered. Its past conversations stay in the history.
          </p>
        </Modal>
      ) : null}
    </div>
  );
}

type FormProps = { channel?: ChannelView; bots: BotInfo[]; taken: string[]; onClose: () => void; onSaved: () => void };

/**
 * The name and id of a channel, for every type's form: the id follows the name until it is typed
 * itself, and is fixed once the channel exists (it is part of the inbound URL).
 */
function NameAndId(props: { editing: boolean; name: string; id: string; placeholder: { name: string; id?: string }; errors: { name?: string; id?: string }; onChange: (patch: { name?: string; id?: string }) => void }) {
  const [idTouched, setIdTouched] = useState(props.editing);
  const error = (k: 'name' | 'id') =>
    props.errors[k] ? (
      <small className="field-error" id={`channel-${k}-error`}>
        {props.errors[k]}
      </small>
    ) : null;
  return (
    <>
      <div className="field">
        <label htmlFor="channel-name" className="field-label">
          Name
        </label>
        <input
          id="channel-name"
          value={props.name}
          onChange={(e) => props.onChange({ name: e.target.value, ...(!idTouched ? { id: suggestChannelId(e.target.value) } : {}) })}
          placeholder={props.placeholder.name}
          aria-invalid={props.errors.name ? true : undefined}
          aria-describedby={props.errors.name ? 'channel-name-error' : undefined}
          data-testid="channel-name"
        />
        {error('name')}
      </div>
      <div className="field">
        <label htmlFor="channel-id" className="field-label">
          Id
        </label>
        <input
          id="channel-id"
          className="mono"
          value={props.id}
          disabled={props.editing}
          onChange={(e) => {
            setIdTouched(true);
            props.onChange({ id: e.target.value });
          }}
          placeholder={props.placeholder.id}
          aria-invalid={props.errors.id ? true : undefined}
          aria-describedby={['channel-id-hint', props.errors.id ? 'channel-id-error' : ''].filter(Boolean).join(' ')}
          data-testid="channel-id"
        />
        <small className="muted" id="channel-id-hint">
          {props.editing ? 'The id is part of the inbound URL and cannot change.' : 'Letters, digits, _ and -; part of the inbound URL.'}
        </small>
        {error('id')}
      </div>
    </>
  );
}

/** Whether the channel takes inbound events, for every type's form. */
function EnabledSwitch(props: { enabled: boolean; onChange: (enabled: boolean) => void; error?: string }) {
  return (
    <div className="field">
      <span className="field-label">Status</span>
      <label className={props.enabled ? 'switch ok on' : 'switch ok'}>
        <input type="checkbox" checked={props.enabled} onChange={(e) => props.onChange(e.target.checked)} data-testid="channel-enabled" />
        <span className="switch-track" aria-hidden="true" />
        <span>{props.enabled ? 'Enabled' : 'Disabled: inbound events are refused'}</span>
      </label>
      {props.error ? <small className="field-error">{props.error}</small> : null}
    </div>
  );
}

/** What "Test connection" answered, next to the button (polite: it arrives after the click). */
function TestOutcome(props: { result: { ok: boolean; message: string } | 'running' | undefined }) {
  const r = props.result;
  if (!r) return null;
  return (
    <span role="status" className={r === 'running' ? 'muted small' : r.ok ? 'small test-ok' : 'small field-error'} data-testid="channel-test-result">
      {r === 'running' ? 'Testing…' : `${r.ok ? '✓' : '✗'} ${r.message}`}
    </span>
  );
}

/** New channel: the type first, then its guided form; an edit keeps the channel's type. */
function AnyChannelForm(props: FormProps) {
  const [type, setType] = useState<ChannelType>(props.channel?.type ?? 'webhook');
  const picker = props.channel ? null : (
    <div className="field span2">
      <label htmlFor="channel-type" className="field-label">
        Type
      </label>
      <select id="channel-type" value={type} onChange={(e) => setType(e.target.value as ChannelType)} aria-describedby="channel-type-hint" data-testid="channel-type">
        {CHANNEL_TYPES.map((t) => (
          <option key={t} value={t}>
            {CHANNEL_TYPE_LABELS[t]}
          </option>
        ))}
      </select>
      <small className="muted" id="channel-type-hint">
        {CHANNEL_TYPE_HINTS[type]}
      </small>
    </div>
  );
  return type === 'webhook' ? <ChannelForm {...props} picker={picker} /> : <TypedChannelForm key={type} {...props} type={type} picker={picker} />;
}

function ChannelForm(props: FormProps & { picker?: React.ReactNode }) {
  const c = props.channel;
  const [d, setD] = useState<ChannelDraft>(() => draftOf(c));
  // an edit keeps the stored secret unless it is rotated
  const [rotate, setRotate] = useState(!c);
  const { problems, error, busy, save: send } = useChannelSave(props.onSaved);
  const set = (patch: Partial<ChannelDraft>) => setD((x) => ({ ...x, ...patch }));
  const formRef = useRef<HTMLFormElement>(null);
  // after a refused save, the first field the server named gets the focus (keyboard and screen readers)
  const saveRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (problems.length) (formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? saveRef.current)?.focus();
    else if (error) saveRef.current?.focus();
  }, [problems, error]);
  const fieldErr = problemsAt(problems, '');
  const general = unclaimedProblems(problems, [...WEBHOOK_FORM_FIELDS]);
  const idClash = !c && props.taken.includes(d.id.trim()) ? `A channel "${d.id.trim()}" already exists` : undefined;

  const save = () => send(() => (c ? api.updateChannel(c.id, patchBody(d, rotate)) : api.createChannel(createBody(d))), c ? `Channel ${d.name} saved` : `Channel ${d.name} added`);
  const ready = d.name.trim() && d.url.trim() && (c || d.id.trim()) && (!rotate || d.secret) && !idClash;
  const fid = (k: string) => `channel-${k}`;
  const described = (k: string, hint?: boolean) => [hint ? `${fid(k)}-hint` : '', fieldErr[k] ? `${fid(k)}-error` : ''].filter(Boolean).join(' ') || undefined;
  const fieldError = (k: string) =>
    fieldErr[k] ? (
      <small className="field-error" id={`${fid(k)}-error`}>
        {fieldErr[k]}
      </small>
    ) : null;

  return (
    <Modal
      title={c ? `Edit channel ${c.name}` : 'New channel'}
      onClose={props.onClose}
      wide
      testId="channel-form"
      footer={
        <>
          <button type="button" className="btn ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button ref={saveRef} type="button" className="btn primary" onClick={() => void save()} disabled={!ready || busy} data-testid="channel-save">
            {c ? 'Save' : 'Add channel'}
          </button>
        </>
      }
    >
      <form
        ref={formRef}
        className="form-grid two channel-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready && !busy) void save();
        }}
      >
        {props.picker}
        <NameAndId editing={Boolean(c)} name={d.name} id={d.id} placeholder={{ name: 'SMS gateway', id: 'sms' }} errors={{ name: fieldErr.name, id: idClash ?? fieldErr.id }} onChange={set} />
        <div className="field span2">
          <label htmlFor={fid('url')} className="field-label">
            Delivery URL
          </label>
          <input
            id={fid('url')}
            type="url"
            className="mono"
            value={d.url}
            onChange={(e) => set({ url: e.target.value })}
            placeholder="https://connector.example.com/baton"
            aria-invalid={fieldErr.url ? true : undefined}
            aria-describedby={described('url', true)}
            data-testid="channel-url"
          />
          <small className="muted" id={`${fid('url')}-hint`}>
            Baton POSTs the bot’s and agents’ messages here, signed.
          </small>
          {fieldError('url')}
        </div>
        <div className="field">
          <label htmlFor={fid('bot')} className="field-label">
            Bot
          </label>
          <select id={fid('bot')} value={d.botId} onChange={(e) => set({ botId: e.target.value })} aria-invalid={fieldErr.botId ? true : undefined} aria-describedby={described('botId')} data-testid="channel-bot">
            <option value="">Default bot</option>
            {props.bots.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name ? `${b.name} (${b.id})` : b.id}
              </option>
            ))}
            {d.botId && !props.bots.some((b) => b.id === d.botId) ? <option value={d.botId}>{d.botId} (not found)</option> : null}
          </select>
          {fieldError('botId')}
        </div>
        <div className="field">
          <label htmlFor={fid('scheme')} className="field-label">
            Signature scheme
          </label>
          <select
            id={fid('scheme')}
            value={d.signatureScheme}
            onChange={(e) => set({ signatureScheme: e.target.value as SignatureScheme })}
            aria-invalid={fieldErr.signatureScheme ? true : undefined}
            aria-describedby={described('signatureScheme', true)}
            data-testid="channel-signature-scheme"
          >
            {SIGNATURE_SCHEME_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          <small className="muted" id={`${fid('signatureScheme')}-hint`}>
            How Baton signs what it POSTs. For Standard Webhooks, give the connector <code>whsec_</code> followed by the secret in base64. Inbound events may be signed either way.
          </small>
          {fieldError('signatureScheme')}
        </div>
        <EnabledSwitch enabled={d.enabled} onChange={(enabled) => set({ enabled })} error={fieldErr.enabled} />
        <div className="span2">
          {rotate ? (
            <SecretField
              id={fid('secret')}
              label={c ? 'New signing secret' : 'Signing secret'}
              value={d.secret}
              onChange={(secret) => set({ secret })}
              generate
              maxLength={200}
              hint="Shared with the connector; signs both directions. At least 16 characters: use Generate."
              error={fieldErr.secret}
              testId="channel-secret"
            />
          ) : (
            <div className="field">
              <span className="field-label">Signing secret</span>
              <div className="row-inline">
                <span className="secret-stored">
                  <Icon name="key" size={14} /> stored ({SECRET_MASK})
                </span>
                <button type="button" className="btn small" onClick={() => setRotate(true)} data-testid="channel-rotate">
                  Rotate secret
                </button>
              </div>
              <small className="muted">Rotating takes effect on saving: update the connector at the same time, or its events are refused.</small>
            </div>
          )}
          {c && rotate ? (
            <button
              type="button"
              className="btn small ghost"
              onClick={() => {
                setRotate(false);
                set({ secret: '' });
              }}
            >
              Keep the stored secret
            </button>
          ) : null}
          {c && rotate ? (
            <label className="check">
              <input type="checkbox" checked={d.keepPrevious} onChange={(e) => set({ keepPrevious: e.target.checked })} data-testid="channel-keep-previous" />
              Keep the current secret until I end the rotation: Baton signs with both and accepts either (the connector can switch over without losing messages)
            </label>
          ) : null}
          {c?.previousSecret && !(rotate && d.keepPrevious) ? (
            <label className="check">
              <input type="checkbox" checked={d.dropPrevious} onChange={(e) => set({ dropPrevious: e.target.checked })} data-testid="channel-end-rotation" />
              End the rotation: stop accepting the previous secret (every connector signs with the new one)
            </label>
          ) : null}
        </div>
        {/* Enter in any field submits */}
        <button type="submit" hidden tabIndex={-1} aria-hidden="true" />
      </form>
      <ProblemList problems={general} />
      <ErrorNote text={error} />
    </Modal>
  );
}

/** A channel form's save: the server's problems per field, or one error otherwise, while it runs. */
function useChannelSave(onSaved: () => void) {
  const desk = useDesk();
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const save = async (send: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(undefined);
    setProblems([]);
    try {
      await send();
      desk.toast(done, 'success');
      onSaved();
    } catch (err) {
      const ps = problemsOf(err);
      setProblems(ps);
      setError(ps.length ? undefined : errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return { problems, error, busy, save };
}

/** What the server refused that no field of the form shows. */
function ProblemList(props: { problems: Problem[] }) {
  if (!props.problems.length) return null;
  return (
    <ul className="error-note problem-list" role="alert">
      {props.problems.map((p, i) => (
        <li key={i}>
          {p.path ? <code>{p.path}</code> : null} {p.message}
        </li>
      ))}
    </ul>
  );
}

/**
 * The guided form of a messaging-service channel (WhatsApp, Telegram…), generated from the type's
 * field metadata (CHANNEL_FIELDS in packages/proto): what to paste where, secrets write-only.
 */
function TypedChannelForm(props: FormProps & { type: TypedChannelDraft['type']; picker?: React.ReactNode }) {
  const c = props.channel;
  const [d, setD] = useState<TypedChannelDraft>(() => typedDraftOf(props.type, c));
  const { problems, error, busy, save: send } = useChannelSave(props.onSaved);
  const set = (patch: Partial<TypedChannelDraft>) => setD((x) => ({ ...x, ...patch }));
  const setKey = (k: string, v: unknown) =>
    setD((x) => {
      const config = { ...x.config };
      if (v === undefined) delete config[k];
      else config[k] = v;
      return { ...x, config };
    });
  const fields: ChannelConfigField[] = CHANNEL_FIELDS[props.type];
  const fieldErr = problemsAt(problems, '');
  const configErr = problemsAt(problems, 'config.');
  const general = unclaimedProblems(problems, ['id', 'name', 'botId', 'enabled', 'config', ...fields.map((f) => `config.${f.key}`)]);
  const idClash = !c && props.taken.includes(d.id.trim()) ? `A channel "${d.id.trim()}" already exists` : undefined;
  const missing = fields.some((f) => !f.optional && (d.config[f.key] === undefined || d.config[f.key] === ''));
  const ready = d.name.trim() && (c || d.id.trim()) && !missing && !idClash;
  const inbound = channelInboundUrl(origin(), { id: d.id.trim() || '<id>', inboundUrl: `/api/v1/channels/${encodeURIComponent(d.id.trim() || '<id>')}/${CHANNEL_INBOUND_PATHS[props.type] ?? props.type}` });

  const save = () => send(() => (c ? api.updateChannel(c.id, patchTypedBody(d, c)) : api.createChannel(createTypedBody(d))), c ? `Channel ${d.name} saved` : `Channel ${d.name} added: use Test connection to check it`);
  const fid = (k: string) => `channel-${k}`;
  const input = (f: ChannelConfigField) =>
    f.kind === 'templates' ? (
      <TemplatesInput key={f.key} f={f} value={d.config[f.key]} error={configErr[f.key]} onChange={(v) => setKey(f.key, v)} />
    ) : (
      <ConfigInput key={f.key} f={{ ...f, kind: f.kind }} id={fid(f.key)} value={d.config[f.key]} error={configErr[f.key]} onChange={(v) => setKey(f.key, v)} testIdPrefix="channel" />
    );

  return (
    <Modal
      title={c ? `Edit ${CHANNEL_TYPE_LABELS[props.type]} channel ${c.name}` : 'New channel'}
      onClose={props.onClose}
      wide
      testId="channel-form"
      footer={
        <>
          <button type="button" className="btn ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" className="btn primary" onClick={() => void save()} disabled={!ready || busy} data-testid="channel-save">
            {c ? 'Save' : 'Add channel'}
          </button>
        </>
      }
    >
      <form
        className="form-grid two channel-form"
        data-channel-type={props.type}
        onSubmit={(e) => {
          e.preventDefault();
          if (ready && !busy) void save();
        }}
      >
        {props.picker}
        <NameAndId editing={Boolean(c)} name={d.name} id={d.id} placeholder={{ name: CHANNEL_TYPE_LABELS[props.type] }} errors={{ name: fieldErr.name, id: idClash ?? fieldErr.id }} onChange={set} />
        <div className="field span2">
          <span className="field-label">Callback URL</span>
          <CopyableUrl url={inbound} label="Copy the callback URL" testId="channel-callback-url" />
          <small className="muted">{props.type === 'telegram' ? 'Test connection registers it with Telegram (setWebhook).' : 'Paste it into the service’s webhook settings.'}</small>
        </div>
        {fields.filter((f) => !f.advanced).map(input)}
        <div className="field">
          <label htmlFor={fid('bot')} className="field-label">
            Bot
          </label>
          <select id={fid('bot')} value={d.botId} onChange={(e) => set({ botId: e.target.value })} data-testid="channel-bot">
            <option value="">Default bot</option>
            {props.bots.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name ? `${b.name} (${b.id})` : b.id}
              </option>
            ))}
          </select>
        </div>
        <EnabledSwitch enabled={d.enabled} onChange={(enabled) => set({ enabled })} error={fieldErr.enabled} />
        {fields.some((f) => f.advanced) ? (
          <details className="span2" open={fields.some((f) => f.advanced && d.config[f.key] !== undefined)}>
            <summary data-testid="channel-advanced">Advanced</summary>
            <div className="form-grid two">{fields.filter((f) => f.advanced).map(input)}</div>
          </details>
        ) : null}
        <button type="submit" hidden tabIndex={-1} aria-hidden="true" />
      </form>
      <ProblemList problems={general} />
      <ErrorNote text={error} />
    </Modal>
  );
}

/** WhatsApp's templates outside the 24-hour window: a name and a language per use; both empty removes it. */
function TemplatesInput(props: { f: ChannelConfigField; value: unknown; error?: string; onChange: (v: unknown) => void }) {
  const value = (props.value ?? {}) as Record<string, { name?: string; language?: string } | undefined>;
  const setUse = (use: string, patch: { name?: string; language?: string }) => {
    const cur = { ...(value[use] ?? {}), ...patch };
    const next = { ...value } as Record<string, unknown>;
    if (!cur.name && !cur.language) delete next[use];
    else next[use] = cur;
    props.onChange(Object.keys(next).length ? next : undefined);
  };
  return (
    <fieldset className="field span2" data-testid="channel-templates">
      <legend className="field-label">{props.f.label} (optional)</legend>
      {WHATSAPP_TEMPLATE_USES.map((u) => (
        <div className="row-inline" key={u.key}>
          <span className="small">{u.label}</span>
          <input aria-label={`${u.label}: template name`} className="mono" placeholder="template_name" value={value[u.key]?.name ?? ''} onChange={(e) => setUse(u.key, { name: e.target.value })} data-testid={`channel-template-${u.key}-name`} />
          <input aria-label={`${u.label}: language`} className="mono" placeholder="en" size={6} value={value[u.key]?.language ?? ''} onChange={(e) => setUse(u.key, { language: e.target.value })} data-testid={`channel-template-${u.key}-language`} />
        </div>
      ))}
      {props.f.hint ? <small className="muted">{props.f.hint}</small> : null}
      {props.error ? <small className="field-error">{props.error}</small> : null}
    </fieldset>
  );
}

const EXAMPLE_INBOUND = `POST /api/v1/channels/<id>/events
Content-Type: application/json
X-Baton-Signature: t=1767225600,v1=5f0c…  (hex HMAC-SHA256 of "1767225600.<raw body>")

{"id": "evt-123", "type": "message",
 "user": {"id": "+32470000000", "name": "Ann"},
 "locale": "en", "text": "Hello"}`;

const EXAMPLE_OUTBOUND = `POST <delivery URL>
X-Baton-Event: message.created
X-Baton-Delivery: 0b7c…      (the same on every retry: dedupe on it)
X-Baton-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">

{"id": "0b7c…", "type": "message.created", "channelId": "<id>",
 "conversationId": "…", "user": {"id": "+32470000000"},
 "message": {…text, buttons, cards…}, "fallbackText": "…"}`;

function ConnectHelp() {
  return (
    <section className="card-section help-block" aria-labelledby="channel-help-title" data-testid="channel-help">
      <h2 id="channel-help-title">How to connect a channel</h2>
      <div className="help-cols">
        <div>
          <h3>Inbound: your connector → Baton</h3>
          <p className="small">
            POST each user message as JSON to the channel’s inbound URL. Sign the exact bytes you send: <code>X-Baton-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;raw body&gt;")&gt;</code>. Baton refuses a missing or wrong signature
            and a timestamp more than 5 minutes away (401). The event <code>id</code> makes retries safe; send <code>text</code> or a button’s <code>postback</code>.
          </p>
          <pre className="help-code">{EXAMPLE_INBOUND}</pre>
        </div>
        <div>
          <h3>Outbound: Baton → your connector</h3>
          <p className="small">
            Baton POSTs every bot, agent and system message to the delivery URL, signed the same way with the same secret, with <code>X-Baton-Event</code> and <code>X-Baton-Delivery</code>. Answer with a 2xx; anything
            else is retried from the outbox with backoff. Channels that cannot show buttons or cards can send <code>fallbackText</code>. Each channel’s <em>Deliveries</em> link shows what was sent and what failed.
          </p>
          <pre className="help-code">{EXAMPLE_OUTBOUND}</pre>
        </div>
      </div>
    </section>
  );
}
