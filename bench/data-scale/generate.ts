// The data-scale benchmark's data set: months of conversations written through the store's own write
// path (openStore, its write queue, the message row builder and INSERT_MESSAGE of store/statements.ts,
// setTimer, writeSetting, and Kysely inserts typed by store/schema.ts where a command's writes are not
// a reusable function), so a schema change breaks this build instead of the benchmark silently.
//
// `scale` resolved conversations in the mix of the data-scale finding (bench/NOTES.md), ~1,700 a day
// ending two hours before now, oldest first; then a live part: 100 waiting, 20 live chats and one of
// 2,005 messages. Deterministic for a seed (ids, tokens and timestamps aside).
import { OffloadingSettings } from '@baton/proto';
import { hash } from '@node-rs/argon2';
import type { Insertable } from 'kysely';
import { sql } from 'kysely';
import { defaultOffloadingSettings, validateOffloadingSettings } from '../../apps/server/src/domain/offloading-settings.js';
import { messageRow, type NewMessageInput } from '../../apps/server/src/store/conversations.js';
import { openStore, type Store } from '../../apps/server/src/store/database.js';
import { hot } from '../../apps/server/src/store/hot.js';
import { toJson } from '../../apps/server/src/store/json.js';
import type { Database, MessageRow, NewConversation } from '../../apps/server/src/store/schema.js';
import { writeSetting } from '../../apps/server/src/store/settings.js';
import { defaultRetentionSettings } from '../../apps/server/src/domain/retention.js';
import { INITIAL_STATUS } from '../../apps/server/src/domain/conversation-machine.js';
import { INSERT_MESSAGE, messageValues } from '../../apps/server/src/store/statements.js';
import { setTimer } from '../../apps/server/src/store/timers.js';
import type { Dialect, Tx } from '../../apps/server/src/store/types.js';
import { hashToken, newId, newSortableId, newToken } from '../../apps/server/src/tokens.js';
import * as T from './texts.js';

/** bump when what is generated changes: cached data sets (bench/.cache) of another version are not reused */
export const GENERATOR_VERSION = 4;

export type Kind = 'bot' | 'ended' | 'explicit' | 'address' | 'handback' | 'cancelled' | 'transferred';
/** the finding's mix of resolved conversations (section 1) */
export const MIX: ReadonlyArray<readonly [Kind, number]> = [
  ['bot', 0.35],
  ['ended', 0.1],
  ['explicit', 0.25],
  ['address', 0.15],
  ['handback', 0.05],
  ['cancelled', 0.05],
  ['transferred', 0.05],
];
export const LIVE = { waiting: 100, chats: 20, longMessages: 2005 };
export const PER_DAY = 1700;

type AgentKey = 'admin' | 'sup1' | 'a1' | 'a2' | 'a3' | 'a4' | 'a5' | 'a6' | 'a7';
interface AgentDef {
  key: AgentKey;
  email: string;
  name: string;
  role: 'admin' | 'supervisor' | 'agent';
  skills: string[];
  languages: T.Lang[];
  password: string;
}
const ALL: T.Lang[] = ['en', 'nl', 'fr'];
/** the admin's credentials are the ones bench/lib.ts startBaton gives (an existing admin is kept) */
export const AGENTS: readonly AgentDef[] = [
  { key: 'admin', email: 'admin@example.com', name: 'Administrator', role: 'admin', skills: ['general', 'address_change'], languages: ALL, password: 'admin-password' },
  { key: 'sup1', email: 'sup1@example.com', name: 'Sofie Supervisor', role: 'supervisor', skills: ['general', 'address_change'], languages: ALL, password: 'bench-password' },
  { key: 'a1', email: 'a1@example.com', name: 'Anna Agent', role: 'agent', skills: ['general'], languages: ALL, password: 'bench-password' },
  { key: 'a2', email: 'a2@example.com', name: 'Bert Agent', role: 'agent', skills: ['general'], languages: ['en', 'nl'], password: 'bench-password' },
  { key: 'a3', email: 'a3@example.com', name: 'Chloé Agent', role: 'agent', skills: ['general'], languages: ['fr'], password: 'bench-password' },
  { key: 'a4', email: 'a4@example.com', name: 'Dirk Agent', role: 'agent', skills: ['general', 'address_change'], languages: ['nl', 'en'], password: 'bench-password' },
  { key: 'a5', email: 'a5@example.com', name: 'Elise Agent', role: 'agent', skills: ['address_change'], languages: ['fr', 'en'], password: 'bench-password' },
  { key: 'a6', email: 'a6@example.com', name: 'Frank Agent', role: 'agent', skills: ['general', 'address_change'], languages: ALL, password: 'bench-password' },
  { key: 'a7', email: 'a7@example.com', name: 'Greet Agent', role: 'agent', skills: ['general'], languages: ['nl'], password: 'bench-password' },
];

