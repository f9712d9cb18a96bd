// Settings > Offloading: the switch, time zone, weekly opening hours (several ranges a day), closures,
// waiting timeout, routing mode and overflow, the bot's system dialogs and the providers. Secrets
// come back masked and are sent back masked, which the server reads as "unchanged".
import type { ProviderConfig, Weekday } from '@baton/proto';
import { SECRET_MASK } from '@baton/proto/constants';
import { useEffect, useMemo, useState } from 'react';
import { problemsAt, unclaimedProblems } from '../admin-forms';
import { api, errorText, problemsOf, type BotProblem, type OffloadingSettings } from '../api';
import { CopyableUrl, FieldNotes, SecretField } from '../components/admin-fields';
import { Icon } from '../components/icons';
import { ErrorNote, PageHeader, Spinner, TagInput } from '../components/ui';
import { useDesk } from '../desk-context';
import { formatDuration } from '../format';
import { addClosure, DAYS, hasProblems, hoursReducer, normaliseHours, openMinutes, validateHours, type Closure, type HoursAction } from '../opening-hours';
import {
  extraConfigKeys,
  mailboxRowProblem,
  mapToRows,
  newProvider,
  numberValue,
  PROVIDER_FIELDS,
  PROVIDER_TYPE_LABELS,
  PROVIDER_TYPES,
  providerFieldKeys,
  providerWebhookUrl,
  rowsToMap,
  type ConfigField,
  type MailboxRow,
} from '../providers';

const DIALOG_FIELDS: { key: keyof NonNullable<OffloadingSettings['dialogs']>; label: string; hint: string }[] = [
  { key: 'disabled', label: 'Offloading disabled', hint: 'when the switch is off' },
  { key: 'closed', label: 'Closed', hint: 'outside opening hours or on a closure' },
  { key: 'opened', label: 'Handover started', hint: 'tells the user an agent is coming' },
  { key: 'cancelled', label: 'User cancelled', hint: 'the user left the queue' },
  { key: 'timeout', label: 'Waiting timed out', hint: 'nobody accepted in time' },
  { key: 'refused', label: 'Provider refused', hint: 'the provider could not take the handover' },
  { key: 'noAgent', label: 'Nobody online', hint: 'no eligible agent online (with “Treat nobody online as closed”)' },
];
/** the bot's own system dialog each field replaces */
const SYSTEM_DIALOG: Record<string, string> = { noAgent: 'offloading_no_agent' };
const SECRET_KEY = /secret|password|token|key/i;

function timeZones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

