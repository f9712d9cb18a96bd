// What a Prometheus scrape shows after a handover and outbound deliveries: the handover by its trigger
// (never the bot's prose reason), deliveries counted and timed by target and outcome, and no label
// value anywhere that reads like free text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../support/http.js';
import { offloadedConversation, openOffloading } from '../support/flows.js';
import { startReceiver, type Received } from '../support/receiver.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';

const SECRET = 'webhook-secret-0123456789';
let s: TestServer;
let rx: Awaited<ReturnType<typeof startReceiver>>;
let down = false;

beforeAll(async () => {
  rx = await startReceiver(SECRET, (r: Received) => (!r.signatureOk ? { status: 401 } : down ? { status: 503 } : { status: 200 }));
  s = await startTestServer();
  const admin = await login(s.url);
  const settings = await openOffloading(s.url, admin);
  await openOffloading(s.url, admin, {
    defaultProviderId: 'acme',
    providers: [...settings.providers.filter((p: { id: string }) => p.id !== 'acme'), { id: 'acme', type: 'webhook', name: 'Acme CC', config: { url: rx.url, secret: SECRET } }],
  });
});
afterAll(async () => {
  await s?.close();
  await rx?.close();
});

const scrape = async () => {
  const r = await call(s.url, 'GET', '/metrics');
  expect(r.status).toBe(200);
  return r.body as string;
};

/** every `name{labels} value` sample of a metric family, with its labels parsed */
function samples(body: string, name: string) {
  return body
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .map((l) => {
      const labels = Object.fromEntries([...(/\{(.*)\}/.exec(l)?.[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
      return { labels, value: Number(l.slice(l.lastIndexOf(' ') + 1)) };
    });
}

const value = (body: string, name: string, labels: Record<string, string>) =>
  samples(body, name).find((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v))?.value ?? 0;

describe('Prometheus metrics', () => {
  it('counts a handover by trigger and provider, and a delivery by target and outcome with its latency', async () => {
    const before = await scrape();
    const c = await offloadedConversation(s.url);
    await s.baton.outbox.runOnce();
    await waitFor(() => rx.received.find((r) => r.body?.type === 'handover.requested' && r.body.conversation?.id === c.id), 10_000, 'handover delivery');
    await s.baton.outbox.runOnce();

    const after = await scrape();
    expect(value(after, 'baton_handovers_total', { trigger: 'explicit', provider: 'acme' })).toBe(value(before, 'baton_handovers_total', { trigger: 'explicit', provider: 'acme' }) + 1);
    for (const sample of samples(after, 'baton_handovers_total')) expect(Object.keys(sample.labels).sort()).toEqual(['provider', 'trigger']);

    const delivered = { target: 'webhook', outcome: 'delivered' };
    expect(value(after, 'baton_outbox_deliveries_total', delivered)).toBeGreaterThan(value(before, 'baton_outbox_deliveries_total', delivered));
    expect(value(after, 'baton_outbox_delivery_duration_seconds_count', delivered)).toBe(value(after, 'baton_outbox_deliveries_total', delivered));
    expect(value(after, 'baton_outbox_delivery_duration_seconds_sum', delivered)).toBeGreaterThan(0);
  });

  it('counts a failed attempt as a retry, and its provider in the failures', async () => {
    const before = await scrape();
    down = true;
    try {
      const c = await offloadedConversation(s.url);
      await s.baton.outbox.runOnce();
      await waitFor(() => rx.received.find((r) => r.body?.type === 'handover.requested' && r.body.conversation?.id === c.id), 10_000, 'handover attempt');
    } finally {
      down = false;
    }
    const after = await scrape();
    const retry = { target: 'webhook', outcome: 'retry' };
    expect(value(after, 'baton_outbox_deliveries_total', retry)).toBeGreaterThan(value(before, 'baton_outbox_deliveries_total', retry));
    expect(value(after, 'baton_outbox_delivery_duration_seconds_count', retry)).toBeGreaterThan(0);
    expect(value(after, 'baton_outbox_failures_total', { provider: 'acme' })).toBeGreaterThan(value(before, 'baton_outbox_failures_total', { provider: 'acme' }));
  });

  it('has no label value with spaces or prose in any baton_ metric', async () => {
    const body = await scrape();
    const values = body
      .split('\n')
      .filter((l) => l.startsWith('baton_'))
      .flatMap((l) => samples(l, l.slice(0, l.search(/[{ ]/))).flatMap((x) => Object.values(x.labels)));
    expect(values.length).toBeGreaterThan(10);
    // identifiers, route templates, status codes, histogram bounds: no spaces, nothing long
    const prose = values.filter((v) => /\s/.test(v) || v.length > 64 || !/^[\w.:/+-]+$/.test(v));
    expect(prose).toEqual([]);
    expect(body).not.toContain('reason=');
  });
});