/** What the measurement needs to know about a generated set (saved beside a cached one as fixture.json). */
export interface ScaleFixture {
  version: number;
  scale: number;
  dialect: Dialect;
  generatedAt: number;
  generationSeconds: number;
  /** the resolved conversations' time span */
  span: { from: number; to: number };
  agents: Record<AgentKey, { id: string; email: string; password: string }>;
  /** the live chat of 2,005 messages, with its user token (channel message paging) */
  long: { id: string; token: string };
  /** the live chats (status agent) with their user tokens: where the send test's users write */
  chats: Array<{ id: string; token: string }>;
  /** a closed conversation of a few messages */
  short: { id: string };
  /** a conversation of a verified user with earlier conversations (user history) */
  returning: { id: string };
  search: { match: string; noMatch: string };
  counts: {
    conversations: number;
    byStatus: Record<string, number>;
    byKind: Record<string, number>;
    messages: number;
    events: Record<string, number>;
    endUsers: number;
    conversationAgents: number;
    timers: number;
  };
}

/** mulberry32: a small seeded generator, so a scale always gives the same data */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <V>(xs: readonly V[]): V => xs[Math.floor(next() * xs.length)]!,
  };
}
type Rng = ReturnType<typeof rng>;

type NewEvent = Insertable<Database['conversation_events']>;
type NewEndUser = Insertable<Database['end_users']>;
type NewHandler = Insertable<Database['conversation_agents']>;

interface Rows {
  endUsers: NewEndUser[];
  conversations: NewConversation[];
  messages: MessageRow[];
  events: NewEvent[];
  handlers: NewHandler[];
}
const emptyRows = (): Rows => ({ endUsers: [], conversations: [], messages: [], events: [], handlers: [] });

const SECOND = 1000;
const BOT_STATE = toJson({ runtime: {}, welcomed: true, pendingDialog: null });
const PROVIDER = { id: 'desk', name: 'Baton desk' };

interface Agent extends AgentDef {
  id: string;
}

/**
 * One conversation's transcript as the commands write it: messages numbered from 1, and for every
 * system line the conversation_events row systemLine (commands/conversation-events.ts) records with it.
 */
class Transcript {
  readonly messages: MessageRow[] = [];
  readonly events: NewEvent[] = [];
  lastUserSeq = 0;
  botTurns = 0;
  constructor(
    readonly id: string,
    public t: number,
    readonly lang: T.Lang,
    private readonly r: Rng,
  ) {}

  private add(input: Omit<NewMessageInput, 'conversationId'>, gapMs: number): MessageRow {
    this.t += gapMs;
    const row = messageRow({ ...input, conversationId: this.id }, this.messages.length + 1, this.t);
    this.messages.push(row);
    return row;
  }
  user(text: string): void {
    this.add({ authorType: 'user', text }, this.r.int(8, 90) * SECOND);
    this.lastUserSeq = this.messages.length;
  }
  bot(text: string, extra: Pick<NewMessageInput, 'buttons' | 'cards'> = {}): void {
    this.botTurns++;
    this.add({ authorType: 'bot', authorName: T.BOT_NAME, text, ...extra }, this.r.int(2, 6));
  }
  agent(a: Agent, text: string, internal = false): void {
    this.add({ authorType: 'agent', authorId: a.id, authorName: a.name, text, internal }, this.r.int(15, 120) * SECOND);
  }
  system(event: string, text: string, o: { visible: boolean; agentId?: string | null; data?: Record<string, unknown>; gapMs?: number }): void {
    this.add({ authorType: 'system', text, event, internal: !o.visible, data: o.data }, o.gapMs ?? this.r.int(1, 4));
    this.events.push({ id: newSortableId(), conversation_id: this.id, type: event, agent_id: o.agentId ?? null, data: o.data === undefined ? null : toJson(o.data), created_at: this.t });
  }
  wait(seconds: number): void {
    this.t += seconds * SECOND;
  }
  /** what creating the conversation records (an event without a transcript line): analytics counts it as started */
  started(): void {
    this.events.push({ id: newSortableId(), conversation_id: this.id, type: 'conversation.started', agent_id: null, data: toJson({ fromStatus: INITIAL_STATUS, language: this.lang }), created_at: this.t });
  }
}

