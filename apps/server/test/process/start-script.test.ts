// `npm start` (scripts/start.mjs) builds only what is missing or older than its sources: a second start
// runs the built server at once, and a deleted dist is built again (tsc keeps its build info in dist).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PARTS, staleParts } from '../../../../scripts/start.mjs';
import { freePort, waitReady, type Proc } from '../support/process.js';
import { tempDir } from '../support/temp.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

const procs: Proc[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

/** a scratch tree with every part's inputs and outputs, the outputs built after the sources (both in the past) */
function scratchTree(): string {
  const root = tempDir('baton-start-');
  const past = new Date(Date.now() - 60_000);
  const built = new Date(Date.now() - 30_000);
  for (const part of PARTS) {
    for (const input of part.inputs) {
      const file = path.extname(input) ? path.join(root, input) : path.join(root, input, 'index.ts');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, '');
      fs.utimesSync(file, past, past);
      fs.utimesSync(path.dirname(file), past, past);
    }
    fs.mkdirSync(path.dirname(path.join(root, part.output)), { recursive: true });
    fs.writeFileSync(path.join(root, part.output), '');
    fs.utimesSync(path.join(root, part.output), built, built);
  }
  return root;
}

const names = (root: string) => staleParts(root).map((p: { workspace: string }) => p.workspace);

describe('what npm start builds', () => {
  it('nothing when every output is newer than its sources; a changed source rebuilds the parts built from it', () => {
    const root = scratchTree();
    expect(names(root)).toEqual([]);

    fs.writeFileSync(path.join(root, 'apps/desk/src/index.ts'), 'changed');
    expect(names(root)).toEqual(['@baton/desk']);

    // proto is bundled into both UIs and run by the server
    fs.writeFileSync(path.join(root, 'packages/proto/src/index.ts'), 'changed');
    expect(names(root)).toEqual(['@baton/proto', '@baton/server', '@baton/widget', '@baton/desk']);
  });

  it('a missing output, or a source file deleted, is a reason to build', () => {
    const root = scratchTree();
    fs.rmSync(path.join(root, 'apps/server/dist'), { recursive: true });
    expect(names(root)).toEqual(['@baton/server']);

    const other = scratchTree();
    fs.rmSync(path.join(other, 'apps/widget/src/index.ts'));
    expect(names(other)).toEqual(['@baton/widget']);
  });

  it('a tree without sources (an image holding only dist) builds nothing', () => {
    const root = scratchTree();
    fs.rmSync(path.join(root, 'apps/server/src'), { recursive: true });
    fs.rmSync(path.join(root, 'apps/server/dist'), { recursive: true });
    expect(names(root)).toEqual([]);
  });

  it('tsc -b builds a deleted dist again (its build info lives in dist, not next to the sources)', () => {
    const root = tempDir('baton-tsc-');
    fs.cpSync(path.join(repo, 'packages/proto/src'), path.join(root, 'packages/proto/src'), { recursive: true });
    for (const file of ['tsconfig.json', 'package.json']) fs.copyFileSync(path.join(repo, 'packages/proto', file), path.join(root, 'packages/proto', file));
    fs.copyFileSync(path.join(repo, 'tsconfig.base.json'), path.join(root, 'tsconfig.base.json'));
    fs.symlinkSync(path.join(repo, 'node_modules'), path.join(root, 'node_modules'));
    const tsc = path.join(repo, 'node_modules/typescript/bin/tsc');
    const build = () => spawnSync(process.execPath, [tsc, '-b', 'packages/proto'], { cwd: root, encoding: 'utf8' });

    expect(build().status).toBe(0);
    expect(fs.existsSync(path.join(root, 'packages/proto/dist/index.js'))).toBe(true);
    fs.rmSync(path.join(root, 'packages/proto/dist'), { recursive: true });
    const again = build();
    expect(again.status, again.stdout + again.stderr).toBe(0);
    expect(fs.existsSync(path.join(root, 'packages/proto/dist/index.js'))).toBe(true);
  });
});

function startScript(env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [path.join(repo, 'scripts/start.mjs')], {
    cwd: repo,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const proc = { child, output: () => out, exited };
  procs.push(proc);
  return proc;
}

describe('npm start on this tree', () => {
  it('builds at most once: the second start runs the built server without building', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { DATA_DIR: dataDir, PORT: String(port) };

    // the first start builds only if the tree changed since its last build
    const first = startScript(env);
    await waitReady(base, first, 240_000);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    expect(staleParts(repo)).toEqual([]);

    const started = performance.now();
    const second = startScript(env);
    await waitReady(base, second, 15_000);
    const ms = performance.now() - started;
    expect(second.output()).not.toContain('Building');
    expect(ms).toBeLessThan(15_000);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 300_000);
});
