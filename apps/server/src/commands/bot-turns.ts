// Runs the bot for a conversation, one turn at a time and in order: the welcome, each user message
// not yet answered, and dialogs the core asked for (hand back, cancel, timeout). The runtime works on
// a snapshot outside any transaction (NLU and webhook plugins take time); the result is applied only
// if the conversation's bot_version is unchanged and no agent has taken over, so two instances or a
// late turn can never make the bot speak over an agent.
import type { TranscriptEvent } from '@baton/proto';
import { presentMessage } from '../presenters/conversation.js';
import { describeNextOpening, offloadAvailability } from '../domain/opening-hours.js';
import type { BotContext, BotTurn } from '../domain/bot/types.js';
import type { Deps } from '../deps.js';
import { appendMessage, findConversation, insertMessage, nextUserMessage, recordEvent, storeBotTurn, updateConversation, type NewMessageInput } from '../store/conversations.js';
import { givenIdentity, type GivenIdentity } from '../domain/identity.js';
import { fillGivenIdentity } from '../store/identity.js';
import type { BotTurnItem, BotTurnOutcome } from '../store/message-writes.js';
import type { Tx } from '../store/types.js';
import { fromJson, toJson } from '../store/json.js';
import type { ConversationRow, MessageRow } from '../store/schema.js';
import { commit, type AfterCommit } from './after-commit.js';
import { readBotState, writeBotState, type BotStateEnvelope } from './bot-state.js';
import { announceConversation, lockOrThrow } from './conversation-events.js';
import { providerEvent } from './provider-events.js';
import { cancelHandover, chooseProvider, requestHandover } from './request-handover.js';
import { createFollowup } from './followups.js';
import { systemDialogOverrides } from '../domain/offloading-settings.js';
import { eligibleAgentOnline } from '../store/agents.js';
import { applyTransition, mustTransition } from './transition.js';
import { attachmentUrl, type CarriedAttachment } from '../presenters/attachment.js';

type Work =
  | { kind: 'dialog'; dialog: string }
  | { kind: 'welcome' }
  | { kind: 'message'; message: Pick<MessageRow, 'seq' | 'text' | 'body'> };

const MAX_TURNS_PER_RUN = 100;

export function createBotTurns(getDeps: () => Deps) {
  const chains = new Map<string, Promise<void>>();
  const state = { stopped: false };

  function schedule(conversationId: string): Promise<void> {
    if (state.stopped) return Promise.resolve();
    const prev = chains.get(conversationId) ?? Promise.resolve();
    const next = prev.then(() => drain(getDeps(), conversationId, state)).catch((err) => {
      getDeps().log.error({ err, conversationId }, 'bot turn failed');
    });
    chains.set(conversationId, next);
    void next.finally(() => {
      if (chains.get(conversationId) === next) chains.delete(conversationId);
    });
    return next;
  }

  async function idle(): Promise<void> {
    while (chains.size) await Promise.allSettled([...chains.values()]);
  }

  /**
   * Shutdown: finish the turns in progress, leave the rest. Unanswered user messages are durable
   * and picked up again at the next start (workers/bot-recovery.ts).
   */
  async function stop(): Promise<void> {
    state.stopped = true;
    await idle();
  }

  return { schedule, idle, stop };
}

async function nextWork(deps: Deps, conv: ConversationRow, state: BotStateEnvelope): Promise<Work | undefined> {
  if (state.pendingDialog) return { kind: 'dialog', dialog: state.pendingDialog };
  if (!state.welcomed) return { kind: 'welcome' };
  const message = await nextUserMessage(deps.store.db, conv.id, conv.bot_seq);
  return message ? { kind: 'message', message } : undefined;
}

