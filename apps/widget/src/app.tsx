// The chat UI: a launcher and a panel. Every message text is rendered as text (Preact text nodes);
// only http(s) URLs become links.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Button, Card, Message } from '@baton/proto';
import { AttachButton, AttachmentList, UploadTray, useUploads } from './attachments';
import type { BatonClient, WidgetState } from './client';
import { EndedChat } from './ended-chat';
import { stringsFor, type Strings } from './i18n';
import { RatingPrompt } from './rating';
// the zod-free constants only: the widget bundle stays without the schemas
import { LEAVE_MESSAGE_DIALOG as LEAVE_MESSAGE } from '../../../packages/proto/src/constants';
import type { Pending } from './timeline';

const MAX = 4000;

function Linkified({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return <>{parts.map((p, i) => (i % 2 ? <a key={i} href={p} target="_blank" rel="noopener noreferrer nofollow">{p}</a> : p))}</>;
}

function Buttons({ buttons, onPick, used = false }: { buttons: Button[]; onPick: (b: Button) => void; used?: boolean }) {
  return (
    <div class="buttons">
      {buttons.map((b) => (
        <button type="button" data-testid="widget-button" disabled={used} onClick={() => onPick(b)}>{b.title}</button>
      ))}
    </div>
  );
}

/** Cards side by side, with arrows while more lie out of view (a clipped card is otherwise easy to miss). */
function Cards({ cards, onPick, t }: { cards: Card[]; onPick: (b: Button) => void; t: Strings }) {
  const strip = useRef<HTMLDivElement>(null);
  const [edges, setEdges] = useState({ prev: false, next: false });
  useEffect(() => {
    const el = strip.current;
    if (!el) return;
    // 1 px of slack: a zoomed page scrolls by fractions and never quite reaches the end
    const measure = () => setEdges({ prev: el.scrollLeft > 1, next: el.scrollLeft + el.clientWidth < el.scrollWidth - 1 });
    measure();
    el.addEventListener('scroll', measure, { passive: true });
    const seen = typeof ResizeObserver === 'function' ? new ResizeObserver(measure) : null;
    seen?.observe(el);
    return () => {
      el.removeEventListener('scroll', measure);
      seen?.disconnect();
    };
  }, [cards.length]);
  const step = (dir: 1 | -1) => {
    const el = strip.current;
    const card = el?.querySelector<HTMLElement>('.card');
    el?.scrollBy({ left: dir * ((card?.offsetWidth ?? 200) + 8), behavior: 'smooth' });
  };
  return (
    <div class="cards">
      <div class="carousel" role="list" ref={strip}>
        {cards.map((c) => (
          <div class="card" role="listitem" data-testid="widget-card">
            {c.imageUrl && /^https?:\/\//.test(c.imageUrl) ? <img src={c.imageUrl} alt="" loading="lazy" /> : null}
            <div class="body">
              <h3>{c.title}</h3>
              {c.subtitle ? <p>{c.subtitle}</p> : null}
              {c.buttons?.length ? <Buttons buttons={c.buttons} onPick={onPick} /> : null}
            </div>
          </div>
        ))}
      </div>
      {edges.prev ? <button type="button" class="arrow prev" aria-label={t.prevCards} data-testid="widget-cards-prev" onClick={() => step(-1)}>‹</button> : null}
      {edges.next ? <button type="button" class="arrow next" aria-label={t.nextCards} data-testid="widget-cards-next" onClick={() => step(1)}>›</button> : null}
    </div>
  );
}

/** Up to two initials of a name, for the agent's avatar. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const picked = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words;
  return picked.map((w) => Array.from(w)[0]!.toUpperCase()).join('') || '?';
}

// The panel stays open across reloads and page changes on the same site, as a visitor expects.
const OPEN_KEY = 'baton-widget-open';
function rememberedOpen(): boolean {
  try {
    return localStorage.getItem(OPEN_KEY) === '1';
  } catch {
    return false; // storage blocked (private mode, sandboxed frame): start closed
  }
}
function rememberOpen(open: boolean) {
  try {
    if (open) localStorage.setItem(OPEN_KEY, '1');
    else localStorage.removeItem(OPEN_KEY);
  } catch {
    /* storage blocked: the panel simply starts closed next time */
  }
}

