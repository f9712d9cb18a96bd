// A build step of the desk and the widget: a .br and a .gz next to each text asset, made once with
// node:zlib, so the server sends compressed bytes (@fastify/static's preCompressed) instead of
// compressing on every request. A variant that would not be smaller is not written.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt|xml|map)$/i;

/** Writes `<file>.br` and `<file>.gz` for one file (removing a stale one that would not help). */
export function precompressFile(file) {
  const raw = fs.readFileSync(file);
  const variants = {
    '.br': zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
    '.gz': zlib.gzipSync(raw, { level: zlib.constants.Z_BEST_COMPRESSION }),
  };
  for (const [ext, bytes] of Object.entries(variants)) {
    if (bytes.length < raw.length) fs.writeFileSync(file + ext, bytes);
    else fs.rmSync(file + ext, { force: true });
  }
}

/** Every compressible file under `dir`, recursively. */
export function precompressDir(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && COMPRESSIBLE.test(entry.name)) precompressFile(path.join(entry.parentPath ?? entry.path, entry.name));
  }
}

/** The vite plugin: compresses the build's output directory once the bundle is written. */
export function precompress() {
  let outDir = 'dist';
  return {
    name: 'baton-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      precompressDir(outDir);
    },
  };
}
