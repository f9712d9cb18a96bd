// The built `baton` command as a user runs it: help and version on stdout with exit 0, the exit codes
// scripts switch on (1 not found, 2 usage, 78 configuration), and a piped export that arrives whole.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createConversation } from '../support/http.js';
import { startTestServer, tempDir } from '../support/server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const CLI = path.join(root, 'apps/server/dist/cli/baton.js');
const version = (JSON.parse(fs.readFileSync(path.join(root, 'apps/server/package.json'), 'utf8')) as { version: string }).version;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: tempDir(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const baton = (args: string[], env?: Record<string, string>) => run(process.execPath, [CLI, ...args], env);

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error('run `npm run build` first: this test runs apps/server/dist/cli/baton.js');
});

describe('baton CLI', () => {
  it('is a script with a node shebang, so a package bin can point at it', () => {
    expect(fs.readFileSync(CLI, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('prints help to stdout with exit 0, for the whole CLI and for each command', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const r = await baton([flag]);
      expect(r.code, flag).toBe(0);
      expect(r.stdout).toContain('Usage: baton <command>');
      expect(r.stdout).toContain('baton export <conversationId>');
      expect(r.stderr).toBe('');
    }
    const perCommand = await baton(['export', '--help']);
    expect(perCommand.code).toBe(0);
    expect(perCommand.stdout).toMatch(/^usage: baton export <conversationId>\n/);
    const nested = await baton(['help', 'bot', 'validate']);
    expect(nested.code).toBe(0);
    expect(nested.stdout).toMatch(/^usage: baton bot validate /);
  });

  it('prints the version', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await baton([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
  });

  it('exits 2 on a usage error: no command, an unknown command or option, a missing argument', async () => {
    for (const args of [[], ['frobnicate'], ['bot', 'lint'], ['export', '--all'], ['export'], ['bot', 'validate'], ['create-admin'], ['migrate', 'extra']]) {
      const r = await baton(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr).toMatch(/baton|Usage/);
    }
  });

  it('exits 1 when what it is asked for is not there: a missing file, an unknown conversation, an invalid bot', async () => {
    const missing = await baton(['bot', 'validate', '/no/such/bot.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('baton: cannot read /no/such/bot.yaml: no such file\n');

    const unknown = await baton(['export', 'no-such-conversation']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no conversation no-such-conversation');

    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'dialogs: 3\n');
    const invalid = await baton(['bot', 'validate', path.join(dir, 'bad.yaml')]);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain('bad.yaml:');

    const valid = await baton(['bot', 'validate', path.join(root, 'examples/demo-bot.yaml')]);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toMatch(/valid \(\d+ dialogs/);
  });

  it('exits 78 on a bad configuration, as the server does', async () => {
    const r = await baton(['migrate'], { LOG_LEVEL: 'loud' });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('LOG_LEVEL');
  });

  it('exports a large conversation whole through a pipe to a slow reader', async () => {
    const server = await startTestServer();
    const dataDir = server.dataDir;
    const c = await createConversation(server.url);
    const count = 300;
    for (let i = 0; i < count; i++) {
      const r = await call(server.url, 'POST', `/api/v1/conversations/${c.conversation.id}/messages`, {
        token: c.token,
        body: { text: `message ${i} ${'x'.repeat(3_000)}` },
      });
      expect(r.status).toBe(201);
    }
    await server.close();

    // the reader waits before reading, so the pipe fills and the CLI must wait for it to drain
    const reader = `setTimeout(() => { let s = ''; process.stdin.on('data', (d) => (s += d)); process.stdin.on('end', () => { const t = JSON.parse(s); console.log(t.messages.filter((m) => m.author.type === 'user').length, s.length); }); }, 500);`;
    const script = `set -o pipefail; "${process.execPath}" "${CLI}" export ${c.conversation.id} | "${process.execPath}" -e "$READER"`;
    const r = await run('bash', ['-c', script], { DATA_DIR: dataDir, READER: reader });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [users, bytes] = r.stdout.trim().split(' ').map(Number);
    expect(users).toBe(count);
    expect(bytes).toBeGreaterThan(count * 3_000);
  }, 120_000);
});