function Row({ m, t, onPick, client, answered }: { m: Message; t: Strings; onPick: (b: Button) => void; client: BatonClient; answered: boolean }) {
  if (m.author.type === 'system') {
    return <div class="system" data-testid="widget-system">{m.text}</div>;
  }
  const who = m.author.type === 'user' ? t.you : m.author.type === 'agent' ? (m.author.name ?? 'Agent') : (m.author.name ?? t.assistant);
  return (
    <div class={`row ${m.author.type}`} data-testid="widget-message" data-author={m.author.type} data-seq={m.seq}>
      <span class="who">{who}</span>
      {m.text ? <div class="bubble" data-testid="widget-text"><Linkified text={m.text} /></div> : null}
      {m.attachments?.length ? <AttachmentList attachments={m.attachments} client={client} t={t} /> : null}
      {m.cards?.length ? <Cards cards={m.cards} onPick={onPick} t={t} /> : null}
      {m.buttons?.length ? <Buttons buttons={m.buttons} onPick={onPick} used={answered} /> : null}
    </div>
  );
}

function PendingRow({ p, t, client }: { p: Pending; t: Strings; client: BatonClient }) {
  return (
    <div class="row user" data-testid="widget-pending" data-state={p.state}>
      {p.text ? <div class="bubble">{p.text}</div> : null}
      {p.attachments?.length ? <div class="files">{p.attachments.map((a) => <span key={a.id} class="file-chip">{a.name}</span>)}</div> : null}
      <span class={`status ${p.state === 'failed' ? 'failed' : ''}`}>
        {p.state === 'sending' ? t.sending : p.state === 'retrying' ? t.retrying : `${t.failed}${p.error ? `: ${p.error}` : ''}`}
        {p.state === 'failed' ? (
          <>
            {' '}
            <button type="button" onClick={() => client.retry(p.key)}>↻</button>
            <button type="button" onClick={() => client.discard(p.key)}>✕</button>
          </>
        ) : null}
      </span>
    </div>
  );
}

