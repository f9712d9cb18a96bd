// What the simulators share: reading a request's body, and the terminal prompt of their `npm run sim:*` mains.
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