async function drain(deps: Deps, conversationId: string, turns: { stopped: boolean }): Promise<void> {
  for (let i = 0; i < MAX_TURNS_PER_RUN && !turns.stopped; i++) {
    const conv = await findConversation(deps.store.db, conversationId);
    if (!conv || (conv.status !== 'bot' && conv.status !== 'offloaded')) return;
    const state = readBotState(conv.bot_state);
    const work = await nextWork(deps, conv, state);
    if (!work) return;
    const bot = await deps.bots.get(conv.bot_id);
    const settings = await deps.settings.offloading();
    const now = deps.clock.now();
    const nobodyOnline = async (skill: string) => {
      const provider = chooseProvider(settings, undefined, skill, conv.channel_id);
      return provider.type === 'desk' && !(await eligibleAgentOnline(deps.store.db, { skill, language: conv.language }));
    };
    const ctx: BotContext = {
      conversationId,
      status: conv.status,
      language: conv.language,
      localeGiven: conv.locale_given === 1,
      variables: fromJson(conv.variables, {}),
      tags: fromJson(conv.tags, []),
      state: state.runtime,
      now: new Date(now),
      // evaluated (time zone, hours, closures) only by a turn that reaches the offload plugin
      get offloading() {
        return offloadAvailability(settings, new Date(now));
      },
      systemDialogs: systemDialogOverrides(settings),
      nextOpening: (language: string) => describeNextOpening(settings, new Date(now), language),
      // routing.closeWhenNoAgents: nobody eligible online for a desk handover counts as closed; without
      // it, a channel's user is told while waiting (the widget's banner tells a widget user)
      ...(settings.routing?.closeWhenNoAgents ? { noAgentFor: nobodyOnline } : conv.channel_id ? { nobodyOnlineFor: nobodyOnline } : {}),
    };
    let turn: BotTurn | undefined;
    try {
      if (work.kind === 'dialog') {
        turn = bot.runtime.hasDialog(work.dialog) || ctx.systemDialogs?.[work.dialog] ? await bot.runtime.runDialog(ctx, work.dialog, state.pendingWhy ?? undefined) : undefined;
      } else if (work.kind === 'welcome') {
        turn = await bot.runtime.welcome(ctx);
      } else {
        const body = fromJson<{ postback?: string; attachments?: CarriedAttachment[] }>(work.message.body, {});
        const attachments = body.attachments?.map((a) => ({ id: a.id, name: a.name, contentType: a.contentType, url: attachmentUrl(a.id) }));
        turn = await bot.runtime.respond(ctx, { text: work.message.text ?? undefined, postback: body.postback, ...(attachments?.length ? { attachments } : {}) });
      }
    } catch (err) {
      // a broken bot must not wedge the conversation: skip this input, keep going
      deps.log.error({ err, conversationId, work: work.kind }, 'bot runtime failed');
      turn = undefined;
    }
    const botName = bot.definition.name ?? 'Bot';
    // a turn whose only writes are its own may be stored ahead of its job, batched with others, where
    // the store has such a path (store/message-writes.ts)
    // what the user told the bot about themselves (DESIGN §10.3), written with the turn
    const given = turn ? givenIdentity(ctx.variables, turn.variables, bot.definition.user) : undefined;
    const batched = deps.store.messages.batchBotTurn(() => (given ? undefined : simpleTurn(conv, work, turn, botName, deps.clock.now())));
    const applied = await commit(deps, (tx, out, pre) => applyTurn(deps, tx, out, conv, work, turn, botName, pre, given), conversationId, batched);
    // an agent owns the conversation now: nothing more for the bot (a hand back schedules it again);
    // 'done': nothing was stored after the answered message (whatever comes later schedules its own run)
    if (applied === 'silenced' || applied === 'assigned' || applied === 'done') return;
  }
}

/** the seq of the last message the bot has seen once this turn is applied */
const answeredSeq = (snapshot: ConversationRow, work: Work) => (work.kind === 'message' ? work.message.seq : snapshot.bot_seq);

/**
 * The bot's state after the turn, from a row whose bot_version is the turn's (the state the turn started
 * from is the stored one while bot_version is unchanged: everything that changes it bumps the version).
 */
function nextBotState(from: ConversationRow, work: Work, turn: BotTurn | undefined): string {
  const state = readBotState(from.bot_state);
  const missed = state.missed || Boolean(turn?.notUnderstood);
  const done = work.kind === 'dialog';
  return writeBotState({ runtime: turn ? turn.state : state.runtime, welcomed: true, pendingDialog: done ? null : state.pendingDialog, pendingWhy: done ? null : (state.pendingWhy ?? null), ...(missed ? { missed } : {}) });
}

const botMessages = (conversationId: string, turn: BotTurn | undefined, botName: string): NewMessageInput[] =>
  (turn?.messages ?? []).map((m) => ({ conversationId, authorType: 'bot', authorName: botName, text: m.text ?? null, buttons: m.buttons, cards: m.cards }));

/**
 * A turn whose only writes are its own (its conversation's row and its messages): the conversation is
 * with the bot and not a channel's (its messages become outbox deliveries in the same transaction), and
 * the turn does not offload, cancel an offload or change the language (those write or announce more).
 * Undefined otherwise. Its job then only announces what the writer stored: it may not write.
 */
function simpleTurn(snapshot: ConversationRow, work: Work, turn: BotTurn | undefined, botName: string, now: number): BotTurnItem | undefined {
  // a miss writes its analytics event too (applyTurn)
  if (!turn || turn.offload || turn.cancelOffload || turn.notUnderstood || turn.followup || snapshot.status !== 'bot' || snapshot.channel_id !== null) return undefined;
  if ((turn.language ?? snapshot.language) !== snapshot.language) return undefined;
  return {
    id: snapshot.id,
    expectVersion: snapshot.bot_version,
    botSeq: answeredSeq(snapshot, work),
    botState: nextBotState(snapshot, work, turn),
    variables: toJson(turn.variables),
    tags: toJson(turn.tags),
    now,
    messages: botMessages(snapshot.id, turn, botName),
  };
}

