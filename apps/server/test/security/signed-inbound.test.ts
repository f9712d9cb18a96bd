// Signed inbound routes (docs/security.md): the signature is checked over the raw bytes before any limit
// an unsigned caller could use up; several v1= values and a previous secret serve rotations.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../src/providers/signing.js';
import { call, login } from '../support/http.js';
import { startReceiver } from '../support/receiver.js';
import { startTestServer, type TestServer } from '../support/server.js';

const SECRET = 'channel-secret-0123456789';
const NEXT = 'channel-secret-rotated-9876543210';
const UNSIGNED_BUDGET = 20;
const SIGNED_PER_MINUTE = 5 * 10; // RATE_LIMIT_MESSAGES_PER_MINUTE × 10

let s: TestServer;
let admin: string;
let rx: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  s = await startTestServer({ env: { OUTBOUND_ALLOW_PRIVATE: 'true', RATE_LIMIT_UNSIGNED_PER_MINUTE: String(UNSIGNED_BUDGET), RATE_LIMIT_MESSAGES_PER_MINUTE: '5' } });
  admin = await login(s.url);
  rx = await startReceiver(SECRET);
  for (const id of ['sms', 'app', 'busy']) {
    const r = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id, name: id, url: rx.url, secret: SECRET } });
    expect(r.status).toBe(201);
  }
});
afterAll(async () => {
  await s?.close();
  await rx?.close();
});

const now = () => Math.floor(Date.now() / 1000);
let n = 0;
const event = (text = 'hello') => ({ id: `e-${++n}`, type: 'message', user: { id: `+3247000${n}` }, text });

function post(channelId: string, raw: string | Buffer, signature: string | undefined) {
  return fetch(`${s.url}/api/v1/channels/${channelId}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-baton-signature': signature } : {}) },
    body: raw,
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
}
const signed = (channelId: string, body: unknown, secret = SECRET) => {
  const raw = JSON.stringify(body);
  return post(channelId, raw, signBody(secret, raw, now()));
};

describe('signed inbound routes', () => {
  it('the signed budget is the channel’s own: only correctly signed events spend it', async () => {
    const codes: number[] = [];
    for (let i = 0; i < SIGNED_PER_MINUTE + 5; i++) codes.push((await signed('busy', event())).status);
    expect(codes.slice(0, SIGNED_PER_MINUTE).every((c) => c === 201)).toBe(true);
    expect(codes.slice(SIGNED_PER_MINUTE)).toEqual(Array(5).fill(429));
    // another channel's sender is unaffected
    expect((await signed('app', event())).status).toBe(201);
  });

  it('verifies the raw bytes: a body that is not UTF-8 but correctly signed is refused as JSON, not as a forgery (§3.25)', async () => {
    const raw = Buffer.concat([Buffer.from('{"id":"x","type":"message","user":{"id":"1"},"text":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const r = await post('app', raw, signBody(SECRET, raw, now()));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('INVALID_JSON');
  });

  it('any matching v1= counts; a timestamp that is not plain digits does not', async () => {
    const body = JSON.stringify(event());
    const t = now();
    const good = signBody(SECRET, body, t).split(',v1=')[1]!;
    const other = createHmac('sha256', 'some-other-secret').update(`${t}.${body}`).digest('hex');
    expect((await post('app', body, `t=${t},v1=${other},v1=${good}`)).status).toBe(201);
    const body2 = JSON.stringify(event());
    const v1 = createHmac('sha256', SECRET).update(`${t}.${body2}`).digest('hex');
    expect((await post('app', body2, `t=${t}.0,v1=${v1}`)).body.error.code).toBe('SIGNATURE_INVALID');
  });

  it('a channel rotates its secret: the previous one is accepted until it is removed, and is write-only', async () => {
    const r = await call(s.url, 'PATCH', '/api/v1/channels/app', { token: admin, body: { secret: NEXT, previousSecret: SECRET } });
    expect(r.status).toBe(200);
    expect(r.body.channel).toMatchObject({ secret: '********', previousSecret: '********' });
    expect(JSON.stringify((await call(s.url, 'GET', '/api/v1/channels/app', { token: admin })).body)).not.toContain(SECRET);
    expect((await signed('app', event(), SECRET)).status).toBe(201);
    expect((await signed('app', event(), NEXT)).status).toBe(201);
    const done = await call(s.url, 'PATCH', '/api/v1/channels/app', { token: admin, body: { previousSecret: null } });
    expect(done.body.channel.previousSecret).toBeNull();
    expect((await signed('app', event(), SECRET)).status).toBe(401);
    expect((await signed('app', event(), NEXT)).status).toBe(201);
    // the desk cannot know the stored secret: keepPreviousSecret moves it aside while setting a new one
    const third = 'channel-secret-third-000000000000';
    const kept = await call(s.url, 'PATCH', '/api/v1/channels/app', { token: admin, body: { secret: third, keepPreviousSecret: true } });
    expect(kept.body.channel.previousSecret).toBe('********');
    expect((await signed('app', event(), NEXT)).status).toBe(201);
    expect((await signed('app', event(), third)).status).toBe(201);
  });
  // last: it spends this address's unsigned budget, which the 401s above must not have met yet
  it('an unsigned flood is limited per address and never locks the signed connector out (security.md §7.8)', async () => {
    const junk: number[] = [];
    for (let i = 0; i < UNSIGNED_BUDGET * 3; i++) junk.push((await post('sms', JSON.stringify(event()), 't=1,v1=00')).status);
    // the tests above spent a few refusals of this address's budget
    const limitedFrom = junk.indexOf(429);
    expect(limitedFrom).toBeGreaterThan(UNSIGNED_BUDGET - 5);
    expect(limitedFrom).toBeLessThanOrEqual(UNSIGNED_BUDGET);
    expect(junk.slice(0, limitedFrom).every((c) => c === 401)).toBe(true);
    expect(junk.slice(limitedFrom).every((c) => c === 429)).toBe(true);
    // the real connector, from the same address, still gets through
    const ok = await signed('sms', event('my real message'));
    expect(ok.status).toBe(201);
    // unknown channels count as unsigned too (no probing for channel ids)
    expect((await post('nope', '{}', 't=1,v1=00')).status).toBe(429);
  });
});