interface Built {
  conv: NewConversation;
  transcript: Transcript;
  handlers: NewHandler[];
  token: string;
}

interface Ctx {
  r: Rng;
  agents: Record<AgentKey, Agent>;
  plain: Agent[];
}

function welcome(tr: Transcript) {
  const buttons = T.WELCOME_BUTTONS[tr.lang].map((title, i) => ({ title, payload: T.WELCOME_GOTO[i]! }));
  tr.bot(T.WELCOME[tr.lang], { buttons });
}

function botTopics(tr: Transcript, r: Rng, n: number) {
  for (let i = 0; i < n; i++) {
    const topic = r.pick(T.BOT_TOPICS);
    tr.user(topic.user[tr.lang]);
    const cards = topic.cards ? [{ title: 'Customer service', subtitle: 'Mon–Fri 9:00–17:00' }, { title: 'Self-service', subtitle: 'This assistant, day and night' }] : undefined;
    tr.bot(topic.bot[tr.lang], { cards });
  }
}

interface Handover {
  reason: string;
  trigger: string;
  dialog: string;
  skill: string;
  requestedAt: number;
  tags: string[];
  variables: Record<string, string>;
}

/** the bot's offload step and requestHandover's line (commands/request-handover.ts) */
function offload(tr: Transcript, h: Omit<Handover, 'requestedAt'>): Handover {
  tr.bot(T.WAIT[tr.lang]);
  const data = { trigger: h.trigger, reason: h.reason, skill: h.skill, language: tr.lang, providerId: PROVIDER.id, dialog: h.dialog };
  tr.system('conversation.offloaded', `Handover requested (${h.trigger}): ${h.reason} — skill ${h.skill}, language ${tr.lang}, provider ${PROVIDER.name}`, { visible: false, data, gapMs: 0 });
  return { ...h, requestedAt: tr.t };
}

const EXPLICIT = { reason: 'the user asked for a person', trigger: 'explicit', dialog: 'talk_to_agent', skill: 'general', tags: [], variables: {} };

/** claimForAgent's line (commands/assign.ts); the wait is in whole seconds as it records it */
function assign(tr: Transcript, a: Agent, h: Handover, waitSeconds: number | null, how: 'accept' | 'transfer', from: string | null) {
  tr.wait(waitSeconds ?? 0);
  const name = how === 'transfer' ? 'conversation.transferred' : 'conversation.assigned';
  const text = how === 'transfer' ? `${a.name} took over the conversation` : `${a.name} joined the conversation`;
  tr.system(name, text, { visible: true, agentId: a.id, data: { agentId: a.id, agentName: a.name, how, waitSeconds, skill: h.skill, language: tr.lang, from } });
}

function closeBy(tr: Transcript, actor: Agent, assignee: string) {
  tr.system('conversation.closed', `${actor.name} closed the conversation`, { visible: true, agentId: actor.id, data: { agentId: assignee }, gapMs: 30 * SECOND });
}

function eligible(ctx: Ctx, skill: string, lang: T.Lang): Agent {
  const ok = ctx.plain.filter((a) => a.skills.includes(skill) && a.languages.includes(lang));
  return ctx.r.pick(ok.length ? ok : ctx.plain);
}

