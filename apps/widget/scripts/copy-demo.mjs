// The demo page is plain HTML next to the bundle (served at / by Baton), compressed like the bundle.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { precompressFile } from '../../../tools/precompress.mjs';

const page = new URL('../dist/index.html', import.meta.url);
fs.copyFileSync(new URL('../demo/index.html', import.meta.url), page);
precompressFile(fileURLToPath(page));