export function OffloadingPage() {
  const desk = useDesk();
  const [s, setS] = useState<OffloadingSettings>();
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<string>();
  const [problems, setProblems] = useState<BotProblem[]>([]);
  const [dialogs, setDialogs] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api
      .offloadingSettings()
      .then((x) => {
        setS(x);
        setSaved(JSON.stringify(x));
      })
      .catch((err) => setError(errorText(err)));
    api
      .bots()
      .then((r) => (r.bots[0] ? api.dialogs(r.bots[0].id) : { dialogs: [], targets: [] }))
      .then((r) => setDialogs(r.dialogs))
      .catch(() => undefined);
  }, []);

  const hoursProblems = useMemo(() => (s ? validateHours(s.openingHours) : {}), [s]);
  // server problems on a provider field are shown at the field; the save bar lists the others
  const listed = useMemo(
    () =>
      problems.filter((p) => {
        const m = /^providers\.(\d+)\./.exec(p.path);
        const prov = m ? s?.providers[Number(m[1])] : undefined;
        return !m || !prov || unclaimedProblems([p], providerFieldKeys(prov.type, prov.config), `providers.${m[1]}`).length > 0;
      }),
    [problems, s],
  );
  const dirty = s ? JSON.stringify(s) !== saved : false;
  if (!s) return <div className="page">{error ? <ErrorNote text={error} /> : <Spinner />}</div>;

  const set = (patch: Partial<OffloadingSettings>) => setS({ ...s, ...patch });
  const hours = (a: HoursAction) => set({ openingHours: hoursReducer(s.openingHours, a) });
  const routing = { mode: 'auto' as const, overflowAfterSeconds: null, overflowSkill: null, closeWhenNoAgents: false, ...s.routing };

  const save = async () => {
    setBusy(true);
    setError(undefined);
    setProblems([]);
    try {
      const out = await api.saveOffloadingSettings({ ...s, openingHours: normaliseHours(s.openingHours) });
      setS(out);
      setSaved(JSON.stringify(out));
      desk.toast('Offloading settings saved', 'success');
    } catch (err) {
      setError(errorText(err));
      setProblems(problemsOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page settings-page" data-testid="offloading-page">
      <PageHeader title="Offloading" subtitle="When and where the bot hands conversations to people." />

      <section className="card-section">
        <div className="switch-row">
          <label className={s.enabled ? 'switch big on' : 'switch big'}>
            <input type="checkbox" checked={s.enabled} onChange={(e) => set({ enabled: e.target.checked })} data-testid="offloading-enabled" />
            <span className="switch-track" aria-hidden="true" />
            <span>
              <strong>Offloading {s.enabled ? 'on' : 'off'}</strong>
              <small className="muted block">{s.enabled ? 'The bot hands over to agents when its flow asks for it.' : 'The bot never hands over; it runs the “disabled” dialog.'}</small>
            </span>
          </label>
        </div>
        <div className="form-grid three">
          <label className="field">
            <span>Time zone</span>
            <input list="tz-list" value={s.timezone} onChange={(e) => set({ timezone: e.target.value })} data-testid="offloading-timezone" />
            <datalist id="tz-list">
              {timeZones().map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </label>
          <label className="field">
            <span>Waiting timeout (seconds)</span>
            <input type="number" min={10} value={s.waitingTimeoutSeconds} onChange={(e) => set({ waitingTimeoutSeconds: Number(e.target.value) })} data-testid="offloading-timeout" />
            <small className="muted">{formatDuration(s.waitingTimeoutSeconds)} before the user returns to the bot</small>
          </label>
          <label className="field">
            <span>Default provider</span>
            <select value={s.defaultProviderId} onChange={(e) => set({ defaultProviderId: e.target.value })}>
              {s.providers.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.id})
                </option>
              ))}
            </select>
          </label>
        </div>
      </section>

      <section className="card-section">
        <div className="section-head">
          <h2>Opening hours</h2>
          <label className="check">
            <input type="checkbox" checked={Boolean(s.alwaysOpen)} onChange={(e) => set({ alwaysOpen: e.target.checked })} data-testid="offloading-always-open" />
            Always open (closures still apply)
          </label>
        </div>
        {s.alwaysOpen ? (
          <p className="muted small hours-note" data-testid="hours-ignored">
            These weekly hours are ignored while “Always open” is on; a closure below still closes offloading.
          </p>
        ) : null}
        {/* inert, not disabled field by field: nothing inside is reachable while the hours do not apply */}
        <div className={s.alwaysOpen ? 'hours disabled' : 'hours'} inert={Boolean(s.alwaysOpen)} data-testid="opening-hours">
          {DAYS.map((day) => (
            <DayRow key={day} day={day} ranges={s.openingHours[day] ?? []} problems={hoursProblems[day]} dispatch={hours} />
          ))}
        </div>
      </section>

      <section className="card-section">
        <h2>Closures</h2>
        <p className="muted small">Public holidays and exceptional closures; with a time window only that part of the day is closed.</p>
        <Closures list={s.closures ?? []} onChange={(closures) => set({ closures })} />
      </section>

      <section className="card-section">
        <h2>Routing</h2>
        <div className="form-grid three">
          <div className="field">
            <span>Mode</span>
            <div className="segmented">
              {(['auto', 'broadcast'] as const).map((m) => (
                <button key={m} type="button" className={routing.mode === m ? 'seg on' : 'seg'} onClick={() => set({ routing: { ...routing, mode: m } })} data-testid={`routing-${m}`}>
                  {m === 'auto' ? 'Auto-assign' : 'Broadcast'}
                </button>
              ))}
            </div>
            <small className="muted">{routing.mode === 'auto' ? 'The least busy eligible agent gets the chat.' : 'Offered to every eligible agent; first to accept wins.'}</small>
          </div>
          <label className="field">
            <span>Overflow after (seconds)</span>
            <input type="number" min={0} placeholder="off" value={routing.overflowAfterSeconds ?? ''} onChange={(e) => set({ routing: { ...routing, overflowAfterSeconds: e.target.value === '' ? null : Number(e.target.value) } })} />
          </label>
          <label className="field">
            <span>Overflow to skill</span>
            <input value={routing.overflowSkill ?? ''} placeholder="general" onChange={(e) => set({ routing: { ...routing, overflowSkill: e.target.value.trim() || null } })} />
          </label>
        </div>
        <label className="check">
          <input type="checkbox" checked={routing.closeWhenNoAgents} onChange={(e) => set({ routing: { ...routing, closeWhenNoAgents: e.target.checked } })} data-testid="routing-close-when-no-agents" />
          Treat nobody online as closed: when no agent with the skill and language is online, the bot offers to leave a message instead of queueing
        </label>
      </section>

      <section className="card-section">
        <h2>Bot dialogs</h2>
        <p className="muted small">Which dialog of the bot runs at each moment of a handover. Empty uses the bot’s built-in system dialog.</p>
        <datalist id="dialog-names">
          {dialogs.map((d) => (
            <option key={d} value={d} />
          ))}
        </datalist>
        <div className="form-grid three">
          {DIALOG_FIELDS.map((f) => (
            <label className="field" key={f.key}>
              <span>{f.label}</span>
              <input
                list="dialog-names"
                value={s.dialogs?.[f.key] ?? ''}
                placeholder={SYSTEM_DIALOG[f.key] ?? `offloading_${f.key}`}
                onChange={(e) => {
                  const next = { ...s.dialogs };
                  if (e.target.value) next[f.key] = e.target.value;
                  else delete next[f.key];
                  set({ dialogs: next });
                }}
                data-testid={`dialog-${f.key}`}
              />
              <small className="muted">{f.hint}</small>
            </label>
          ))}
        </div>
      </section>

      <section className="card-section">
        <div className="section-head">
          <h2>Providers</h2>
          <select
            className="add-provider"
            aria-label="Add a provider"
            value=""
            onChange={(e) => {
              if (!e.target.value) return;
              setProblems([]);
              const type = e.target.value as ProviderConfig['type'];
              const n = s.providers.filter((p) => p.type === type).length + 1;
              set({ providers: [...s.providers, newProvider(type, n)] });
            }}
            data-testid="provider-add"
          >
            <option value="">+ Add provider…</option>
            {PROVIDER_TYPES.map((t) => (
              <option key={t} value={t}>
                {PROVIDER_TYPE_LABELS[t]}
              </option>
            ))}
          </select>
        </div>
        <p className="muted small">
          A provider gets the handovers for the skills it lists, unless the bot names a provider; all others go to the default provider. Secrets are write-only: a stored one shows as “stored”.
        </p>
        <div className="providers">
          {s.providers.map((p, i) => (
            <ProviderEditor
              key={i}
              index={i}
              p={p}
              isDefault={p.id === s.defaultProviderId}
              problems={problemsAt(problems, `providers.${i}`, ['config'])}
              onChange={(np) => set({ providers: s.providers.map((x, j) => (j === i ? np : x)) })}
              onRemove={
                s.providers.length > 1
                  ? () => {
                      setProblems([]);
                      set({ providers: s.providers.filter((_, j) => j !== i) });
                    }
                  : undefined
              }
            />
          ))}
        </div>
      </section>

      <div className="save-bar">
        {error ? (
          <div className="save-errors" role="alert" data-testid="settings-errors">
            <strong>Not saved:</strong>
            {problems.length ? (
              <ul>
                {listed.map((p, i) => (
                  <li key={i}>
                    <code>{p.path}</code> {p.message}
                  </li>
                ))}
                {problems.length > listed.length ? (
                  <li>
                    {problems.length - listed.length === 1 ? 'One problem is' : `${problems.length - listed.length} problems are`} marked at the provider fields.{' '}
                    <button type="button" className="link" onClick={() => document.querySelector<HTMLElement>('.providers [aria-invalid="true"]')?.focus()}>
                      Show
                    </button>
                  </li>
                ) : null}
              </ul>
            ) : (
              <span> {error}</span>
            )}
          </div>
        ) : (
          <span className="muted small">{dirty ? 'Unsaved changes' : 'All changes saved'}</span>
        )}
        <button type="button" className="btn primary" onClick={() => void save()} disabled={busy || !dirty || hasProblems(hoursProblems)} data-testid="offloading-save">
          Save changes
        </button>
      </div>
    </div>
  );
}

