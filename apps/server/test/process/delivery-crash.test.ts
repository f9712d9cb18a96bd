// Webhook deliveries through a real process death: Baton is killed with SIGKILL in the middle of a
// burst of deliveries to a slow receiver; after a restart on the same data every acknowledged user
// message still reaches the receiver (at least once: the receiver dedupes on X-Baton-Delivery), in
// each conversation's order.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/providers/signing.js';
import { call, createConversation, login } from '../support/http.js';
import { freePort, runBaton, waitReady, type Proc } from '../support/process.js';
import { waitFor } from '../support/server.js';
import { tempDir } from '../support/temp.js';

const SECRET = 'crash-test-webhook-secret-0123';
const procs: Proc[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

interface Delivery {
  id: string;
  type: string;
  conversationId: string;
  messageId?: string;
  seq?: number;
}

/** A receiver that answers slowly (so a burst takes a while), checks signatures and dedupes. */
async function slowReceiver(delayMs: number) {
  const all: Delivery[] = [];
  const unique = new Map<string, Delivery>();
  let badSignatures = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (!verifySignature(SECRET, raw, req.headers['x-baton-signature'] as string | undefined, Math.floor(Date.now() / 1000)).ok) {
        badSignatures++;
        res.writeHead(401).end();
        return;
      }
      const body = JSON.parse(raw);
      const d: Delivery = { id: String(req.headers['x-baton-delivery']), type: body.type, conversationId: body.conversation.id, messageId: body.message?.id, seq: body.message?.seq };
      all.push(d);
      if (!unique.has(d.id)) unique.set(d.id, d);
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hook`, all, unique, bad: () => badSignatures, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function start(dataDir: string, port: number) {
  const p = runBaton({
    DATA_DIR: dataDir,
    PORT: String(port),
    BATON_ADMIN_EMAIL: 'admin@example.com',
    BATON_ADMIN_PASSWORD: 'admin-password',
    RATE_LIMIT_MESSAGES_PER_MINUTE: '1000000',
    RATE_LIMIT_CONVERSATIONS_PER_MINUTE: '100000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
  });
  procs.push(p);
  const base = `http://127.0.0.1:${port}`;
  await waitReady(base, p);
  return { p, base };
}

describe('outbox through a crash', () => {
  it('kill -9 in the middle of a delivery burst loses no delivery; receivers dedupe on X-Baton-Delivery', async () => {
    const rx = await slowReceiver(15);
    const dataDir = tempDir();
    const port = await freePort();
    const { p, base } = await start(dataDir, port);
    try {
      const admin = await login(base);
      const cur = await call(base, 'GET', '/api/v1/settings/offloading', { token: admin });
      const put = await call(base, 'PUT', '/api/v1/settings/offloading', {
        token: admin,
        body: { ...cur.body, enabled: true, alwaysOpen: true, defaultProviderId: 'cc', providers: [...cur.body.providers, { id: 'cc', type: 'webhook', name: 'Contact center', config: { url: rx.url, secret: SECRET } }] },
      });
      expect(put.status).toBe(200);

      // conversations handed to the webhook provider
      const convs: Array<{ id: string; token: string }> = [];
      for (let i = 0; i < 12; i++) {
        const c = await createConversation(base, { locale: 'en' });
        const conv = { id: c.conversation.id, token: c.token };
        await call(base, 'POST', `/api/v1/conversations/${conv.id}/messages`, { token: conv.token, body: { text: 'I want to speak to a real agent' } });
        convs.push(conv);
      }
      for (const c of convs) await waitFor(async () => (await call(base, 'GET', `/api/v1/conversations/${c.id}`, { token: c.token })).body.conversation.status === 'offloaded', 10_000, 'offloaded');

      // a burst of user messages (each one a delivery), then a kill while deliveries are flowing
      const acked: Array<{ conversationId: string; id: string; seq: number }> = [];
      const sending = Promise.all(
        convs.map(async (c, ci) => {
          for (let i = 0; i < 25; i++) {
            try {
              const r = await call(base, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: `c${ci} m${i}` } });
              if (r.status === 201) acked.push({ conversationId: c.id, id: r.body.message.id, seq: r.body.message.seq });
            } catch {
              return; // the server is gone
            }
          }
        }),
      );
      await waitFor(() => rx.unique.size >= 60, 20_000, 'deliveries under way');
      p.child.kill('SIGKILL');
      await sending;
      await p.exited;
      const beforeRestart = rx.unique.size;
      expect(acked.length).toBeGreaterThan(0);

      const { base: base2 } = await start(dataDir, port);
      const admin2 = await login(base2);
      const userIds = new Set(acked.map((a) => a.id));
      await waitFor(
        () => {
          const delivered = new Set([...rx.unique.values()].map((d) => d.messageId));
          return [...userIds].every((id) => delivered.has(id));
        },
        60_000,
        'every acknowledged message delivered after the restart',
      );
      expect(rx.unique.size).toBeGreaterThan(beforeRestart);
      // nothing left behind or dead in the outbox
      await waitFor(async () => (await call(base2, 'GET', '/api/v1/providers/deliveries?status=pending&limit=500', { token: admin2 })).body.deliveries.length === 0, 30_000, 'outbox drained');
      const dead = await call(base2, 'GET', '/api/v1/providers/deliveries?status=dead&limit=500', { token: admin2 });
      expect(dead.body.deliveries).toHaveLength(0);
      const stored = await call(base2, 'GET', '/api/v1/providers/deliveries?limit=500', { token: admin2 });
      const storedIds = new Set(stored.body.deliveries.map((d: { deliveryId: string }) => d.deliveryId));
      for (const id of storedIds) expect(rx.unique.has(id as string), `delivery ${String(id)} never arrived`).toBe(true);
      // the first arrival of each delivery follows the conversation's message order
      for (const c of convs) {
        const seqs = [...rx.unique.values()].filter((d) => d.conversationId === c.id && d.seq !== undefined).map((d) => d.seq!);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      }
      expect(rx.bad()).toBe(0);
    } finally {
      await rx.close();
    }
  }, 180_000);
});
