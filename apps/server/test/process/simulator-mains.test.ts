// `npm run sim:<name>` as a newcomer runs it from a fresh clone: the script in package.json starts the
// simulator, prints what to configure in Baton (pointing at Baton's default address, :8080) and its
// commands; `help` and an unknown command print the commands again, `quit` closes it and exits 0.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** each simulator with a prompt, the variable that moves its port off the documented default, and what it prints to configure */
const MAINS: Array<{ script: string; portEnv: string; prints: string }> = [
  { script: 'sim:whatsapp', portEnv: 'WHATSAPP_SIM_PORT', prints: 'http://127.0.0.1:8080/api/v1/channels/whatsapp/whatsapp' },
  { script: 'sim:telegram', portEnv: 'TELEGRAM_SIM_PORT', prints: '"type": "telegram"' },
  { script: 'sim:sms-twilio', portEnv: 'TWILIO_SIM_PORT', prints: 'http://127.0.0.1:8080/api/v1/channels/sms/sms-twilio' },
  { script: 'sim:email', portEnv: 'MAIL_SIM_SMTP_PORT', prints: 'http://127.0.0.1:8080/api/v1/channels/mail/email/mime' },
  { script: 'sim:messenger', portEnv: 'MESSENGER_SIM_PORT', prints: 'http://127.0.0.1:8080/api/v1/channels/messenger/messenger' },
  { script: 'sim:sunshine', portEnv: 'SUNSHINE_SIM_PORT', prints: '"type": "sunshine-conversations"' },
  { script: 'sim:genesys', portEnv: 'GENESYS_SIM_PORT', prints: '"type": "genesys-cloud"' },
  { script: 'sim:helpscout', portEnv: 'HELPSCOUT_SIM_PORT', prints: '"type": "help-scout"' },
];

function runScript(command: string, env: Record<string, string>, input: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const { BATON_URL: _unset, ...inherited } = process.env;
    const child = spawn(command, { cwd: root, shell: true, env: { ...inherited, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      // the commands are printed once it listens: then the user types
      if (out.includes('Commands:') && input) {
        child.stdin.end(input);
        input = '';
      }
    });
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${command} did not exit:\n${out}`));
    }, 20_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('the simulators’ npm scripts', () => {
  it.each(MAINS)('npm run $script starts, says how to connect, answers help, and quits', async ({ script, portEnv, prints }) => {
    expect(scripts[script], `package.json has ${script}`).toBeDefined();
    const { code, out } = await runScript(scripts[script]!, { [portEnv]: String(await freePort()) }, 'help\nno-such-command\nquit\n');
    expect(out).toContain(prints);
    // printed at start, after `help` and after the unknown command
    const help = out.split('\n').filter((l) => l.includes('Commands:') && l.includes('help | quit'));
    expect(help.length).toBeGreaterThanOrEqual(3);
    expect(code).toBe(0);
  });
});
