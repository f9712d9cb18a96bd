// Worker threads that run a module of this package. Built, a worker is the module's .js file under
// dist; run from the TypeScript sources (tests, `tsx`), the thread first registers tsx's loader so it
// can import the .ts file.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The module `name` next to the module at `here` (an import.meta.url), with the same extension. */
export function siblingModule(here: string, name: string): URL {
  return new URL(`./${name}${path.extname(fileURLToPath(here))}`, here);
}

export function moduleWorker(module: URL, options: WorkerOptions = {}): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, options);
  const boot = `import(${JSON.stringify(tsxApi())}).then((api) => { api.register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(boot, { ...options, eval: true });
}

let api: string | undefined;
/** tsx's ESM API (its CommonJS build cannot register the loader in a worker) */
function tsxApi(): string {
  if (api) return api;
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const exports = (require(manifest) as { exports: Record<string, { import: { default: string } }> }).exports;
  api = pathToFileURL(path.join(path.dirname(manifest), exports['./esm/api']!.import.default)).href;
  return api;
}