function DayRow(props: { day: Weekday; ranges: { from: string; to: string }[]; problems?: Record<number, string>; dispatch: (a: HoursAction) => void }) {
  const { day, ranges, dispatch } = props;
  const mins = openMinutes(ranges);
  return (
    <div className="day-row" data-testid={`hours-${day}`}>
      <div className="day-name">{day[0]!.toUpperCase() + day.slice(1)}</div>
      <div className="day-ranges">
        {ranges.length === 0 ? <span className="closed-tag">Closed</span> : null}
        {ranges.map((r, i) => (
          <div className={props.problems?.[i] ? 'range bad' : 'range'} key={i}>
            <input type="time" value={r.from} onChange={(e) => dispatch({ type: 'setRange', day, index: i, field: 'from', value: e.target.value })} aria-label={`${day} range ${i + 1} from`} />
            <span className="muted">–</span>
            <input type="time" value={r.to === '24:00' ? '23:59' : r.to} onChange={(e) => dispatch({ type: 'setRange', day, index: i, field: 'to', value: e.target.value })} aria-label={`${day} range ${i + 1} to`} />
            <button type="button" className="icon-btn" aria-label={`Remove ${day} range ${i + 1}`} onClick={() => dispatch({ type: 'removeRange', day, index: i })}>
              <Icon name="close" size={14} />
            </button>
            {props.problems?.[i] ? <small className="field-error">{props.problems[i]}</small> : null}
          </div>
        ))}
        <button type="button" className="btn ghost small" onClick={() => dispatch({ type: 'addRange', day })} data-testid={`hours-add-${day}`}>
          <Icon name="plus" size={14} /> Range
        </button>
      </div>
      <div className="day-tools">
        <span className="muted small">{mins ? `${Math.floor(mins / 60)}h${mins % 60 ? String(mins % 60).padStart(2, '0') : ''}` : ''}</span>
        <select
          aria-label={`Copy ${day}`}
          value=""
          onChange={(e) => {
            if (e.target.value === 'weekdays') dispatch({ type: 'copyToWeekdays', day });
            if (e.target.value === 'all') dispatch({ type: 'copyToAll', day });
            if (e.target.value === 'close') dispatch({ type: 'closeDay', day });
          }}
        >
          <option value="">More…</option>
          <option value="weekdays">Copy to Mon–Fri</option>
          <option value="all">Copy to every day</option>
          <option value="close">Close this day</option>
        </select>
      </div>
    </div>
  );
}