/** `t`: the strings of the page's language until the conversation has its own; `title`: the configured one, if any */
export function App(props: { client: BatonClient; t: Strings; title?: string; startOpen: boolean }) {
  const { client } = props;
  const [s, setS] = useState<WidgetState>(client.state);
  const t = stringsFor(s.conversation?.language, props.t);
  const title = props.title ?? t.title;
  const [open, setOpen] = useState(() => props.startOpen || rememberedOpen());
  const [draft, setDraft] = useState('');
  const [unread, setUnread] = useState(0);
  const log = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const launcher = useRef<HTMLButtonElement>(null);
  const typingOff = useRef<ReturnType<typeof setTimeout>>();
  const seen = useRef(client.state.messages.length);
  const files = useUploads(client, t);

  useEffect(() => client.subscribe(() => setS(client.state)), [client]);
  useEffect(() => {
    rememberOpen(open);
    if (open) void client.ensure().catch(() => undefined);
  }, [open, client]);
  useEffect(() => {
    const fresh = s.messages.length - seen.current;
    seen.current = s.messages.length;
    if (!open && fresh > 0) setUnread((u) => u + s.messages.slice(-fresh).filter((m) => m.author.type !== 'user').length);
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [s.messages.length, s.pending.length, s.typing, open]);
  useEffect(() => {
    if (open) {
      setUnread(0);
      setTimeout(() => input.current?.focus(), 0);
    }
  }, [open]);

  const close = () => {
    setOpen(false);
    setTimeout(() => launcher.current?.focus(), 0);
  };
  const submit = () => {
    const text = draft.trim();
    // a message may be files alone; it waits for uploads still running
    if ((!text && !files.ready.length) || text.length > MAX || files.busy) return;
    setDraft('');
    clearTimeout(typingOff.current);
    client.typing(false);
    void client.send(text, undefined, files.ready);
    files.clear();
  };
  const pick = (b: Button) => void client.send(b.title, b.payload);
  const onInput = (v: string) => {
    setDraft(v);
    client.typing(true);
    clearTimeout(typingOff.current);
    typingOff.current = setTimeout(() => client.typing(false), 3000);
  };

  const conv = s.conversation;
  const agentName = conv?.status === 'agent' ? (conv.assignee?.name ?? 'Agent') : null;
  const over = draft.length - MAX;
  // quick replies answer the question they came with: once the user has said anything after them, they are spent
  const lastUserSeq = s.messages.reduce((max, m) => (m.author.type === 'user' && m.seq > max ? m.seq : max), -1);
  const waitMin = useMemo(() => (conv?.estimatedWaitSeconds ? Math.max(1, Math.round(conv.estimatedWaitSeconds / 60)) : null), [conv?.estimatedWaitSeconds]);

  return (
    <>
      {open ? (
        <div class="panel" role="dialog" aria-label={title} data-testid="widget-panel" onKeyDown={(e) => e.key === 'Escape' && close()} {...files.handlers}>
          <div class="head">
            {agentName ? <span class="avatar" aria-hidden="true" data-testid="widget-avatar">{initials(agentName)}</span> : null}
            <h2>
              {title}
              {/* the one "chatting with" line (announced when it changes); no second banner repeats it */}
              <span class="sub" role="status" data-testid="widget-subtitle">
                {agentName ? <span data-testid="widget-agent">{t.withAgent(agentName)}</span> : t.assistant}
              </span>
            </h2>
            {conv && !s.ended ? (
              <button type="button" class="icon" data-testid="widget-end" onClick={() => void client.end()}>{t.end}</button>
            ) : null}
            <button type="button" class="icon" aria-label={t.close} onClick={close}>✕</button>
          </div>
          {s.connection === 'reconnecting' ? <div class="banner warn" role="status" data-testid="widget-reconnecting">{t.reconnecting}</div> : null}
          {s.notice === 'tooFast' ? <div class="banner warn" role="status">{t.tooFast}</div> : null}
          {conv?.status === 'offloaded' ? (
            <div class="banner wait" role="status" data-testid="widget-waiting">
              {/* honest waits: no estimate while nobody eligible is online, and a way to leave a message instead */}
              <span>{conv.agentsAvailable === false ? t.nobodyOnline(conv.queuePosition ?? null) : t.waiting(conv.queuePosition ?? null, waitMin)}</span>
              {conv.agentsAvailable === false ? (
                <button type="button" data-testid="widget-leave-message" onClick={() => void client.send(t.leaveMessage, LEAVE_MESSAGE)}>{t.leaveMessage}</button>
              ) : null}
              <button type="button" data-testid="widget-cancel-wait" onClick={() => void client.cancelWaiting()}>{t.cancelWait}</button>
            </div>
          ) : null}
          <div class="log" ref={log} role="log" aria-live="polite" aria-relevant="additions" data-testid="widget-log">
            {s.ended && !s.messages.length ? <div class="system">{t.ended}</div> : null}
            {s.messages.filter((m) => !m.internal).map((m) => (
              <Row key={m.id} m={m} t={t} onPick={pick} client={client} answered={m.seq < lastUserSeq} />
            ))}
            {s.pending.map((p) => (
              <PendingRow key={p.key} p={p} t={t} client={client} />
            ))}
            {s.rateFor && (s.ended || conv?.status === 'closed') ? <RatingPrompt key={s.rateFor.id} client={client} target={s.rateFor} t={t} /> : null}
          </div>
          {s.ended && conv ? <EndedChat client={client} t={t} /> : null}
          <div class="typing" aria-live="polite" data-testid="widget-typing">{s.typing !== null ? t.typing(s.typing || (agentName ?? t.assistant)) : ''}</div>
          <UploadTray uploads={files.uploads} onRemove={files.remove} t={t} />
          <form
            hidden={s.ended && Boolean(conv)}
            class="compose"
            onSubmit={(e) => {
              e.preventDefault();
              submit();
            }}
          >
            <AttachButton onFiles={files.add} t={t} />
            <label class="sr" for="baton-input">{t.placeholder}</label>
            <textarea
              id="baton-input"
              ref={input}
              rows={1}
              value={draft}
              placeholder={t.placeholder}
              data-testid="widget-input"
              aria-invalid={over > 0}
              onInput={(e) => onInput((e.target as HTMLTextAreaElement).value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault();
                  submit();
                }
              }}
            />
            <button type="submit" class="send" data-testid="widget-send" disabled={(!draft.trim() && !files.ready.length) || over > 0 || files.busy}>{t.send}</button>
          </form>
          {draft.length > MAX - 500 ? (
            <div class={`counter ${over > 0 ? 'over' : ''}`} aria-live="polite">{over > 0 ? t.tooLong(over) : t.left(MAX - draft.length)}</div>
          ) : null}
        </div>
      ) : null}
      <button
        type="button"
        class={`launcher ${open ? 'is-open' : ''}`}
        ref={launcher}
        data-testid="widget-launcher"
        aria-expanded={open}
        // the badge's number is part of the name: what is seen is what a voice user says
        aria-label={open ? t.close : unread > 0 ? `${t.open} (${unread} ${props.t.newMessages})` : t.open}
        onClick={() => (open ? close() : setOpen(true))}
      >
        <svg width="28" height="28" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
          {open ? <path d="M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z" /> : <path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z" />}
        </svg>
        {!open && unread > 0 ? <span class="badge" aria-hidden="true">{unread}</span> : null}
      </button>
    </>
  );
}