async function applyTurn(
  deps: Deps,
  tx: Tx,
  out: AfterCommit,
  snapshot: ConversationRow,
  work: Work,
  turn: BotTurn | undefined,
  botName: string,
  pre: BotTurnOutcome | undefined,
  given?: GivenIdentity,
): Promise<'applied' | 'done' | 'conflict' | 'silenced' | 'assigned'> {
  const blocked = turn?.offloadBlocked;
  const countBlocked = () => blocked && out.count(() => deps.metrics.offloadBlocked.inc({ availability: blocked }));
  if (pre?.kind === 'bot') {
    // a simple turn, stored before this job ran: announce it
    countBlocked();
    for (const row of pre.rows) {
      out.count(() => deps.metrics.messages.inc({ author: 'bot' }));
      out.publish({ type: 'message.created', conversationId: snapshot.id, message: presentMessage(row) });
    }
    return work.kind === 'message' && pre.lastSeq - pre.rows.length === work.message.seq ? 'done' : 'applied';
  }
  const now = deps.clock.now();
  const botSeq = answeredSeq(snapshot, work);
  const nextState = (from: ConversationRow) => nextBotState(from, work, turn);
  // an offload's waiting message waits for routing: said after the request when the user really waits,
  // never when an agent takes the chat in this transaction ("please wait" right before "joined")
  const all = botMessages(snapshot.id, turn, botName);
  const waitingFrom = turn?.offload ? Math.min(turn.waitingFrom ?? all.length, all.length) : all.length;
  const messages = all.slice(0, waitingFrom);
  const waiting = all.slice(waitingFrom);
  let conv = await storeBotTurn(
    tx,
    {
      id: snapshot.id,
      expectVersion: snapshot.bot_version,
      messages: messages.length,
      botSeq,
      botState: nextState(snapshot),
      variables: turn ? toJson(turn.variables) : null,
      tags: turn ? toJson(turn.tags) : null,
      language: turn?.language ?? null,
    },
    now,
  );
  if (!conv) {
    const current = await lockOrThrow(deps, tx, snapshot.id);
    if (current.bot_version !== snapshot.bot_version) return 'conflict';
    // an agent took over while the bot was thinking: the bot stays silent, its input counts as seen
    await updateConversation(tx, current.id, { bot_seq: botSeq, bot_version: current.bot_version + 1, bot_state: nextState(current) }, now);
    return 'silenced';
  }
  if (turn?.notUnderstood && work.kind === 'message') {
    // analytics: every miss, and apart the conversation's first (the not-understood rate)
    const first = !readBotState(snapshot.bot_state).missed;
    await recordEvent(tx, { conversationId: conv.id, type: 'bot.not_understood' satisfies TranscriptEvent, data: { fromStatus: snapshot.status, first, language: conv.language } }, now);
  }
  // the user row as the handover (and its provider payload) will read it
  const userRow = given ? await fillGivenIdentity(tx, conv, given, now) : null;
  if (userRow) conv = { ...conv, end_user_id: userRow };
  const firstSeq = conv.last_seq - messages.length + 1;
  // nothing was stored after the message this turn answers
  const nothingAfter = work.kind === 'message' && firstSeq - 1 === work.message.seq;
  const say = async (at: ConversationRow, m: NewMessageInput, seq?: number) => {
    const { effects } = mustTransition(at, 'bot.message');
    const row = seq === undefined ? await appendMessage(tx, m, now) : await insertMessage(tx, m, seq, now);
    out.count(() => deps.metrics.messages.inc({ author: 'bot' }));
    const message = presentMessage(row);
    out.publish({ type: 'message.created', conversationId: at.id, message });
    if (effects.includes('deliver_to_agent')) await providerEvent(deps, tx, out, at, 'message.created', { message });
  };
  for (const [i, m] of messages.entries()) await say(conv, m, firstSeq + i);
  const languageChanged = conv.language !== snapshot.language;
  countBlocked();
  if (turn?.followup) await createFollowup(deps, tx, out, conv, turn.followup);
  if (turn?.offload) {
    const t = mustTransition(conv, 'offload.open');
    if (t.effects.includes('request_handover') && (await requestHandover(deps, tx, out, conv, turn.offload))) return 'assigned';
    if (waiting.length) {
      const queued = await lockOrThrow(deps, tx, conv.id);
      for (const m of waiting) await say(queued, m);
    }
  } else if (turn?.cancelOffload && conv.status === 'offloaded') {
    // the bot's own dialog cancelled the wait: it is the dialog the user sees, so no system dialog is
    // queued and no transcript line is written
    const { effects } = await applyTransition(deps, tx, out, conv, 'wait.cancel', { patch: { queued_at: null }, now });
    if (effects.includes('cancel_handover')) await cancelHandover(deps, tx, out, conv, 'user cancelled');
    await announceConversation(tx, out, conv.id);
  } else if (languageChanged || userRow) {
    // a new name or e-mail: desks showing the conversation read it again (queue.updated)
    await announceConversation(tx, out, conv.id, Boolean(userRow));
  }
  return nothingAfter ? 'done' : 'applied';
}
