// `npm start`: builds only what is missing or older than its sources, then runs the server in this
// process, so a restart takes about a second instead of a full build.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Each built part: the file whose age stands for its build, and what it is built from. proto's sources
// count for every part: the server runs on proto's dist and the two UIs bundle proto's sources.
const proto = ['packages/proto/src', 'packages/proto/package.json', 'packages/proto/tsconfig.json', 'tsconfig.base.json'];
export const PARTS = [
  { workspace: '@baton/proto', output: 'packages/proto/dist/index.js', inputs: proto },
  { workspace: '@baton/server', output: 'apps/server/dist/main.js', inputs: [...proto, 'apps/server/src', 'apps/server/package.json', 'apps/server/tsconfig.json'] },
  { workspace: '@baton/widget', output: 'apps/widget/dist/widget.js', inputs: [...proto, 'apps/widget/src', 'apps/widget/demo', 'apps/widget/scripts', 'apps/widget/package.json', 'apps/widget/vite.config.ts'] },
  { workspace: '@baton/desk', output: 'apps/desk/dist/index.html', inputs: [...proto, 'apps/desk/src', 'apps/desk/index.html', 'apps/desk/package.json', 'apps/desk/vite.config.ts'] },
];

/** the newest modification time under `p` (a file or a folder), 0 when it does not exist */
function newest(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs; // a deleted file shows only in its folder's time
  for (const entry of fs.readdirSync(p)) max = Math.max(max, newest(path.join(p, entry)));
  return max;
}

/**
 * The parts of the tree at `root` to build: those whose output is missing or older than one of their
 * inputs. A tree without sources (a deployed image holding only dist) has nothing to build.
 */
export function staleParts(root = repo) {
  if (!fs.existsSync(path.join(root, 'apps/server/src'))) return [];
  return PARTS.filter((part) => {
    const built = newest(path.join(root, part.output));
    return built === 0 || part.inputs.some((input) => newest(path.join(root, input)) > built);
  });
}

/** Builds `parts` with the workspaces' own build scripts; false when the build failed. */
function build(root, parts) {
  // under `npm start`, npm_execpath is npm's own CLI: run it with this Node rather than whatever `npm` is on PATH
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const args = [...npm.slice(1), 'run', 'build', ...parts.flatMap((p) => ['-w', p.workspace])];
  const run = spawnSync(npm[0], args, { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) return false;
  // tsc leaves an unchanged file's output untouched: mark each part built now, or it would look stale
  const now = new Date();
  for (const part of parts) fs.utimesSync(path.join(root, part.output), now, now);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const stale = staleParts();
  if (stale.length > 0) {
    console.log(`Building ${stale.map((p) => p.workspace).join(', ')} (missing or older than the sources) …`);
    if (!build(repo, stale)) {
      console.error(
        '\nThe build failed. An install without dev dependencies (npm ci --omit=dev) cannot build: build first\n' +
          '(npm ci && npm run build), or start the built server with `node apps/server/dist/main.js`.',
      );
      process.exit(1);
    }
  }
  await import(pathToFileURL(path.join(repo, 'apps/server/dist/main.js')).href);
}