function Closures(props: { list: Closure[]; onChange: (l: Closure[]) => void }) {
  const [c, setC] = useState<Closure>({ date: '', name: '' });
  return (
    <div data-testid="closures">
      {props.list.length ? (
        <table className="table compact">
          <tbody>
            {props.list.map((x, i) => (
              <tr key={`${x.date}-${x.from ?? ''}-${i}`} data-testid="closure-row">
                <td className="mono">{x.date}</td>
                <td>{x.name ?? <span className="muted">—</span>}</td>
                <td>{x.from && x.to ? `${x.from}–${x.to}` : 'all day'}</td>
                <td className="actions">
                  <button type="button" className="icon-btn" aria-label={`Remove closure ${x.date}`} onClick={() => props.onChange(props.list.filter((_, j) => j !== i))}>
                    <Icon name="trash" size={16} />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted small">No closures.</p>
      )}
      <div className="closure-add">
        <input type="date" value={c.date} onChange={(e) => setC({ ...c, date: e.target.value })} aria-label="Closure date" data-testid="closure-date" />
        <input placeholder="Name (e.g. Christmas)" value={c.name ?? ''} onChange={(e) => setC({ ...c, name: e.target.value })} aria-label="Closure name" data-testid="closure-name" />
        <input type="time" value={c.from ?? ''} onChange={(e) => setC({ ...c, from: e.target.value || undefined })} aria-label="Closed from (optional)" />
        <input type="time" value={c.to ?? ''} onChange={(e) => setC({ ...c, to: e.target.value || undefined })} aria-label="Closed until (optional)" />
        <button
          type="button"
          className="btn small"
          disabled={!c.date}
          onClick={() => {
            props.onChange(addClosure(props.list, c));
            setC({ date: '', name: '' });
          }}
          data-testid="closure-add"
        >
          <Icon name="plus" size={14} /> Add closure
        </button>
      </div>
    </div>
  );
}

function ProviderEditor(props: { index: number; p: ProviderConfig; isDefault: boolean; problems: Record<string, string>; onChange: (p: ProviderConfig) => void; onRemove?: () => void }) {
  const { p, problems: errs } = props;
  const config = p.config ?? {};
  const fields = PROVIDER_FIELDS[p.type];
  const extras = extraConfigKeys(p.type, config);
  const fid = (k: string) => `provider-${props.index}-${k}`;
  const setConfig = (next: Record<string, unknown>) => props.onChange({ ...p, config: next });
  const setKey = (k: string, v: unknown) => {
    const next = { ...config };
    if (v === undefined) delete next[k];
    else next[k] = v;
    setConfig(next);
  };
  const changeType = (type: ProviderConfig['type']) => {
    // keep what the new type also uses; start the rest from the type's empty settings
    const known = new Set(PROVIDER_FIELDS[type].map((f) => f.key));
    const kept = Object.fromEntries(Object.entries(config).filter(([k]) => known.has(k)));
    const seeded = { ...(newProvider(type, 1).config ?? {}), ...kept };
    const { config: _old, ...rest } = p;
    props.onChange(Object.keys(seeded).length ? { ...rest, type, config: seeded } : { ...rest, type });
  };
  const inboundUrl = providerWebhookUrl(window.location.origin, p);
  const basic = fields.filter((f) => !f.advanced);
  const advanced = fields.filter((f) => f.advanced);
  const advancedSet = advanced.some((f) => config[f.key] !== undefined && config[f.key] !== '');
  const errText = (k: string) =>
    errs[k] ? (
      <small className="field-error" id={`${fid(k)}-error`}>
        {errs[k]}
      </small>
    ) : null;

  return (
    <div className="provider" data-testid="provider" data-provider-type={p.type}>
      <div className="provider-head">
        <input className="provider-name" value={p.name} onChange={(e) => props.onChange({ ...p, name: e.target.value })} aria-label="Provider name" aria-invalid={errs.name ? true : undefined} />
        {props.isDefault ? <span className="badge badge-skill">default</span> : null}
        <label className="check">
          <input type="checkbox" checked={p.enabled !== false} onChange={(e) => props.onChange({ ...p, enabled: e.target.checked })} /> enabled
        </label>
        {props.onRemove ? (
          <button type="button" className="icon-btn" aria-label={`Remove ${p.name}`} onClick={props.onRemove}>
            <Icon name="trash" size={16} />
          </button>
        ) : null}
      </div>
      {errText('name')}
      <div className="form-grid two">
        <div className="field">
          <label htmlFor={fid('id')} className="field-label">
            Id
          </label>
          <input id={fid('id')} value={p.id} onChange={(e) => props.onChange({ ...p, id: e.target.value })} className="mono" aria-invalid={errs.id ? true : undefined} aria-describedby={errs.id ? `${fid('id')}-error` : undefined} />
          {errText('id')}
        </div>
        <div className="field">
          <label htmlFor={fid('type')} className="field-label">
            Type
          </label>
          <select id={fid('type')} value={p.type} onChange={(e) => changeType(e.target.value as ProviderConfig['type'])} data-testid="provider-type">
            {PROVIDER_TYPES.map((t) => (
              <option key={t} value={t}>
                {PROVIDER_TYPE_LABELS[t]}
              </option>
            ))}
          </select>
          {errText('type')}
        </div>
        <div className="field span2">
          <label htmlFor={fid('skills')} className="field-label">
            Skills
          </label>
          <TagInput
            id={fid('skills')}
            value={p.skills ?? []}
            onChange={(skills) => {
              const { skills: _old, ...rest } = p;
              props.onChange(skills.length ? { ...rest, skills } : rest);
            }}
            placeholder="billing, address_change…"
            testId="provider-skills"
          />
          <small className="muted">Offloads for these skills go to this provider unless the bot names one.</small>
          {errText('skills')}
        </div>
      </div>

      {inboundUrl ? (
        <div className="field">
          <span className="field-label">
            {p.type === 'webhook'
              ? 'Callback URL (for the provider)'
              : p.type === 'genesys-bot-connector'
                ? 'Bot Connector URI for the Digital Bot Connector integration'
                : 'Webhook URL to configure in ' + PROVIDER_TYPE_LABELS[p.type]}
          </span>
          <CopyableUrl url={inboundUrl} label={`Copy the webhook URL of ${p.name}`} testId="provider-webhook-url" />
        </div>
      ) : null}

      {basic.length ? (
        <div className="form-grid two config-fields">
          {basic.map((f) => (
            <ConfigInput key={f.key} f={f} id={fid(f.key)} value={config[f.key]} error={errs[`config.${f.key}`]} onChange={(v) => setKey(f.key, v)} />
          ))}
        </div>
      ) : null}
      {advanced.length ? (
        <details className="advanced" open={advancedSet}>
          <summary>Advanced</summary>
          <div className="form-grid two config-fields">
            {advanced.map((f) => (
              <ConfigInput key={f.key} f={f} id={fid(f.key)} value={config[f.key]} error={errs[`config.${f.key}`]} onChange={(v) => setKey(f.key, v)} />
            ))}
          </div>
        </details>
      ) : null}

      {extras.length || p.type !== 'desk' ? (
        <div className="config">
          {extras.length ? <span className="field-label">Other settings</span> : null}
          {extras.map((k) => {
            const v = config[k];
            const secret = SECRET_KEY.test(k);
            const isObject = v !== null && typeof v === 'object';
            return (
              <div key={k}>
                <div className="row-inline">
                  <span className="config-key mono">{k}</span>
                  {isObject ? (
                    <code className="muted small">{JSON.stringify(v)}</code>
                  ) : (
                    <input
                      type={secret ? 'password' : 'text'}
                      value={String(v ?? '')}
                      autoComplete="off"
                      onFocus={(e) => secret && e.target.value === SECRET_MASK && e.target.select()}
                      onChange={(e) => setKey(k, e.target.value)}
                      aria-label={k}
                      aria-invalid={errs[`config.${k}`] ? true : undefined}
                    />
                  )}
                  {secret && v === SECRET_MASK ? <span className="muted small">stored</span> : null}
                  <button type="button" className="icon-btn" aria-label={`Remove ${k}`} onClick={() => setKey(k, undefined)}>
                    <Icon name="close" size={14} />
                  </button>
                </div>
                {errText(`config.${k}`)}
              </div>
            );
          })}
          <AddConfigKey onAdd={(k) => setKey(k, config[k] ?? '')} />
        </div>
      ) : null}
    </div>
  );
}

/** One typed config field of a provider (or a channel: Admin > Channels); `onChange(undefined)` removes the key. */
export function ConfigInput(props: { f: ConfigField; id: string; value: unknown; error?: string; onChange: (v: unknown) => void; testIdPrefix?: string }) {
  const { f, id, value } = props;
  const tid = `${props.testIdPrefix ?? 'provider'}-${f.key}`;
  const hintId = `${id}-hint`;
  const errId = `${id}-error`;
  const describedBy = [f.hint ? hintId : '', props.error ? errId : ''].filter(Boolean).join(' ') || undefined;
  const span = f.kind === 'mailboxMap' || f.kind === 'idMap' || f.kind === 'url' ? 'field span2' : 'field';
  if (f.kind === 'secret') {
    return (
      <div className={span}>
        <SecretField id={id} label={f.label} value={value} onChange={props.onChange} generate={f.generate} maxLength={f.maxLength} hint={f.hint} error={props.error} testId={tid} />
      </div>
    );
  }
  const text = value === undefined || value === null ? '' : String(value);
  const common = { id, 'aria-invalid': props.error ? true : undefined, 'aria-describedby': describedBy, 'data-testid': tid } as const;
  let control;
  if (f.kind === 'select') {
    const opts = f.options ?? [];
    control = (
      <select {...common} value={text} onChange={(e) => props.onChange(e.target.value || undefined)}>
        {f.optional || !text ? <option value="">{f.optional ? (f.defaultLabel ?? 'Default') : 'Choose…'}</option> : null}
        {opts.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
        {text && !opts.some((o) => o.value === text) ? <option value={text}>{text}</option> : null}
      </select>
    );
  } else if (f.kind === 'number') {
    control = <input {...common} type="number" inputMode="numeric" min={0} value={text} placeholder={f.placeholder} onChange={(e) => props.onChange(numberValue(e.target.value))} />;
  } else if (f.kind === 'boolean') {
    return (
      <div className={span}>
        <label className="check">
          <input type="checkbox" {...common} checked={typeof value === 'boolean' ? value : (f.defaultValue ?? false)} onChange={(e) => props.onChange(e.target.checked)} />
          {f.label}
        </label>
        {props.error ? (
          <small className="field-error" id={errId}>
            {props.error}
          </small>
        ) : null}
      </div>
    );
  } else if (f.kind === 'mailboxMap' || f.kind === 'idMap') {
    control = <MailboxMapEditor id={id} value={value} onChange={props.onChange} labels={f.mapLabels} testId={tid} />;
  } else {
    control = (
      <input
        {...common}
        type={f.kind === 'url' ? 'url' : 'text'}
        className={f.kind === 'url' ? 'mono' : undefined}
        value={text}
        placeholder={f.placeholder}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => props.onChange(f.optional && !e.target.value ? undefined : e.target.value)}
      />
    );
  }
  return (
    <div className={span}>
      {f.kind === 'mailboxMap' || f.kind === 'idMap' ? (
        <span className="field-label" id={`${id}-label`}>
          {f.label}
        </span>
      ) : (
        <label htmlFor={id} className="field-label">
          {f.label}
          {f.optional ? <span className="muted"> (optional)</span> : null}
        </label>
      )}
      {control}
      <FieldNotes hint={f.hint} hintId={hintId} error={props.error} errorId={errId} />
    </div>
  );
}

const MAILBOX_LABELS = { key: 'skill', value: 'mailbox id', add: 'Mailbox for a skill' };

/** A name → numeric id map as rows (Help Scout's skill → mailbox, Zendesk's variable → ticket field); half-filled rows stay on screen but are not saved. */
function MailboxMapEditor(props: { id: string; value: unknown; onChange: (v: Record<string, number> | undefined) => void; labels?: { key: string; value: string; add: string }; testId?: string }) {
  const labels = props.labels ?? MAILBOX_LABELS;
  const testId = props.labels ? props.testId : undefined;
  const [rows, setRows] = useState<MailboxRow[]>(() => mapToRows(props.value));
  const outside = JSON.stringify(rowsToMap(mapToRows(props.value)));
  useEffect(() => {
    // the settings were replaced (loaded or saved): show them
    setRows((cur) => (JSON.stringify(rowsToMap(cur)) === outside ? cur : mapToRows(JSON.parse(outside))));
  }, [outside]);
  const update = (next: MailboxRow[]) => {
    setRows(next);
    const map = rowsToMap(next);
    props.onChange(Object.keys(map).length ? map : undefined);
  };
  return (
    <div className="mailbox-map" role="group" aria-labelledby={`${props.id}-label`} data-testid={testId ?? 'provider-skill-mailboxes'}>
      {rows.map((r, i) => {
        const problem = mailboxRowProblem(rows, i, labels);
        return (
          <div key={i}>
            <div className="row-inline">
              <input value={r.skill} placeholder={labels.key} aria-label={`${capitalize(labels.key)} ${i + 1}`} aria-invalid={problem ? true : undefined} onChange={(e) => update(rows.map((x, j) => (j === i ? { ...x, skill: e.target.value } : x)))} />
              <span className="muted" aria-hidden="true">
                →
              </span>
              <input value={r.mailbox} inputMode="numeric" placeholder={labels.value} aria-label={`${capitalize(labels.value)} for ${labels.key} ${i + 1}`} aria-invalid={problem ? true : undefined} onChange={(e) => update(rows.map((x, j) => (j === i ? { ...x, mailbox: e.target.value } : x)))} />
              <button type="button" className="icon-btn" aria-label={`Remove ${labels.value} row ${i + 1}`} onClick={() => update(rows.filter((_, j) => j !== i))}>
                <Icon name="close" size={14} />
              </button>
            </div>
            {problem ? <small className="field-error">{problem}</small> : null}
          </div>
        );
      })}
      <button type="button" className="btn ghost small" onClick={() => setRows([...rows, { skill: '', mailbox: '' }])} data-testid={testId ? `${testId}-add` : 'provider-skill-mailbox-add'}>
        <Icon name="plus" size={14} /> {labels.add}
      </button>
    </div>
  );
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function AddConfigKey(props: { onAdd: (k: string) => void }) {
  const [k, setK] = useState('');
  return (
    <div className="row-inline">
      <input placeholder="other setting name" value={k} onChange={(e) => setK(e.target.value)} aria-label="New setting name" />
      <button
        type="button"
        className="btn ghost small"
        disabled={!k.trim()}
        onClick={() => {
          props.onAdd(k.trim());
          setK('');
        }}
      >
        Add setting
      </button>
    </div>
  );
}
