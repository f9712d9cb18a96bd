// Webhook signatures as receivers check them: Baton's own scheme with two v1 values during a
// rotation (checked here with a hand-written HMAC, the way Stripe's verifier reads the header), and
// Standard Webhooks checked with the scheme's reference library, for the Offloading Webhook provider
// and for channels, in both directions.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../support/http.js';
import { offloadedConversation, openOffloading } from '../support/flows.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';

const OLD = 'old-secret-0123456789abcdef';
const NEW = 'new-secret-9876543210fedcba';
const OTHER = 'some-other-secret-0000000000';
/** what an operator gives a Standard Webhooks receiver for a Baton secret */
const whsec = (secret: string) => `whsec_${Buffer.from(secret).toString('base64')}`;
const now = () => Math.floor(Date.now() / 1000);
const hex = (secret: string, t: string, raw: string) => createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex');

interface Got {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: any;
}

/** A receiver that records what arrives and answers 200: the test does the verifying. */
async function startRawReceiver() {
  const received: Got[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Standard Webhooks' own verifier, as a receiver would call it. */
function swVerifies(secret: string, got: Got): boolean {
  try {
    new Webhook(secret).verify(got.raw, got.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

let s: TestServer;
let admin: string;
let rx: Awaited<ReturnType<typeof startRawReceiver>>;

async function setProvider(config: Record<string, unknown>) {
  const current = await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin });
  const others = current.body.providers.filter((p: { id: string }) => p.id !== 'acme');
  return openOffloading(s.url, admin, { defaultProviderId: 'acme', providers: [...others, { id: 'acme', type: 'webhook', name: 'Acme CC', config: { url: rx.url, ...config } }] });
}

/** The handover a new offloaded conversation sends to the provider. */
async function handoverDelivery(): Promise<Got> {
  const c = await offloadedConversation(s.url);
  await s.baton.outbox.runOnce();
  return waitFor(() => rx.received.find((r) => r.body.type === 'handover.requested' && r.body.conversation?.id === c.id), 10_000, 'handover delivery');
}

beforeAll(async () => {
  rx = await startRawReceiver();
  s = await startTestServer();
  admin = await login(s.url);
  await s.baton.deps.store.ready();
});
afterAll(async () => {
  await s?.close();
  await rx?.close();
});

describe('Offloading Webhook deliveries', () => {
  it('during a rotation carry a v1 for the new and for the old secret: a receiver with either verifies', async () => {
    await setProvider({ secret: NEW, previousSecret: OLD });
    const got = await handoverDelivery();
    const header = String(got.headers['x-baton-signature']);
    const t = header.split(',')[0]!.slice(2);
    expect(Math.abs(Number(t) - now())).toBeLessThan(60);
    // exactly Stripe's layout: the timestamp, then one v1 per secret, newest first
    expect(header).toBe(`t=${t},v1=${hex(NEW, t, got.raw)},v1=${hex(OLD, t, got.raw)}`);
    expect(got.headers['webhook-signature']).toBeUndefined();
    // a receiver that collects every v1 (as Stripe's constructEvent does) and compares its own
    const v1 = header.split(',').filter((p) => p.startsWith('v1=')).map((p) => p.slice(3));
    for (const secret of [OLD, NEW]) expect(v1).toContain(hex(secret, t, got.raw));
    expect(v1).not.toContain(hex(OTHER, t, got.raw));
  });

  it('outside a rotation carry a single v1', async () => {
    await setProvider({ secret: NEW });
    const got = await handoverDelivery();
    const t = String(got.headers['x-baton-signature']).split(',')[0]!.slice(2);
    expect(got.headers['x-baton-signature']).toBe(`t=${t},v1=${hex(NEW, t, got.raw)}`);
  });

  it('with Standard Webhooks verify with the standardwebhooks library, with the old and the new secret during a rotation', async () => {
    await setProvider({ secret: NEW, signatureScheme: 'standard-webhooks' });
    const single = await handoverDelivery();
    expect(single.headers['webhook-id']).toBe(single.body.id);
    expect(single.headers['x-baton-delivery']).toBe(single.body.id);
    expect(Math.abs(Number(single.headers['webhook-timestamp']) - now())).toBeLessThan(60);
    expect(single.headers['x-baton-signature']).toBeUndefined();
    expect(swVerifies(whsec(NEW), single)).toBe(true);
    expect(swVerifies(whsec(OTHER), single)).toBe(false);
    // a tampered body fails the library's check
    expect(swVerifies(whsec(NEW), { ...single, raw: single.raw.replace('handover.requested', 'handover.requestee') })).toBe(false);

    await setProvider({ secret: NEW, previousSecret: OLD, signatureScheme: 'standard-webhooks' });
    const rotating = await handoverDelivery();
    expect(String(rotating.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(swVerifies(whsec(NEW), rotating)).toBe(true);
    expect(swVerifies(whsec(OLD), rotating)).toBe(true);
    expect(swVerifies(whsec(OTHER), rotating)).toBe(false);
  });

  it('with a whsec_ secret sign with its decoded bytes, so the receiver uses the same string', async () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    await setProvider({ secret, signatureScheme: 'standard-webhooks' });
    const got = await handoverDelivery();
    expect(swVerifies(secret, got)).toBe(true);
  });

  it('refuses a scheme it does not know and a malformed whsec_ secret with 422', async () => {
    const current = await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin });
    const others = current.body.providers.filter((p: { id: string }) => p.id !== 'acme');
    for (const config of [
      { url: rx.url, secret: NEW, signatureScheme: 'hmac-sha1' },
      { url: rx.url, secret: 'whsec_not base64 at all!!', signatureScheme: 'standard-webhooks' },
    ]) {
      const r = await call(s.url, 'PUT', '/api/v1/settings/offloading', { token: admin, body: { ...current.body, providers: [...others, { id: 'acme', type: 'webhook', name: 'Acme', config }] } });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('SETTINGS_INVALID');
      expect(JSON.stringify(r.body.error.details)).toMatch(/signatureScheme|secret/);
    }
  });
});

describe('Offloading Webhook callbacks', () => {
  const signSw = (secret: string, id: string, raw: string, at = new Date()) => ({
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, raw),
  });
  const post = (raw: string, headers: Record<string, string>) => call(s.url, 'POST', '/api/v1/providers/webhook/acme/events', { raw, headers });

  it('accept Standard Webhooks signatures, with the current or the previous secret, where that scheme is set', async () => {
    await setProvider({ secret: NEW, previousSecret: OLD, signatureScheme: 'standard-webhooks' });
    const c = await offloadedConversation(s.url);
    const accept = JSON.stringify({ id: 'sw-1', type: 'agent.accepted', conversationId: c.id, agent: { id: 'a1', name: 'Alex' } });
    const r = await post(accept, signSw(whsec(NEW), 'msg_sw1', accept));
    expect(r.status).toBe(200);
    expect((await call(s.url, 'GET', `/api/v1/conversations/${c.id}`, { token: c.token })).body.conversation.status).toBe('agent');
    // the old secret still verifies during the rotation (a signed event for an unknown conversation: 404, not 401)
    const typing = (id: string) => JSON.stringify({ id, type: 'agent.typing', conversationId: 'no-such-conversation', agent: { id: 'a1' } });
    expect((await post(typing('sw-2'), signSw(whsec(OLD), 'msg_sw2', typing('sw-2')))).status).toBe(404);
    // a connector that still sends X-Baton-Signature keeps working while it switches
    const raw = typing('sw-3');
    expect((await post(raw, { 'x-baton-signature': `t=${now()},v1=${hex(NEW, String(now()), raw)}` })).status).toBe(404);

    const wrong = await post(typing('sw-4'), signSw(whsec(OTHER), 'msg_sw4', typing('sw-4')));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('SIGNATURE_INVALID');
    const tampered = await post(typing('sw-5').replace('a1', 'a2'), signSw(whsec(NEW), 'msg_sw5', typing('sw-5')));
    expect(tampered.body.error.code).toBe('SIGNATURE_INVALID');
    const stale = await post(typing('sw-6'), signSw(whsec(NEW), 'msg_sw6', typing('sw-6'), new Date(Date.now() - 400_000)));
    expect(stale.status).toBe(401);
    expect(stale.body.error.code).toBe('TIMESTAMP_OUT_OF_WINDOW');
    const missing = await post(typing('sw-7'), { 'webhook-signature': signSw(whsec(NEW), 'msg_sw7', typing('sw-7'))['webhook-signature'] });
    expect(missing.body.error.code).toBe('SIGNATURE_INVALID');
  });

  it('accept a Baton header with several v1 values when any matches, and no Standard Webhooks signature where that scheme is not set', async () => {
    await setProvider({ secret: NEW });
    const raw = JSON.stringify({ id: 'bt-1', type: 'agent.typing', conversationId: 'no-such-conversation', agent: { id: 'a1' } });
    const t = String(now());
    expect((await post(raw, { 'x-baton-signature': `t=${t},v1=${hex(OTHER, t, raw)},v1=${hex(NEW, t, raw)}` })).status).toBe(404);
    expect((await post(raw, { 'x-baton-signature': `t=${t},v1=${hex(OTHER, t, raw)},v1=${hex(OLD, t, raw)}` })).status).toBe(401);
    const sw = await post(raw, signSw(whsec(NEW), 'msg_bt1', raw));
    expect(sw.status).toBe(401);
    expect(sw.body.error.code).toBe('SIGNATURE_INVALID');
  });
});

describe('channel webhooks', () => {
  const postEvent = (channelId: string, body: unknown, headers: (raw: string) => Record<string, string>) => {
    const raw = JSON.stringify(body);
    return call(s.url, 'POST', `/api/v1/channels/${channelId}/events`, { raw, headers: headers(raw) });
  };
  const swHeaders = (secret: string) => (raw: string) => {
    const id = `msg_${Math.random().toString(36).slice(2)}`;
    const at = new Date();
    return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, raw) };
  };
  const batonHeaders = (secret: string) => (raw: string) => {
    const t = String(now());
    return { 'x-baton-signature': `t=${t},v1=${hex(secret, t, raw)}` };
  };
  let n = 0;
  /** a user message in; the deliveries the channel gets for that conversation */
  async function exchange(channelId: string, headers: (raw: string) => Record<string, string>) {
    n += 1;
    const r = await postEvent(channelId, { id: `in-${n}`, type: 'message', user: { id: `+3247000${n}` }, locale: 'en', text: 'hello' }, headers);
    expect(r.status).toBe(201);
    const conversationId = r.body.conversationId as string;
    return waitFor(() => {
      const mine = rx.received.filter((x) => x.body.conversationId === conversationId);
      return mine.length > 0 && mine;
    }, 10_000, 'channel delivery');
  }

  it('a Standard Webhooks channel: inbound checked, deliveries verified by the library, old and new secret during a rotation', async () => {
    const bad = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'sw', name: 'SW', url: rx.url, secret: OLD, signatureScheme: 'svix' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const created = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'sw', name: 'SW', url: rx.url, secret: OLD, signatureScheme: 'standard-webhooks' } });
    expect(created.status).toBe(201);
    expect(created.body.channel.signatureScheme).toBe('standard-webhooks');

    const before = await exchange('sw', swHeaders(whsec(OLD)));
    for (const got of before) {
      expect(got.headers['webhook-id']).toBe(got.body.id);
      expect(swVerifies(whsec(OLD), got)).toBe(true);
      expect(swVerifies(whsec(NEW), got)).toBe(false);
    }
    // rotate: the new secret, keeping the current one as the previous
    const rotated = await call(s.url, 'PATCH', '/api/v1/channels/sw', { token: admin, body: { secret: NEW, keepPreviousSecret: true } });
    expect(rotated.body.channel).toMatchObject({ signatureScheme: 'standard-webhooks', previousSecret: '********' });
    const during = await exchange('sw', swHeaders(whsec(OLD)));
    for (const got of during) {
      expect(swVerifies(whsec(NEW), got)).toBe(true);
      expect(swVerifies(whsec(OLD), got)).toBe(true);
      expect(swVerifies(whsec(OTHER), got)).toBe(false);
    }
    // end the rotation: only the new secret signs and is accepted
    await call(s.url, 'PATCH', '/api/v1/channels/sw', { token: admin, body: { previousSecret: null } });
    const refused = await postEvent('sw', { id: 'late', type: 'message', user: { id: '+1' }, text: 'hi' }, swHeaders(whsec(OLD)));
    expect(refused.status).toBe(401);
    const after = await exchange('sw', swHeaders(whsec(NEW)));
    for (const got of after) {
      expect(swVerifies(whsec(NEW), got)).toBe(true);
      expect(swVerifies(whsec(OLD), got)).toBe(false);
    }
  });

  it('a Baton channel signs with both secrets during a rotation, and can switch scheme by PATCH', async () => {
    const created = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'bt', name: 'BT', url: rx.url, secret: OLD } });
    expect(created.body.channel.signatureScheme).toBe('baton');
    await call(s.url, 'PATCH', '/api/v1/channels/bt', { token: admin, body: { secret: NEW, keepPreviousSecret: true } });
    const during = await exchange('bt', batonHeaders(OLD));
    for (const got of during) {
      const header = String(got.headers['x-baton-signature']);
      const t = header.split(',')[0]!.slice(2);
      expect(header).toBe(`t=${t},v1=${hex(NEW, t, got.raw)},v1=${hex(OLD, t, got.raw)}`);
    }
    const switched = await call(s.url, 'PATCH', '/api/v1/channels/bt', { token: admin, body: { signatureScheme: 'standard-webhooks' } });
    expect(switched.body.channel.signatureScheme).toBe('standard-webhooks');
    expect((await call(s.url, 'PATCH', '/api/v1/channels/bt', { token: admin, body: { signatureScheme: 'none' } })).status).toBe(422);
    const next = await exchange('bt', swHeaders(whsec(NEW)));
    for (const got of next) expect(swVerifies(whsec(OLD), got) && swVerifies(whsec(NEW), got)).toBe(true);
  });
});
