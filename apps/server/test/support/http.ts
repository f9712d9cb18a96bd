// Small fetch wrappers for tests that talk to a real server over loopback.
export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = any>(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Res<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (metrics, html)
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** `call` options that send a bot definition as YAML */
export const yamlBody = (source: string) => ({ raw: source, headers: { 'content-type': 'application/yaml' } });

export async function createConversation(base: string, body: Record<string, unknown> = {}) {
  const r = await call(base, 'POST', '/api/v1/conversations', { body });
  if (r.status !== 201) throw new Error(`create failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { conversation: { id: string; status: string; language: string }; token: string };
}

export async function messages(base: string, id: string, token: string, after = 0) {
  const r = await call(base, 'GET', `/api/v1/conversations/${id}/messages?after=${after}&limit=500`, { token });
  return r.body.messages as Array<{ id: string; seq: number; author: { type: string; name?: string }; text?: string; buttons?: { title: string; payload: string }[]; event?: string }>;
}

/** Every message of a conversation, page after page (a page holds at most 500). */
export async function allMessages(base: string, id: string, token: string) {
  const all: Awaited<ReturnType<typeof messages>> = [];
  for (;;) {
    const page = await messages(base, id, token, all.at(-1)?.seq ?? 0);
    all.push(...page);
    if (page.length < 500) return all;
  }
}

export async function login(base: string, email = 'admin@example.com', password = 'admin-password') {
  const r = await call(base, 'POST', '/api/v1/auth/login', { body: { email, password } });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token as string;
}
