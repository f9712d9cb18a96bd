// Help Scout as an offloading provider (Mailbox API 2.0 + webhooks): a handover becomes a chat
// conversation holding the transcript, the user's follow-ups become threads, and agents' assignments,
// replies and closes come back through the signed webhook (webhook.ts).
import type { ProviderEventName } from '../../commands/provider-events.js';
import type { DeliveryResult, OffloadingProvider, ProviderEvent, ProviderRuntime } from '../provider.js';
import { createHelpScoutClient, createdId, type ApiResult, type HelpScoutClient } from './client.js';
import { configProblems, HelpScoutConfig } from './config.js';
import { textToHtml } from './html-text.js';
import { createConversationBody, customerEmail, endNote, messageText, type CustomerRef } from './payloads.js';
import { OWN_THREADS_KEPT, readState, type HelpScoutState } from './state.js';
import { registerHelpScoutWebhook } from './webhook.js';

const WANTED: ReadonlySet<ProviderEventName> = new Set(['handover.requested', 'message.created', 'handover.cancelled', 'conversation.closed']);

const failed = (res: ApiResult, what: string): DeliveryResult => ({ ok: false, retry: res.retryable, error: `${what}: ${res.error}` });

async function createConversation(event: ProviderEvent, rt: ProviderRuntime, api: HelpScoutClient, cfg: HelpScoutConfig): Promise<DeliveryResult> {
  const state = readState(await rt.state.get(event.conversation.id));
  // a retry of a delivery whose conversation was created (the answer was lost after the state write)
  if (state.handoverId === event.id && state.helpScoutId) return { ok: true, externalId: String(state.helpScoutId) };
  const body = createConversationBody(event, cfg);
  const res = await api.post('/v2/conversations', body);
  if (!res.ok) {
    const r = failed(res, 'create conversation');
    // a 4xx (unknown inbox, no access, invalid field…) will fail the same way again: back to the bot
    return r.ok || r.retry ? r : { ...r, refused: true };
  }
  const helpScoutId = createdId(res);
  if (!helpScoutId) return { ok: false, retry: false, refused: true, error: 'create conversation: Help Scout answered without Resource-ID or Location' };
  const next: HelpScoutState = { helpScoutId, customerEmail: body.customer.email, handoverId: event.id, ownThreadIds: [], ended: false };
  await rt.state.set(event.conversation.id, { ...next, customerId: undefined }, String(helpScoutId));
  // the customer id makes later threads independent of the email (a known customer keeps theirs)
  const read = await api.get(`/v2/conversations/${helpScoutId}`);
  const customerId = (read.json as { primaryCustomer?: { id?: unknown } } | undefined)?.primaryCustomer?.id;
  if (read.ok && typeof customerId === 'number') await rt.state.set(event.conversation.id, { customerId });
  return { ok: true, externalId: String(helpScoutId) };
}

async function addMessage(event: ProviderEvent, rt: ProviderRuntime, api: HelpScoutClient): Promise<DeliveryResult> {
  const state = readState(await rt.state.get(event.conversation.id));
  const m = event.message;
  // nothing to relay to: the handover was refused, or Help Scout already ended it
  if (!state.helpScoutId || state.ended || !m) return { ok: true };
  let res: ApiResult;
  if (m.author.type === 'user') {
    const customer: CustomerRef = state.customerId ? { id: state.customerId } : { email: state.customerEmail ?? customerEmail(event) };
    res = await api.post(`/v2/conversations/${state.helpScoutId}/chats`, { customer, text: textToHtml(messageText(m)) });
  } else if (m.author.type === 'bot') {
    // what the bot tells a waiting user is context for the agent, not a message from the customer
    res = await api.post(`/v2/conversations/${state.helpScoutId}/notes`, { text: textToHtml(messageText(m)) });
  } else {
    return { ok: true };
  }
  if (res.status === 404 || res.status === 412) {
    // deleted / merged, or full at 100 threads: this Help Scout conversation can take no more
    return { ok: false, retry: false, error: `add thread: ${res.error}` };
  }
  if (!res.ok) return failed(res, 'add thread');
  const threadId = createdId(res);
  if (threadId) await rt.state.set(event.conversation.id, { ownThreadIds: [...(state.ownThreadIds ?? []), threadId].slice(-OWN_THREADS_KEPT) });
  return { ok: true };
}

async function endConversation(event: ProviderEvent, rt: ProviderRuntime, api: HelpScoutClient): Promise<DeliveryResult> {
  const state = readState(await rt.state.get(event.conversation.id));
  if (!state.helpScoutId || state.ended) return { ok: true };
  const id = state.helpScoutId;
  const note = await api.post(`/v2/conversations/${id}/notes`, { text: endNote(event) });
  if (!note.ok && note.status !== 404 && note.status !== 412) return failed(note, 'closing note');
  const patch = await api.patch(`/v2/conversations/${id}`, { op: 'replace', path: '/status', value: 'closed' });
  // 404: deleted or merged meanwhile, which ends it just as well
  if (!patch.ok && patch.status !== 404) return failed(patch, 'close conversation');
  await rt.state.set(event.conversation.id, { ended: true });
  return { ok: true };
}

export const helpScoutProvider: OffloadingProvider = {
  type: 'help-scout',
  wants: (event) => WANTED.has(event),
  validateConfig: configProblems,
  async deliver(event, rt) {
    const cfg = HelpScoutConfig.parse(rt.provider.config ?? {});
    const api = createHelpScoutClient(cfg, () => rt.deps.clock.now());
    switch (event.type) {
      case 'handover.requested':
        return createConversation(event, rt, api, cfg);
      case 'message.created':
        return addMessage(event, rt, api);
      case 'handover.cancelled':
      case 'conversation.closed':
        return endConversation(event, rt, api);
    }
  },
  registerRoutes: registerHelpScoutWebhook,
};
