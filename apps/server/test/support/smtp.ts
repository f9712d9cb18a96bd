// A real SMTP server on loopback (the smtp-server package) for the tests that send mail through
// SMTP_URL: it records what it receives and can refuse the first recipients (451) to test retries.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** the body as the user reads it (nodemailer sends non-ASCII text quoted-printable) */
export function quotedPrintable(raw: string): string {
  const soft = raw.replace(/=\r?\n/g, '');
  return Buffer.from(soft.replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

export interface Received {
  to: string[];
  from: string;
  raw: string;
}

/** A loopback SMTP server that answers 451 to the first `refuse` recipients, then accepts. */
export async function startSmtp(refuse: number) {
  const mails: Received[] = [];
  const state = { refuse, refused: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, cb) {
      if (state.refuse > 0) {
        state.refuse--;
        state.refused++;
        return cb(Object.assign(new Error('Greylisted, try again later'), { responseCode: 451 }));
      }
      cb();
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', raw });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, state, close: () => new Promise<void>((r) => server.close(() => r())) };
}
