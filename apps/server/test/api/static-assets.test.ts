// The desk and the widget over real HTTP as a browser or a CDN fetches them: hashed assets cached for
// a year, fixed names revalidated with the ETag, and brotli or gzip made at build time, chosen from
// Accept-Encoding. First on a small build made here with the build's own compression step, then on
// the real build (npm run build) when it is there.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressDir } from '../../../../tools/precompress.mjs';
import { registerStatic } from '../../src/http/static.js';
import { startTestServer, tempDir, type TestServer } from '../support/server.js';

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A plain request (fetch would decompress and hide what was sent). */
function get(url: string, headers: Record<string, string> = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

const decode = (r: Got): Buffer =>
  r.headers['content-encoding'] === 'br' ? zlib.brotliDecompressSync(r.body) : r.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(r.body) : r.body;

const YEAR = 'public, max-age=31536000, immutable';

/** br, gzip and identity each answer the same bytes, with the cache policy given and Vary: Accept-Encoding. */
async function expectNegotiated(url: string, original: Buffer, cacheControl: string) {
  const br = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
  expect(br.status).toBe(200);
  expect(br.headers['content-encoding']).toBe('br');
  expect(br.body.length).toBeLessThan(original.length);
  const gz = await get(url, { 'accept-encoding': 'gzip' });
  expect(gz.headers['content-encoding']).toBe('gzip');
  const plain = await get(url, { 'accept-encoding': 'identity' });
  expect(plain.headers['content-encoding']).toBeUndefined();
  const none = await get(url);
  expect(none.headers['content-encoding']).toBeUndefined();
  for (const r of [br, gz, plain, none]) {
    expect(decode(r).equals(original)).toBe(true);
    expect(r.headers['cache-control']).toBe(cacheControl);
    expect(String(r.headers.vary).toLowerCase()).toContain('accept-encoding');
    expect(r.headers.etag).toBeTruthy();
  }
  // the compressed and the plain bytes are different representations: different ETags
  expect(br.headers.etag).not.toBe(plain.headers.etag);
  return { br, gz, plain };
}

describe('static files from a build made with tools/precompress.mjs', () => {
  const root = tempDir();
  const dirs = { desk: path.join(root, 'desk'), widget: path.join(root, 'widget') };
  const script = Buffer.from(`export const rows = [${Array.from({ length: 400 }, (_, i) => `{ id: ${i}, label: "row ${i}" }`).join(', ')}];\n`);
  const page = Buffer.from(`<!doctype html><html><head><script type="module" src="/desk/assets/app-Ab12Cd34.js"></script></head><body>${'<p>Baton desk</p>'.repeat(50)}</body></html>`);
  const tiny = Buffer.from('x');
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    fs.mkdirSync(path.join(dirs.desk, 'assets'), { recursive: true });
    fs.mkdirSync(dirs.widget, { recursive: true });
    fs.writeFileSync(path.join(dirs.desk, 'index.html'), page);
    fs.writeFileSync(path.join(dirs.desk, 'assets', 'app-Ab12Cd34.js'), script);
    fs.writeFileSync(path.join(dirs.desk, 'assets', 'tiny-Zz99.txt'), tiny);
    fs.writeFileSync(path.join(dirs.desk, 'assets', 'logo-Qq11.png'), Buffer.alloc(2000, 7));
    fs.writeFileSync(path.join(dirs.widget, 'widget.js'), script);
    fs.writeFileSync(path.join(dirs.widget, 'index.html'), page);
    precompressDir(dirs.desk);
    precompressDir(dirs.widget);
    app = Fastify();
    registerStatic(app, dirs);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('the build step writes .br and .gz for text files only, and only where they are smaller', () => {
    for (const ext of ['.br', '.gz']) {
      expect(fs.existsSync(path.join(dirs.desk, 'assets', `app-Ab12Cd34.js${ext}`))).toBe(true);
      expect(fs.existsSync(path.join(dirs.desk, `index.html${ext}`))).toBe(true);
      expect(fs.existsSync(path.join(dirs.desk, 'assets', `logo-Qq11.png${ext}`))).toBe(false);
      expect(fs.existsSync(path.join(dirs.desk, 'assets', `tiny-Zz99.txt${ext}`))).toBe(false);
    }
    expect(zlib.brotliDecompressSync(fs.readFileSync(path.join(dirs.desk, 'assets', 'app-Ab12Cd34.js.br'))).equals(script)).toBe(true);
  });

  it('a hashed desk asset: br when asked, gzip when asked, identity otherwise, cached for a year', async () => {
    await expectNegotiated(`${base}/desk/assets/app-Ab12Cd34.js`, script, YEAR);
    // a file with no compressed variant is sent as it is, still negotiated (Vary) and immutable
    const logo = await get(`${base}/desk/assets/logo-Qq11.png`, { 'accept-encoding': 'br, gzip' });
    expect(logo.headers['content-encoding']).toBeUndefined();
    expect(logo.headers['cache-control']).toBe(YEAR);
  });

  it('the desk page, widget.js and the demo page are revalidated (no-cache + ETag → 304)', async () => {
    const desk = await expectNegotiated(`${base}/desk/`, page, 'no-cache');
    expect(desk.br.headers['content-type']).toMatch(/^text\/html/);
    const widget = await expectNegotiated(`${base}/widget.js`, script, 'no-cache');
    expect(widget.br.headers['content-type']).toMatch(/javascript/);
    expect(widget.br.headers['access-control-allow-origin']).toBe('*');
    await expectNegotiated(`${base}/`, page, 'no-cache');
    const again = await get(`${base}/widget.js`, { 'accept-encoding': 'br', 'if-none-match': String(widget.br.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('serves nothing else of the widget folder', async () => {
    expect((await get(`${base}/widget.js.br`)).status).toBe(404);
    expect((await get(`${base}/index.html`)).status).toBe(404);
  });
});

const apps = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const built = fs.existsSync(path.join(apps, 'widget/dist/widget.js')) && fs.existsSync(path.join(apps, 'desk/dist/index.html'));

describe.skipIf(!built)('the real build (npm run build) served by Baton', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('every desk script and style is compressed and immutable; the pages are no-cache', async () => {
    const index = await get(`${s.url}/desk/`);
    expect(index.headers['cache-control']).toBe('no-cache');
    // the desk's own security headers stay on every variant
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    const assets = [...index.body.toString('utf8').matchAll(/\/desk\/assets\/[^"]+\.(?:js|css)/g)].map((m) => m[0]);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      const original = fs.readFileSync(path.join(apps, 'desk/dist', asset.slice('/desk/'.length)));
      await expectNegotiated(`${s.url}${asset}`, original, YEAR);
    }
    await expectNegotiated(`${s.url}/widget.js`, fs.readFileSync(path.join(apps, 'widget/dist/widget.js')), 'no-cache');
    await expectNegotiated(`${s.url}/`, fs.readFileSync(path.join(apps, 'widget/dist/index.html')), 'no-cache');
  });
});
