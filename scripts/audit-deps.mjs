#!/usr/bin/env node
// Dependency checks for `npm test` and CI. Offline, always: every package in package-lock.json comes
// from the npm registry with a sha512 integrity hash (no git, http or file sources that could change
// under the same version), and the installed tree matches the lock (`npm ls`). Online, where the
// registry offers it: `npm audit` for known advisories, failing on high or critical ones in what
// Baton ships. A registry without the audit endpoint (this project's CI mirror answers 405) is said
// out loud, not mistaken for a clean result.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const problems = [];
const lock = JSON.parse(fs.readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
for (const [where, p] of Object.entries(lock.packages ?? {})) {
  if (!where.includes('node_modules/') || p.link) continue;
  if (!/^sha512-/.test(p.integrity ?? '')) problems.push(`${where}: no sha512 integrity in package-lock.json`);
  if (p.resolved && !p.resolved.startsWith('https://registry.npmjs.org/')) problems.push(`${where}: resolved from ${p.resolved}`);
}

const ls = spawnSync('npm', ['ls', '--all', '--omit=dev', '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const tree = JSON.parse(ls.stdout || '{}');
for (const e of tree.problems ?? []) problems.push(`npm ls: ${e}`);

let audit;
const a = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
try {
  const report = JSON.parse(a.stdout || '{}');
  if (report.error || report.statusCode) audit = `unavailable (${report.error?.summary || report.message || report.statusCode})`;
  else {
    const v = report.metadata?.vulnerabilities ?? {};
    audit = `high ${v.high ?? 0}, critical ${v.critical ?? 0}, moderate ${v.moderate ?? 0}, low ${v.low ?? 0}`;
    for (const [name, adv] of Object.entries(report.vulnerabilities ?? {})) {
      if (adv.severity === 'high' || adv.severity === 'critical') problems.push(`npm audit: ${name} (${adv.severity})`);
    }
  }
} catch {
  audit = `unavailable (${(a.stderr || '').split('\n').find((l) => l.includes('audit')) ?? 'no answer'})`;
}

const packages = Object.keys(lock.packages ?? {}).filter((k) => k.includes('node_modules/')).length;
console.log(`dependencies: ${packages} locked packages checked offline; npm audit: ${audit}`);
if (audit.startsWith('unavailable')) console.warn('!!! the registry offers no audit endpoint here: known advisories were NOT checked (run `npm audit` where it does) !!!');
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
