// The demo page is plain HTML next to the bundle (served at / by Baton).
import fs from 'node:fs';
fs.copyFileSync(new URL('../demo/index.html', import.meta.url), new URL('../dist/index.html', import.meta.url));
