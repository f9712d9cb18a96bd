// Closing an instance never waits on a peer: connections that never sent a request are dropped at
// once, and a request that never ends is cut at half of SHUTDOWN_TIMEOUT_MS, after which the rest of
// the shutdown (workers, store) still runs. Each test would hang until its timeout without that.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}
const closed = (socket: net.Socket) => new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));

describe('shutdown', () => {
  it('does not wait for a connection that never sent a request (a browser preconnect)', async () => {
    // a deadline far beyond the test timeout: only dropping the silent connection can end the close
    const s = await startTestServer({ env: { SHUTDOWN_TIMEOUT_MS: '600000' } });
    const silent = await connect(s.port);
    silent.on('error', () => undefined);
    await s.close();
    await closed(silent);
    expect(s.baton.closingStep).toBeUndefined();
  }, 20_000);

  it('cuts a request that never ends at half the shutdown timeout, then closes the store', async () => {
    const s = await startTestServer({ env: { SHUTDOWN_TIMEOUT_MS: '1000' } });
    const stuck = await connect(s.port);
    stuck.on('error', () => undefined);
    // headers for a 1,000-byte body, of which only a little ever comes
    stuck.write('POST /api/v1/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"locale":');
    await new Promise((r) => setTimeout(r, 100));
    await s.close();
    await closed(stuck);
    expect(s.baton.closingStep).toBeUndefined();
    // the store was closed after the cut: a query on it fails
    await expect(s.baton.deps.store.db.selectFrom('conversations').select('id').execute()).rejects.toThrow();
  }, 20_000);
});
