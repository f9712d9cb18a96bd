// A webhook receiver on loopback that checks Baton's signature like a real integration would.
import http from 'node:http';
import { verifySignature } from '../../src/providers/signing.js';

export interface Received {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: any;
  signatureOk: boolean;
}

type Answer = { status: number; body?: unknown } | undefined;

/** `respond` may answer later (a promise): a test holds a delivery in flight that way */
export async function startReceiver(secret: string, respond?: (r: Received) => Answer | Promise<Answer>) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      const check = verifySignature(secret, raw, req.headers['x-baton-signature'] as string | undefined, Math.floor(Date.now() / 1000));
      const r: Received = { headers: req.headers, raw, body: raw ? JSON.parse(raw) : undefined, signatureOk: check.ok };
      received.push(r);
      const out = (await respond?.(r)) ?? { status: check.ok ? 200 : 401 };
      res.writeHead(out.status, { 'content-type': 'application/json' }).end(JSON.stringify(out.body ?? { ok: out.status < 300 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
