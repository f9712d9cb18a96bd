// The widget loads on customers' pages: keep it small. Fails the build above the budget.
import fs from 'node:fs';
import zlib from 'node:zlib';
const LIMIT = 35 * 1024;
const file = new URL('../dist/widget.js', import.meta.url);
const gz = zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
if (gz > LIMIT) {
  console.error(`widget.js is ${kb(gz)} gzipped, over the ${kb(LIMIT)} budget`);
  process.exit(1);
}
console.log(`widget.js: ${kb(gz)} gzipped (budget ${kb(LIMIT)})`);
