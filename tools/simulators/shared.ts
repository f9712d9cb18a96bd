// What the simulators share: reading a request's body, their outgoing webhooks, and the terminal prompt
// of their `npm run sim:*` mains (one command table: each main lists its own commands, `user`, `help`
// and `quit` work the same everywhere).
import type http from 'node:http';
import readline from 'node:readline';

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Reads commands from the terminal, one at a time; `close` runs when the input ends. */
export function repl(prompt: string, run: (line: string) => Promise<void>, close: () => Promise<void>): void {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt });
  rl.prompt();
  rl.on('line', (line) => {
    run(line)
      .catch((err: Error) => console.log(`error: ${err.message}`))
      .finally(() => rl.prompt());
  });
  rl.on('close', () => void close().then(() => process.exit(0)));
}

/** One command of a simulator's prompt: what it takes (for the help line) and what it does with the rest of the line. */
export interface Command {
  /** e.g. `<text>`, shown after the name in the help */
  usage?: string;
  run(arg: string, words: string[]): unknown;
}

/** The shared `user <id>` command: which user (phone number, PSID, chat, mailbox…) the prompt plays from now on. */
export function userCommand(usage: string, set: (id: string) => void): Command {
  return {
    usage,
    run(arg) {
      if (!arg) throw new Error(`usage: user ${usage}`);
      set(arg);
      console.log(`now playing ${arg}`);
    },
  };
}

/**
 * The prompt of a `npm run sim:*` main: the simulator's own commands, and what every simulator
 * shares — `help` (also the answer to an unknown command, and printed at start) and `quit` (`exit`,
 * or the end of the input), which closes the simulator and exits.
 */
export function commandPrompt(prompt: string, commands: Record<string, Command>, close: () => Promise<void>): void {
  const help = `Commands: ${[...Object.entries(commands).map(([name, c]) => (c.usage ? `${name} ${c.usage}` : name)), 'help', 'quit'].join(' | ')}`;
  console.log(help);
  repl(
    prompt,
    async (line) => {
      const [cmd, ...words] = line.trim().split(/\s+/);
      if (!cmd) return;
      if (cmd === 'quit' || cmd === 'exit') {
        await close();
        process.exit(0);
      }
      const c = Object.hasOwn(commands, cmd) ? commands[cmd] : undefined;
      if (!c) return void console.log(help);
      await c.run(words.join(' '), words);
    },
    close,
  );
}

/** One webhook call as a simulator recorded it: the exact bytes sent, and each attempt's status (0: no answer). */
export interface RecordedWebhook {
  body: string;
  statuses: number[];
  delivered: boolean;
}

/**
 * A simulator's outgoing webhooks: each is recorded, sent once the API call that caused it has
 * answered (as the real services do), retried as the service documents, and can be awaited (tests) or
 * sent again byte for byte. `url()` undefined: nothing is sent; `gaveUp(status)`: the service stops retrying.
 */
export function webhookSender<D extends RecordedWebhook>(o: {
  /** where `d` goes (the same for every call of most services; Twilio's status callbacks name their own) */
  url(d: D): string | undefined;
  headers(d: D): Record<string, string>;
  record(d: D): void;
  attempts: number;
  retryDelayMs: number;
  timeoutMs: number;
  gaveUp(status: number): boolean;
}) {
  const pending = new Set<Promise<unknown>>();
  async function deliver(d: D): Promise<D> {
    for (let i = 0, url = o.url(d); i < o.attempts && url; i++, url = o.url(d)) {
      let status: number;
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...o.headers(d) }, body: d.body, signal: AbortSignal.timeout(o.timeoutMs) });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 0;
      }
      d.statuses.push(status);
      if (status >= 200 && status < 300) {
        d.delivered = true;
        return d;
      }
      if (o.gaveUp(status)) return d;
      await new Promise((r) => setTimeout(r, o.retryDelayMs));
    }
    return d;
  }
  return {
    fire(d: D): Promise<D> {
      o.record(d);
      const p = new Promise<void>((r) => setImmediate(r)).then(() => deliver(d));
      pending.add(p);
      void p.finally(() => pending.delete(p));
      return p;
    },
    /** sends a recorded webhook call again, byte for byte (the services retry with the same ids) */
    redeliver(d: D): Promise<D> {
      const copy = { ...d, statuses: [], delivered: false };
      o.record(copy);
      return deliver(copy);
    },
    /** resolves when no webhook is in flight */
    async settled(): Promise<void> {
      while (pending.size) await Promise.allSettled([...pending]);
    },
  };
}