function chat(tr: Transcript, r: Rng, a: Agent, exchanges: number) {
  tr.agent(a, T.AGENT_REPLIES[0]![tr.lang]);
  for (let i = 0; i < exchanges; i++) {
    tr.user(r.pick(T.USER_QUESTIONS)[tr.lang]);
    tr.agent(a, T.AGENT_REPLIES[r.int(1, T.AGENT_REPLIES.length - 1)]![tr.lang]);
  }
}

interface EndUser {
  id: string;
  name: string | null;
  verified: boolean;
  conversations: string[];
}

function personName(r: Rng): string {
  // Janssens, the most common Belgian surname, is the one searched for: one name in ten
  const surname = r.next() < 0.1 ? 'Janssens' : r.pick(T.SURNAMES.slice(1));
  return `${r.pick(T.FIRST_NAMES)} ${surname}`;
}

/**
 * A resolved conversation of `kind` starting at `start` (and how its row, transcript and handlers
 * look once the commands of its story have run).
 */
function resolved(ctx: Ctx, kind: Kind, start: number, user: EndUser): Built {
  const { r } = ctx;
  const lang: T.Lang = r.next() < 0.5 ? 'en' : r.next() < 0.7 ? 'nl' : 'fr';
  const id = newId();
  const tr = new Transcript(id, start, lang, r);
  tr.started();
  welcome(tr);
  let status = 'bot';
  let handover: Handover | null = null;
  let assignee: Agent | null = null;
  let closedAt: number | null = null;
  let historyAt: number | null = null;
  let assignedAt: number | null = null;
  const handled: Agent[] = [];
  let variables: Record<string, string> = {};
  const assignTo = (a: Agent, wait: number | null, how: 'accept' | 'transfer', from: string | null) => {
    assign(tr, a, handover!, wait, how, from);
    assignee = a;
    assignedAt = tr.t;
    if (!handled.includes(a)) handled.push(a);
  };
  const waitSeconds = () => (r.next() < 0.7 ? r.int(5, 180) : r.int(180, 1800));
  const close = (actor: Agent | null) => {
    if (actor) closeBy(tr, actor, actor.id);
    status = 'closed';
    closedAt = tr.t;
    historyAt = tr.t;
  };
  /** the user asks for a person, waits, and an agent of the skill takes it and answers */
  const explicitChat = (exchanges: number): Agent => {
    tr.user(T.ASK_AGENT[lang]);
    handover = offload(tr, EXPLICIT);
    const a = eligible(ctx, 'general', lang);
    assignTo(a, waitSeconds(), 'accept', null);
    chat(tr, r, a, exchanges);
    return a;
  };
  switch (kind) {
    case 'bot':
      botTopics(tr, r, r.int(2, 10));
      break;
    case 'ended':
      botTopics(tr, r, r.int(1, 5));
      tr.system('conversation.ended', 'The user ended the conversation', { visible: false, gapMs: r.int(10, 120) * SECOND });
      close(null);
      break;
    case 'explicit': {
      botTopics(tr, r, r.int(0, 2));
      const a = explicitChat(r.int(1, 5));
      tr.agent(a, r.pick(T.NOTES), true);
      close(a);
      break;
    }
    case 'address': {
      const name = user.name ?? personName(r);
      const address = `${r.pick(T.STREETS)} ${r.int(1, 220)}, ${r.pick(T.CITIES)}`;
      const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com`;
      tr.user(T.ADDRESS.user[lang]);
      tr.bot(T.ADDRESS.askName[lang]);
      tr.user(name);
      tr.bot(T.ADDRESS.askAddress[lang]);
      tr.user(address);
      tr.bot(T.ADDRESS.askEmail[lang]);
      tr.user(email);
      tr.bot(T.ADDRESS.thanks[lang].replace('{name}', name).replace('{address}', address));
      variables = { name, new_address: address, email };
      handover = offload(tr, { reason: 'address change needs manual input in the subscription system', trigger: 'flow_end', dialog: 'address_change', skill: 'address_change', tags: ['address_change'], variables });
      const a = eligible(ctx, 'address_change', lang);
      assignTo(a, waitSeconds(), 'accept', null);
      tr.agent(a, T.AGENT_REPLIES[5]![lang]);
      tr.user(T.USER_QUESTIONS[T.USER_QUESTIONS.length - 1]![lang]);
      close(a);
      break;
    }
    case 'handback': {
      const a = explicitChat(1);
      tr.system('conversation.handed_back', `${a.name} handed the conversation back to the bot`, { visible: true, agentId: a.id, data: { agentId: a.id, dialog: null, variables: [] }, gapMs: 20 * SECOND });
      historyAt = tr.t;
      assignee = null;
      botTopics(tr, r, 1);
      break;
    }
    case 'cancelled':
      botTopics(tr, r, r.int(0, 1));
      tr.user(T.ASK_AGENT[lang]);
      handover = offload(tr, EXPLICIT);
      tr.system('conversation.cancelled', 'The user stopped waiting for an agent', { visible: false, data: { detail: null }, gapMs: r.int(20, 300) * SECOND });
      tr.bot(T.CANCELLED[lang]);
      botTopics(tr, r, r.int(0, 1));
      break;
    case 'transferred': {
      const a = explicitChat(1);
      const sup = ctx.agents.sup1;
      assignTo(sup, null, 'transfer', a.id);
      tr.agent(sup, T.AGENT_REPLIES[6]![lang]);
      tr.user(T.USER_QUESTIONS[T.USER_QUESTIONS.length - 1]![lang]);
      close(sup);
      break;
    }
  }
  return finish(tr, { status, handover, assignee, assignedAt, closedAt, handled, variables, user, queuedAt: null, historyAt });
}

function finish(
  tr: Transcript,
  s: { status: string; handover: Handover | null; assignee: Agent | null; assignedAt: number | null; closedAt: number | null; handled: Agent[]; variables: Record<string, string>; user: EndUser; queuedAt: number | null; historyAt?: number | null },
): Built {
  const token = newToken('cu');
  const h = s.handover;
  const conv: NewConversation = {
    id: tr.id,
    bot_id: 'demo',
    channel_id: null,
    status: s.status,
    language: tr.lang,
    locale_given: 1,
    skill: h?.skill ?? null,
    provider_id: h ? PROVIDER.id : null,
    assignee_id: s.assignee?.id ?? null,
    assignee_name: s.assignee?.name ?? null,
    end_user_id: s.user.id,
    token_hash: hashToken(token),
    tags: toJson(h?.tags ?? []),
    variables: toJson(s.variables),
    bot_state: BOT_STATE,
    bot_version: tr.botTurns,
    bot_seq: tr.lastUserSeq,
    handover: h ? toJson({ reason: h.reason, trigger: h.trigger, dialog: h.dialog, providerId: PROVIDER.id, requestedAt: h.requestedAt, note: null, skill: h.skill, language: tr.lang, tags: h.tags, variables: h.variables }) : null,
    last_seq: tr.messages.length,
    queued_at: s.queuedAt,
    assigned_at: s.assignedAt,
    created_at: tr.messages[0]!.created_at,
    updated_at: tr.t,
    closed_at: s.closedAt,
    // when it entered History (a close or a hand-back: commands/transition.ts), as the command leaves it
    history_at: s.historyAt ?? null,
    handled_by: s.handled.length ? JSON.stringify(s.handled.map((a) => a.id)) : null,
  };
  // the last time each agent took it (recordHandler's upsert keeps the latest)
  const handlers = s.handled.map((a) => {
    const taken = tr.events.filter((e) => e.agent_id === a.id && (e.type === 'conversation.assigned' || e.type === 'conversation.transferred')).at(-1);
    return { agent_id: a.id, conversation_id: tr.id, handled_at: taken?.created_at ?? tr.t };
  });
  s.user.conversations.push(tr.id);
  return { conv, transcript: tr, handlers, token };
}

/** the waiting and live conversations of today (and the one with 2,005 messages) */
function live(ctx: Ctx, kind: 'waiting' | 'chat' | 'long', start: number, user: EndUser, i: number): Built {
  const { r } = ctx;
  const lang: T.Lang = (['en', 'nl', 'fr'] as const)[i % 3]!;
  const tr = new Transcript(newId(), start, lang, r);
  tr.started();
  welcome(tr);
  if (kind === 'waiting' && i % 3 === 2) {
    const name = user.name ?? personName(r);
    tr.user(T.ADDRESS.user[lang]);
    tr.user(name);
    const variables = { name, new_address: `${r.pick(T.STREETS)} ${r.int(1, 220)}, ${r.pick(T.CITIES)}`, email: 'waiting@example.com' };
    const handover = offload(tr, { reason: 'address change needs manual input in the subscription system', trigger: 'flow_end', dialog: 'address_change', skill: 'address_change', tags: ['address_change'], variables });
    return finish(tr, { status: 'offloaded', handover, assignee: null, assignedAt: null, closedAt: null, handled: [], variables, user, queuedAt: handover.requestedAt });
  }
  tr.user(T.ASK_AGENT[lang]);
  const handover = offload(tr, EXPLICIT);
  if (kind === 'waiting') return finish(tr, { status: 'offloaded', handover, assignee: null, assignedAt: null, closedAt: null, handled: [], variables: {}, user, queuedAt: handover.requestedAt });
  const a = kind === 'long' ? ctx.agents.a1 : ctx.plain[i % ctx.plain.length]!;
  assign(tr, a, handover, r.int(5, 120), 'accept', null);
  const assignedAt = tr.t;
  if (kind === 'long') {
    for (let k = 0; tr.messages.length < LIVE.longMessages; k++) {
      tr.user(`${r.pick(T.USER_QUESTIONS)[lang]} (${k + 1})`);
      tr.agent(a, T.AGENT_REPLIES[1 + (k % (T.AGENT_REPLIES.length - 1))]![lang]);
    }
  } else {
    chat(tr, r, a, r.int(0, 2));
  }
  return finish(tr, { status: 'agent', handover, assignee: a, assignedAt, closedAt: null, handled: [a], variables: {}, user, queuedAt: null });
}

/** Writes a batch of rows in the caller's transaction (a write-queue job): multi-row inserts. */
async function writeRows(tx: Tx, rows: Rows): Promise<void> {
  for (const part of chunks(rows.endUsers, 1000)) await tx.insertInto('end_users').values(part).execute();
  // 25 columns: within SQLite's 32,766 bound parameters per statement
  for (const part of chunks(rows.conversations, 400)) await tx.insertInto('conversations').values(part).execute();
  for (const part of chunks(rows.messages, 1000)) await hot(tx, insertMessages(part.length), part.flatMap((m) => messageValues(m, m.seq)));
  for (const part of chunks(rows.events, 2000)) await tx.insertInto('conversation_events').values(part).execute();
  for (const part of chunks(rows.handlers, 2000)) await tx.insertInto('conversation_agents').values(part).execute();
}

/** INSERT_MESSAGE (the statement every message write runs) with `n` rows of values */
const insertTexts = new Map<number, string>();
function insertMessages(n: number): string {
  let text = insertTexts.get(n);
  if (!text) {
    const tuple = INSERT_MESSAGE.slice(INSERT_MESSAGE.lastIndexOf('('));
    text = INSERT_MESSAGE + `, ${tuple}`.repeat(n - 1);
    insertTexts.set(n, text);
  }
  return text;
}

function chunks<V>(xs: V[], size: number): V[][] {
  const out: V[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

export interface GenerateOptions {
  scale: number;
  /** SQLite: the data dir to write (empty or new) */
  dataDir?: string;
  /** PostgreSQL: an empty database */
  databaseUrl?: string;
  seed?: number;
  log?: (line: string) => void;
}

/** Generates the set into an empty store; answers what the measurement needs to find in it. */
export async function generate(opts: GenerateOptions): Promise<ScaleFixture> {
  const started = Date.now();
  if (!opts.dataDir && !opts.databaseUrl) throw new Error('generate: a dataDir or a databaseUrl');
  // NORMAL: a crash while generating loses the set anyway (no fsync per batch)
  const store = await openStore({ dataDir: opts.dataDir ?? '', databaseUrl: opts.databaseUrl, sqliteSynchronous: 'NORMAL', writeLanes: 2 });
  try {
    // the generator's connection only (not stored in the file): a 256 MB page cache, as the indexes on
    // random ids (conversations, tokens, a conversation's messages) outgrow the default 2 MB and the
    // inserts then spend their time re-reading pages
    if (store.dialect === 'sqlite') await sql`pragma cache_size = -262144`.execute(store.db);
    return await fill(store, opts, started);
  } finally {
    await store.close();
  }
}

async function fill(store: Store, opts: GenerateOptions, started: number): Promise<ScaleFixture> {
  const r = rng(opts.seed ?? opts.scale);
  const now = Date.now();
  const counts: ScaleFixture['counts'] = { conversations: 0, byStatus: {}, byKind: {}, messages: 0, events: {}, endUsers: 0, conversationAgents: 0, timers: 0 };

  // agents (argon2id as commands/auth.ts hashPassword makes it: that module's imports reach the HTTP
  // layer's types), settings (as PUT /settings/offloading validates them): auto routing, always open, the
  // longest waiting timeout, so today's queue stays (its agents are offline)
  const hashes = new Map<string, string>();
  for (const a of AGENTS) if (!hashes.has(a.password)) hashes.set(a.password, await hash(a.password));
  const agents = Object.fromEntries(AGENTS.map((a) => [a.key, { ...a, id: newId() }])) as Record<AgentKey, Agent>;
  const settings = OffloadingSettings.parse({ ...defaultOffloadingSettings(), waitingTimeoutSeconds: 7 * 24 * 3600 });
  const problems = validateOffloadingSettings(settings);
  if (problems.length) throw new Error(`generated settings invalid: ${JSON.stringify(problems)}`);
  await store.write.run(async (tx) => {
    for (const a of Object.values(agents)) {
      await tx
        .insertInto('agents')
        .values({ id: a.id, email: a.email, name: a.name, password_hash: hashes.get(a.password)!, role: a.role, skills: JSON.stringify(a.skills), languages: JSON.stringify(a.languages), max_concurrent: 5, status: 'offline', last_seen_at: null, created_at: now - 200 * 86_400_000, updated_at: now, deleted_at: null })
        .execute();
    }
    await writeSetting(tx, 'offloading', settings, now);
    // idle closing off: the 135k conversations left with the bot stay in status `bot`, as in the
    // finding's data (a worst case for the bot list), and the first start does not spend minutes closing them
    await writeSetting(tx, 'retention', { ...defaultRetentionSettings(), idleCloseHours: null }, now);
  });
  const ctx: Ctx = { r, agents, plain: Object.values(agents).filter((a) => a.role === 'agent') };

  // end users: a quarter of conversations come back from an earlier verified user; the others are
  // new, half of them verified (name and e-mail known), half anonymous claims
  const verified: EndUser[] = [];
  const userFor = (rows: Rows, at: number): EndUser => {
    if (verified.length > 10 && r.next() < 0.25) return r.pick(verified);
    const id = newId();
    const known = r.next() < 0.5;
    const name = known ? personName(r) : null;
    const external = known ? `u-${rows.endUsers.length}-${id.slice(0, 8)}` : null;
    rows.endUsers.push({ id, external_id: external, name, email: name ? `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com` : null, created_at: at, verified_id: external ? `web:${external}` : null });
    counts.endUsers++;
    const u = { id, name, verified: known, conversations: [] };
    if (known) verified.push(u);
    return u;
  };
  const take = (rows: Rows, b: Built, kind: string) => {
    rows.conversations.push(b.conv);
    rows.messages.push(...b.transcript.messages);
    rows.events.push(...b.transcript.events);
    rows.handlers.push(...b.handlers);
    counts.conversations++;
    counts.byStatus[b.conv.status] = (counts.byStatus[b.conv.status] ?? 0) + 1;
    counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
    counts.messages += b.transcript.messages.length;
    for (const e of b.transcript.events) counts.events[e.type] = (counts.events[e.type] ?? 0) + 1;
    counts.conversationAgents += b.handlers.length;
  };

  // the kinds in exact proportions, shuffled
  const kinds: Kind[] = [];
  for (const [kind, share] of MIX) for (let i = 0; i < Math.round(share * opts.scale); i++) kinds.push(kind);
  while (kinds.length < opts.scale) kinds.push('bot');
  kinds.length = opts.scale;
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }

  const step = 86_400_000 / PER_DAY;
  const to = now - 2 * 3600_000;
  const from = Math.round(to - opts.scale * step);
  let short = '';
  const CHUNK = 1000;
  const inflight: Promise<void>[] = [];
  let written = 0;
  for (let c = 0; c < opts.scale; c += CHUNK) {
    const rows = emptyRows();
    for (let i = c; i < Math.min(opts.scale, c + CHUNK); i++) {
      const start = Math.round(from + (i + r.next()) * step);
      const b = resolved(ctx, kinds[i]!, start, userFor(rows, start));
      if (!short && kinds[i] === 'explicit' && i >= opts.scale / 2) short = b.conv.id;
      take(rows, b, kinds[i]!);
    }
    // a job per chunk, oldest first; two in flight (PostgreSQL writes one while the next is built)
    const job = store.write.run((tx) => writeRows(tx, rows), { key: String(c) });
    // awaited below in turn: a failure meanwhile is not an unhandled rejection (which would end the
    // process before the caller drops its database)
    job.catch(() => undefined);
    inflight.push(job);
    if (inflight.length >= 2) await inflight.shift();
    written += rows.conversations.length;
    if (c % (CHUNK * 40) === 0 && c > 0) opts.log?.(`  ${written} conversations (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  await Promise.all(inflight);

  // today: the queue, the live chats and the long chat, in the last two hours
  const rows = emptyRows();
  const waiting: Built[] = [];
  const chats: Built[] = [];
  let long: Built | undefined;
  for (let i = 0; i < LIVE.waiting + LIVE.chats + 1; i++) {
    const kind = i < LIVE.waiting ? 'waiting' : i < LIVE.waiting + LIVE.chats ? 'chat' : 'long';
    // the long chat's 1,000 exchanges take about a day and a half: it started three days ago
    const start = kind === 'long' ? to - 3 * 86_400_000 : to + Math.floor((i / (LIVE.waiting + LIVE.chats)) * 3600_000);
    const b = live(ctx, kind, start, userFor(rows, start), i);
    if (kind === 'waiting') waiting.push(b);
    if (kind === 'chat') chats.push(b);
    if (kind === 'long') long = b;
    take(rows, b, `live-${kind}`);
  }
  await store.write.run(async (tx) => {
    await writeRows(tx, rows);
    // requestHandover's waiting timer for each of the queue
    for (const b of waiting) await setTimer(tx, { conversationId: b.conv.id, kind: 'waiting_timeout', dueAt: b.conv.queued_at! + settings.waitingTimeoutSeconds * 1000 }, b.conv.queued_at!);
  });
  counts.timers = waiting.length;
  // a database that has run for months has been vacuumed by autovacuum: without this, autovacuum's first
  // pass over millions of fresh rows (visibility map, hint bits) runs during the measurement
  if (store.dialect === 'postgres') await sql`vacuum (analyze)`.execute(store.db);

  const returning = verified.find((u) => u.conversations.length >= 3) ?? verified.find((u) => u.conversations.length >= 2);
  return {
    version: GENERATOR_VERSION,
    scale: opts.scale,
    dialect: store.dialect,
    generatedAt: now,
    generationSeconds: Math.round((Date.now() - started) / 100) / 10,
    span: { from, to },
    agents: Object.fromEntries(AGENTS.map((a) => [a.key, { id: agents[a.key].id, email: a.email, password: a.password }])) as ScaleFixture['agents'],
    long: { id: long!.conv.id, token: long!.token },
    chats: chats.map((b) => ({ id: b.conv.id, token: b.token })),
    short: { id: short || waiting[0]!.conv.id },
    returning: { id: returning?.conversations.at(-1) ?? long!.conv.id },
    search: { match: 'janssens', noMatch: 'zqxjnomatch' },
    counts,
  };
}
