// The end user of a channel as the browser tests play them through the channel's simulator: what they
// write, and what they received read the same way for every type (the text, the form the choices took
// — interactive buttons, a list, an inline keyboard, quick replies or numbered lines — and any link or
// file). Plus the admin's guided form in the desk, filled the way a person does.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ParsedMail } from 'mailparser';
import type { MailgunSimulator } from '../../../../tools/simulators/mailgun.js';
import type { MessengerSimulator } from '../../../../tools/simulators/messenger.js';
import type { TelegramSimulator } from '../../../../tools/simulators/telegram.js';
import type { TwilioSmsSimulator } from '../../../../tools/simulators/twilio-sms.js';
import type { WhatsAppSimulator } from '../../../../tools/simulators/whatsapp.js';
import { signBody } from '../../src/providers/signing.js';
import type { Received as Delivery } from './receiver.js';
import { waitFor } from './server.js';

/** How a channel showed a message's choices to its user. */
export type ChoiceForm = 'none' | 'buttons' | 'list' | 'inline-keyboard' | 'quick-replies' | 'numbered';

export interface Received {
  text: string;
  form: ChoiceForm;
  /** the choices' titles as the user sees them */
  choices: string[];
  /** every http(s) URL in what the service was asked to show (links in text, media by link) */
  urls: string[];
  /** files that came inside the message itself (e-mail attachments) */
  files: Array<{ name: string; bytes: Buffer }>;
}

export interface ChannelUser {
  /** the user writes (and the simulator's webhook call to Baton has been answered) */
  say(text: string): Promise<void>;
  /** what the user has received so far, oldest first */
  received(): Received[];
  /** the user sends a file with a line of text (types whose files Baton already keeps: e-mail attachments) */
  sendFile?(text: string, file: { name: string; bytes: Buffer; contentType: string }): Promise<void>;
}

const URL_RE = /https?:\/\/[^\s"'<>]+/g;

/** Every URL in a value sent to a service, wherever the payload puts it. */
function urlsIn(v: unknown): string[] {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (typeof x === 'string') out.push(...(x.match(URL_RE) ?? []));
    else if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') Object.values(x).forEach(walk);
  };
  walk(v);
  return out;
}

/** Numbered options as Baton writes them on text-only channels ("1. Yes, please"). */
function numberedChoices(text: string): { form: ChoiceForm; choices: string[] } {
  const choices = text
    .split('\n')
    .map((l) => /^\d+\. (.+)$/.exec(l.trim())?.[1])
    .filter((c): c is string => Boolean(c));
  return { form: choices.length ? 'numbered' : 'none', choices };
}

async function delivered(p: Promise<{ statuses: number[]; delivered?: boolean }>): Promise<void> {
  const d = await p;
  const last = d.statuses.at(-1);
  if (last === undefined || last < 200 || last >= 300) throw new Error(`Baton answered the webhook with ${d.statuses.join(', ')}`);
}

export function whatsappUser(sim: WhatsAppSimulator, waId: string, name: string): ChannelUser {
  return {
    say: (text) => delivered(sim.userSays(waId, text, name).delivery),
    received: () =>
      sim.sent
        .filter((m) => m.to === waId)
        .map((m) => {
          const kind = m.type === 'interactive' ? (m.body.interactive as { type?: string }).type : undefined;
          return { text: m.text, form: kind === 'button' ? 'buttons' : kind === 'list' ? 'list' : 'none', choices: m.choices.map((c) => c.title), urls: urlsIn(m.body), files: [] };
        }),
  };
}

export function telegramUser(sim: TelegramSimulator, chatId: number, name: string): ChannelUser {
  return {
    say: (text) => delivered(sim.userSays(chatId, text, name).delivery),
    received: () =>
      sim.sent
        .filter((m) => m.chat.id === chatId)
        .map((m) => {
          const buttons = m.reply_markup?.inline_keyboard.flat() ?? [];
          return { text: m.text, form: buttons.length ? 'inline-keyboard' : 'none', choices: buttons.map((b) => b.text), urls: urlsIn({ ...m, file: undefined }), files: m.file ? [{ name: m.file.name, bytes: m.file.bytes }] : [] };
        }),
  };
}

export function messengerUser(sim: MessengerSimulator, psid: string): ChannelUser {
  return {
    say: (text) => delivered(sim.userSays(psid, text).delivery),
    received: () =>
      sim.sent
        .filter((m) => m.to === psid)
        .map((m) => ({ text: m.text, form: m.quickReplies.length ? 'quick-replies' : 'none', choices: m.quickReplies.map((q) => q.title), urls: urlsIn(m.body), files: [] })),
  };
}

export function smsUser(sim: TwilioSmsSimulator, phone: string, batonNumber: string): ChannelUser {
  return {
    say: (text) => delivered(sim.userSends(phone, batonNumber, text).delivery),
    received: () => sim.sent.filter((m) => m.to === phone).map((m) => ({ text: m.body, ...numberedChoices(m.body), urls: urlsIn(m.body), files: [] })),
  };
}

/**
 * A mailbox user: the first mail starts a thread, each later one replies to Baton's latest mail the
 * way Gmail does (In-Reply-To, References, the mail quoted under an attribution line).
 */
