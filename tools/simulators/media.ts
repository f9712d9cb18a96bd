// What the channel simulators share for media: the files a simulated user sends (served at each
// service's documented download endpoint, with outages to inject), fetching the link Baton gives a
// service for an outbound file (as the service itself fetches it), and reading a multipart upload.
import { createHash, randomBytes } from 'node:crypto';
import type http from 'node:http';

export interface StoredMedia {
  id: string;
  bytes: Buffer;
  contentType: string;
  name?: string;
}

/** A file the service fetched from Baton for an outbound media message. */
export interface FetchedMedia {
  url: string;
  status: number;
  bytes: Buffer;
  contentType: string;
}

export function mediaStore() {
  const files = new Map<string, StoredMedia>();
  const outages: Array<{ status: number; retryAfterSeconds?: number }> = [];
  let downloads = 0;
  return {
    put(bytes: Uint8Array, contentType: string, name?: string): StoredMedia {
      const m: StoredMedia = { id: randomBytes(9).toString('hex'), bytes: Buffer.from(bytes), contentType, ...(name ? { name } : {}) };
      files.set(m.id, m);
      return m;
    },
    get: (id: string) => files.get(id),
    sha256: (m: StoredMedia) => createHash('sha256').update(m.bytes).digest('base64'),
    /** the next `count` downloads answer this status (429 with Retry-After, 500…) */
    failNext(count: number, o: { status: number; retryAfterSeconds?: number }) {
      for (let i = 0; i < count; i++) outages.push(o);
    },
    /** every download attempt, failed ones included */
    downloads: () => downloads,
    /** serves the file: an injected outage first, else its bytes with its Content-Type */
    serve(res: http.ServerResponse, m: StoredMedia | undefined): void {
      downloads++;
      const outage = outages.shift();
      if (outage) {
        res.writeHead(outage.status, { 'Content-Type': 'text/plain', ...(outage.retryAfterSeconds !== undefined ? { 'Retry-After': String(outage.retryAfterSeconds) } : {}) });
        res.end(outage.status === 429 ? 'Too Many Requests' : 'Internal Server Error');
        return;
      }
      if (!m) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('Not Found');
        return;
      }
      res.writeHead(200, { 'Content-Type': m.contentType, 'Content-Length': String(m.bytes.length) });
      res.end(m.bytes);
    },
  };
}

export type MediaStore = ReturnType<typeof mediaStore>;

/** The service fetching the link Baton sent (WhatsApp's `link`, Messenger's `payload.url`, Twilio's MediaUrl). */
export async function fetchLink(url: string): Promise<FetchedMedia> {
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    return { url, status: res.status, bytes: Buffer.from(await res.arrayBuffer()), contentType: (res.headers.get('content-type') ?? '').split(';')[0]!.trim() };
  } catch {
    return { url, status: 0, bytes: Buffer.alloc(0), contentType: '' };
  }
}

/** Reads a request's body as bytes. */
export function readBytes(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A multipart/form-data body as fields and files (the platform's own parser), or undefined when it is not one. */
export async function readMultipart(raw: Buffer, contentType: string): Promise<{ fields: Record<string, string>; files: Record<string, { name: string; type: string; bytes: Buffer }> } | undefined> {
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) return undefined;
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return undefined;
  }
  const fields: Record<string, string> = {};
  const files: Record<string, { name: string; type: string; bytes: Buffer }> = {};
  for (const [k, v] of form.entries()) {
    if (typeof v === 'string') fields[k] = v;
    else files[k] = { name: v.name, type: v.type, bytes: Buffer.from(await v.arrayBuffer()) };
  }
  return { fields, files };
}

const TYPES: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', pdf: 'application/pdf', txt: 'text/plain' };

/** A file from disk for the `photo <path>` prompt command, with the type its extension names (what a phone would claim). */
export async function fileFromPath(path: string): Promise<{ bytes: Buffer; contentType: string; name: string }> {
  const { readFile } = await import('node:fs/promises');
  const name = path.split(/[\\/]/).pop() ?? 'file';
  return { bytes: await readFile(path), contentType: TYPES[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream', name };
}
