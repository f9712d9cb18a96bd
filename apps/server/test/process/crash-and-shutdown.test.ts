// Durability through real process deaths: every message acknowledged before a SIGKILL is there after
// a restart on the same data; SIGTERM finishes in-flight writes and exits 0; bad config exits non-zero.
import { afterEach, describe, expect, it } from 'vitest';
import { allMessages, call, createConversation } from '../support/http.js';
import { freePort, runBaton, waitReady, type Proc } from '../support/process.js';
import { tempDir } from '../support/temp.js';

const procs: Proc[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

async function start(dataDir: string, port: number) {
  const p = runBaton({ LOG_LEVEL: 'info', DATA_DIR: dataDir, PORT: String(port), RATE_LIMIT_MESSAGES_PER_MINUTE: '1000000', RATE_LIMIT_CONVERSATIONS_PER_MINUTE: '100000' });
  procs.push(p);
  const base = `http://127.0.0.1:${port}`;
  await waitReady(base, p);
  return { p, base };
}

/** Senders that keep posting until the server stops answering; returns what was acknowledged. */
async function burst(base: string, convs: Array<{ id: string; token: string }>, perSender: number) {
  const acked: Array<{ conversationId: string; id: string; seq: number; text: string }> = [];
  let failures = 0;
  await Promise.all(
    convs.flatMap((c, ci) =>
      [0, 1, 2, 3].map(async (lane) => {
        for (let i = 0; i < perSender; i++) {
          // a question the bot answers: not-understood turns in a row would hand over (a transcript line the user does not see)
          const text = `c${ci}-l${lane}-m${i}: what are your opening hours?`;
          try {
            const r = await call(base, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text } });
            if (r.status === 201 || r.status === 200) acked.push({ conversationId: c.id, id: r.body.message.id, seq: r.body.message.seq, text });
            else failures++;
          } catch {
            failures++;
            return; // connection refused/reset: the server is gone
          }
        }
      }),
    ),
  );
  return { acked, failures };
}

describe('process lifecycle', () => {
  it('SIGKILL in the middle of a burst loses no acknowledged message', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const { p, base } = await start(dataDir, port);
    const convs = [];
    for (let i = 0; i < 5; i++) {
      const c = await createConversation(base);
      convs.push({ id: c.conversation.id, token: c.token });
    }
    const running = burst(base, convs, 400);
    // let a good number of acknowledgements happen, then kill without warning
    await new Promise((r) => setTimeout(r, 1500));
    p.child.kill('SIGKILL');
    const { acked } = await running;
    await p.exited;
    expect(acked.length).toBeGreaterThan(50);

    const { base: base2 } = await start(dataDir, port);
    for (const c of convs) {
      const stored = await allMessages(base2, c.id, c.token);
      const byId = new Map(stored.map((m) => [m.id, m]));
      for (const a of acked.filter((x) => x.conversationId === c.id)) {
        const m = byId.get(a.id);
        expect(m, `acknowledged message ${a.text} is missing after the crash`).toBeDefined();
        expect(m!.seq).toBe(a.seq);
        expect(m!.text).toBe(a.text);
      }
      const seqs = stored.map((m) => m.seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    }
  }, 120_000);

  it('SIGTERM stops accepting, finishes in-flight writes and exits 0', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const { p, base } = await start(dataDir, port);
    const c = await createConversation(base);
    const running = burst(base, [{ id: c.conversation.id, token: c.token }], 200);
    await new Promise((r) => setTimeout(r, 800));
    p.child.kill('SIGTERM');
    const { acked } = await running;
    const exit = await p.exited;
    expect(exit.code, p.output()).toBe(0);
    const { base: base2 } = await start(dataDir, port);
    const ids = new Set((await allMessages(base2, c.conversation.id, c.token)).map((m) => m.id));
    for (const a of acked) expect(ids.has(a.id)).toBe(true);
  }, 120_000);

  it('refuses to start with invalid configuration: clear message, non-zero exit', async () => {
    const p = runBaton({ DATA_DIR: tempDir(), PORT: 'eighty', DATABASE_URL: 'mysql://nope' });
    procs.push(p);
    const exit = await p.exited;
    expect(exit.code).not.toBe(0);
    expect(p.output()).toContain('Invalid configuration');
    expect(p.output()).toContain('PORT');
    expect(p.output()).toContain('DATABASE_URL: must be a postgres:// URL');
  }, 60_000);
});