export function emailUser(sim: MailgunSimulator, from: string): ChannelUser {
  const address = from.replace(/^.*<|>.*$/g, '');
  const mine = () => sim.received.filter((m: ParsedMail) => !Array.isArray(m.to) && m.to?.value[0]?.address === address);
  /** a new mail, or a reply to Baton's latest one quoted as Gmail quotes it */
  async function write(text: string, attachments?: Array<{ filename: string; content: Buffer; contentType: string }>) {
    const last = mine().at(-1);
    let post;
    if (!last?.messageId) post = await sim.userMails({ from, subject: text, text, ...(attachments ? { attachments } : {}) });
    else {
      const id = last.messageId.replace(/^<|>$/g, '');
      const quoted = (last.text ?? '').split('\n').map((l) => `> ${l}`).join('\n');
      const refs = [last.references ?? []].flat().map((r) => r.replace(/^<|>$/g, ''));
      const body = `${text}\n\nOn ${new Date().toUTCString()}, ${last.from?.text ?? 'Support'} wrote:\n${quoted}\n`;
      post = await sim.userMails({ from, subject: `Re: ${(last.subject ?? '').replace(/^Re: /, '')}`, text: body, inReplyTo: id, references: [...refs, id], ...(attachments ? { attachments } : {}) });
    }
    if (post.statuses.at(-1) !== 200) throw new Error(`Baton answered the mail with ${post.statuses.join(', ')}`);
  }
  return {
    say: (text) => write(text),
    sendFile: (text, file) => write(text, [{ filename: file.name, content: file.bytes, contentType: file.contentType }]),
    received: () =>
      mine().map((m) => {
        const text = (m.text ?? '').trim();
        return { text, ...numberedChoices(text), urls: urlsIn(text), files: m.attachments.map((a) => ({ name: a.filename ?? '', bytes: a.content })) };
      }),
  };
}

/**
 * A user behind a channel webhook: their messages are the connector's signed events to Baton, what they
 * receive is what Baton posted to the connector's receiver (buttons as buttons: the connector shows them).
 */
export function webhookUser(base: string, channelId: string, secret: string, deliveries: Delivery[], userId: string): ChannelUser {
  let n = 0;
  return {
    async say(text) {
      const raw = JSON.stringify({ id: `evt-${userId}-${++n}`, type: 'message', user: { id: userId, name: 'Webhook user' }, locale: 'en', text });
      const res = await fetch(`${base}/api/v1/channels/${channelId}/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-baton-signature': signBody(secret, raw, Math.floor(Date.now() / 1000)) }, body: raw });
      if (res.status >= 300) throw new Error(`Baton answered the event with ${res.status}: ${await res.text()}`);
    },
    received: () =>
      deliveries
        .filter((d) => d.signatureOk && d.body?.type === 'message.created' && d.body.user?.id === userId)
        .map((d) => {
          const m = d.body.message as { text?: string; buttons?: Array<{ title: string }> };
          return { text: m.text ?? '', form: m.buttons?.length ? 'buttons' : 'none', choices: (m.buttons ?? []).map((b) => b.title), urls: urlsIn(m), files: [] };
        }),
  };
}

/** Waits until the user has received a message that `pick` accepts, and returns it. */
export function waitReceived(user: ChannelUser, pick: (m: Received) => boolean, what: string, timeoutMs = 20_000): Promise<Received> {
  return waitFor(() => user.received().find(pick), timeoutMs, what);
}

/**
 * The agent's file reached the user: a message carries it whole (an e-mail attachment, a media
 * message), or a link in what they received serves its bytes without any token. The one place the
 * test says what "received a file" means on a channel: when a type sends files natively, it changes
 * here only.
 */
export async function expectFileReceived(user: ChannelUser, file: { name: string; bytes: Buffer }, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    async () => {
      for (const m of user.received()) {
        if (m.files.some((f) => Buffer.compare(f.bytes, file.bytes) === 0)) return true;
        if (!m.text.includes(file.name) && !m.urls.some((u) => u.includes('/attachments/'))) continue;
        for (const u of m.urls) {
          const res = await fetch(u);
          const bytes = Buffer.from(await res.arrayBuffer());
          if (res.status === 200 && Buffer.compare(bytes, file.bytes) === 0) return true;
        }
      }
      return false;
    },
    timeoutMs,
    `the user receives ${file.name}`,
  );
}

/**
 * Admin → Channels → New channel in the desk: the type, its name, the guided form's fields (`advanced`
 * ones after opening "Advanced"; a select by its value), save, then Test connection, which must
 * report success (`checkForm` looks at the filled form first). Returns the channel's id as the form
 * suggested it from the name.
 */
export async function addChannelInDesk(
  page: Page,
  o: { type: string; name: string; fields: Record<string, string>; selects?: Record<string, string>; advanced?: Record<string, string>; connected: string; checkForm?: (page: Page) => Promise<void> },
): Promise<string> {
  await page.click('[data-testid=nav-channels]');
  await page.click('[data-testid=channel-new]');
  await page.selectOption('[data-testid=channel-type]', o.type);
  await page.fill('[data-testid=channel-name]', o.name);
  const id = await page.inputValue('[data-testid=channel-id]');
  for (const [k, v] of Object.entries(o.fields)) await page.fill(`#channel-${k}`, v);
  for (const [k, v] of Object.entries(o.selects ?? {})) await page.selectOption(`#channel-${k}`, v);
  if (o.advanced) {
    await page.click('[data-testid=channel-advanced]');
    for (const [k, v] of Object.entries(o.advanced)) await page.fill(`#channel-${k}`, v);
  }
  await o.checkForm?.(page);
  await page.click('[data-testid=channel-save]');
  await page.waitForSelector('[data-testid=channel-form]', { state: 'detached' });
  const row = page.locator('[data-testid=channel-row]').filter({ has: page.locator('.mono', { hasText: new RegExp(`^${id}$`) }) });
  await row.locator('[data-testid=channel-test]').click();
  const result = row.locator('[data-testid=channel-test-result]');
  await expect.poll(() => result.textContent(), { timeout: 15_000 }).toContain(o.connected);
  expect(await result.textContent()).toMatch(/^✓ /);
  return id;
}
