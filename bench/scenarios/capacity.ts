// Idle WebSocket connections held by one instance (memory per connection) and start-up time.
import fs from 'node:fs';
import { openSocket, sleep, startBaton } from '../lib.js';
import { conversation } from './setup.js';
import type WebSocket from 'ws';

export async function idleSockets(count: number) {
  // memory held: measured after a full GC in the server on both sides, so uncollected garbage from
  // the handshakes does not count
  const b = await startBaton({ LOG_LEVEL: 'error' }, undefined, { gc: true });
  try {
    // ten sockets per conversation, the most one conversation may open (a user's tabs and devices)
    const convs = [];
    for (let i = 0; i < Math.ceil(count / 10); i++) convs.push(await conversation(b));
    // warm up: one socket each, then measure the difference the rest make
    const sockets: WebSocket[] = [];
    for (const c of convs) sockets.push(await openSocket(`${b.url.replace(/^http/, 'ws')}/api/v1/ws?token=${c.token}`));
    await sleep(1000);
    await b.gc();
    const before = b.rssKb();
    for (let i = sockets.length; i < count; i++) {
      const c = convs[i % convs.length]!;
      sockets.push(await openSocket(`${b.url.replace(/^http/, 'ws')}/api/v1/ws?token=${c.token}`));
    }
    await sleep(3000);
    await b.gc();
    const after = b.rssKb();
    const open = sockets.filter((s) => s.readyState === s.OPEN).length;
    for (const s of sockets) s.terminate();
    return { connections: open, rssBeforeKb: before, rssAfterKb: after, kbPerConnection: Math.round(((after - before) / Math.max(1, open - convs.length)) * 100) / 100 };
  } finally {
    await b.stop();
  }
}

export async function startup(runs = 3) {
  const first = await startBaton();
  // give it some data: conversations and messages
  for (let i = 0; i < 200; i++) await conversation(first);
  await first.stop({ keepData: true });
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const b = await startBaton({}, first.dataDir);
      times.push(b.readyMs);
      await b.stop();
    }
  } finally {
    fs.rmSync(first.dataDir, { recursive: true, force: true });
  }
  return { readyMs: times, best: Math.min(...times), median: times.sort((a, b) => a - b)[Math.floor(times.length / 2)]! };
}
