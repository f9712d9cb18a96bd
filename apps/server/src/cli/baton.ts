#!/usr/bin/env node
// The `baton` command line: operations without the HTTP server. Exit codes follow sysexits as the
// server does: 0 done, 1 not found or unreadable, 2 usage, 78 configuration.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadConfig, ConfigError } from '../config/config.js';
import { openStore, type Store } from '../store/database.js';
import { parseBotDefinition } from '../domain/bot/definition.js';
import { hashPassword } from '../commands/auth.js';
import { presentMessage } from '../presenters/conversation.js';
import { fromJson } from '../store/json.js';
import { newId } from '../tokens.js';

const EXIT = { ok: 0, notFound: 1, usage: 2, config: 78 } as const;

const COMMANDS = {
  migrate: {
    usage: 'baton migrate',
    help: 'Apply the database migrations (DATABASE_URL, else SQLite under DATA_DIR) and exit.',
  },
  'create-admin': {
    usage: 'baton create-admin <email> [name]',
    help: 'Create an admin, or make an existing account admin with a new password (its sessions end).\nThe password is read from BATON_NEW_PASSWORD; without it one is generated and printed.',
  },
  'bot validate': {
    usage: 'baton bot validate <file.yaml|file.json>',
    help: 'Check a bot definition and list each problem with its path. Exit 1 when it has problems.',
  },
  export: {
    usage: 'baton export <conversationId>',
    help: "Print a conversation's transcript (conversation, messages, events) as JSON on stdout.",
  },
} as const;
type Command = keyof typeof COMMANDS;

const USAGE = `Usage: baton <command> [arguments]

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage}`)
  .join('\n')}

Options:
  -h, --help      show this help, or a command's with \`baton <command> --help\`
  -V, --version   print the version

Configuration comes from the same environment variables as the server (DATA_DIR, DATABASE_URL, …).
Exit codes: 0 done, 1 not found or unreadable, 2 usage error, 78 bad configuration.`;

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const usageError = (message: string, command?: Command) =>
  new CliError(`baton: ${message}\n${command ? `usage: ${COMMANDS[command].usage}` : "Run 'baton --help' for the commands."}`, EXIT.usage);

function version(): string {
  // from src/cli and dist/cli alike: the server package's manifest is two folders up
  const manifest = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** `process.stdout.write` that resolves once the data is handed to the OS, so an exit cannot cut it off */
function print(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`, (err) => (err ? reject(err) : resolve())));
}

/** the command's name and its positional arguments; flags other than help are usage errors */
function parse(argv: string[]): { command?: Command; args: string[]; help: boolean; version: boolean } {
  const help = argv.some((a) => a === '-h' || a === '--help');
  const wantsVersion = argv.some((a) => a === '-V' || a === '--version');
  const unknown = argv.find((a) => a.startsWith('-') && !['-h', '--help', '-V', '--version'].includes(a));
  const words = argv.filter((a) => !a.startsWith('-'));
  if (words[0] === 'help') return { command: commandOf(words.slice(1)).command, args: [], help: true, version: false };
  const { command, args } = commandOf(words);
  if (unknown && !help) throw usageError(`unknown option ${unknown}`, command);
  return { command, args, help, version: wantsVersion };
}

function commandOf(words: string[]): { command?: Command; args: string[] } {
  if (words.length === 0) return { args: [] };
  if (words[0] === 'bot') {
    if (words[1] === 'validate') return { command: 'bot validate', args: words.slice(2) };
    throw usageError(words[1] ? `unknown bot command '${words[1]}'` : "'bot' needs a subcommand");
  }
  if (words[0]! in COMMANDS) return { command: words[0] as Command, args: words.slice(1) };
  throw usageError(`unknown command '${words[0]}'`);
}

async function main(argv: string[]): Promise<number> {
  const { command, args, help, version: wantsVersion } = parse(argv);
  if (help) {
    await print(command ? `usage: ${COMMANDS[command].usage}\n\n${COMMANDS[command].help}` : USAGE);
    return EXIT.ok;
  }
  if (wantsVersion) {
    await print(version());
    return EXIT.ok;
  }
  if (!command) throw new CliError(USAGE, EXIT.usage);

  if (command === 'bot validate') return validateBot(args);
  if (command === 'create-admin') {
    const email = args[0]?.toLowerCase();
    if (!email) throw usageError('create-admin needs an email address', command);
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw usageError(`'${args[0]}' is not an email address`, command);
    if (args.length > 2) throw usageError('too many arguments', command);
    const password = process.env.BATON_NEW_PASSWORD ?? randomBytes(12).toString('base64url');
    if (password.length < 8) throw new CliError('baton: BATON_NEW_PASSWORD must be at least 8 characters', EXIT.config);
    return withStore((store) => createAdmin(store, email, args[1], password));
  }
  if (command === 'export') {
    const id = args[0];
    if (!id) throw usageError('export needs a conversation id', command);
    if (args.length > 1) throw usageError('too many arguments', command);
    return withStore((store) => exportConversation(store, id));
  }
  if (args.length > 0) throw usageError('migrate takes no arguments', command);
  return withStore(async (store) => {
    await print(`migrations applied (${store.dialect})`);
    return EXIT.ok;
  });
}

async function withStore(fn: (store: Store) => Promise<number>): Promise<number> {
  const config = loadConfig(process.env);
  // one-off commands: one write lane is plenty
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.DATABASE_URL, sqliteSynchronous: config.SQLITE_SYNCHRONOUS, writeLanes: 1 });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function validateBot(args: string[]): Promise<number> {
  const file = args[0];
  if (!file) throw usageError('bot validate needs a file', 'bot validate');
  if (args.length > 1) throw usageError('too many arguments', 'bot validate');
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new CliError(`baton: cannot read ${file}: ${why}`, EXIT.notFound);
  }
  const r = parseBotDefinition(source, file.endsWith('.json') ? 'json' : 'yaml');
  if (r.ok) {
    await print(`${file}: valid (${Object.keys(r.definition.dialogs).length} dialogs, ${Object.keys(r.definition.intents ?? {}).length} intents)`);
    return EXIT.ok;
  }
  await print(r.problems.map((p) => `${file}: ${p.path || '(root)'}: ${p.message}`).join('\n'));
  return EXIT.notFound;
}

async function createAdmin(store: Store, email: string, name: string | undefined, password: string): Promise<number> {
  const hash = await hashPassword(password);
  const now = Date.now();
  await store.write.run(async (tx) => {
    const existing = await tx.selectFrom('agents').select('id').where('email', '=', email).executeTakeFirst();
    if (existing) {
      await tx.updateTable('agents').set({ role: 'admin', password_hash: hash, deleted_at: null, updated_at: now }).where('id', '=', existing.id).execute();
      await tx.deleteFrom('sessions').where('agent_id', '=', existing.id).execute();
    } else {
      await tx
        .insertInto('agents')
        .values({ id: newId(), email, name: name ?? 'Administrator', password_hash: hash, role: 'admin', skills: '[]', languages: '[]', max_concurrent: 3, status: 'offline', last_seen_at: null, created_at: now, updated_at: now, deleted_at: null })
        .execute();
    }
  });
  await print(`admin ${email} ready${process.env.BATON_NEW_PASSWORD ? '' : `; password: ${password}`}`);
  return EXIT.ok;
}

async function exportConversation(store: Store, id: string): Promise<number> {
  const conv = await store.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!conv) throw new CliError(`baton: no conversation ${id}`, EXIT.notFound);
  const rows = await store.db.selectFrom('messages').selectAll().where('conversation_id', '=', id).orderBy('seq').execute();
  const events = await store.db.selectFrom('conversation_events').selectAll().where('conversation_id', '=', id).orderBy('created_at').execute();
  const transcript = {
    conversation: {
      id: conv.id,
      status: conv.status,
      language: conv.language,
      skill: conv.skill,
      tags: fromJson(conv.tags, []),
      variables: fromJson(conv.variables, {}),
      handover: fromJson(conv.handover, null),
      assignee: conv.assignee_id ? { id: conv.assignee_id, name: conv.assignee_name } : null,
      createdAt: new Date(conv.created_at).toISOString(),
    },
    messages: rows.map(presentMessage),
    events: events.map((e) => ({ type: e.type, agentId: e.agent_id, data: fromJson(e.data, null), at: new Date(e.created_at).toISOString() })),
  };
  await print(JSON.stringify(transcript, null, 2));
  return EXIT.ok;
}

function exitCodeOf(err: unknown): { code: number; message: string } {
  if (err instanceof CliError) return { code: err.exitCode, message: err.message };
  if (err instanceof ConfigError) return { code: EXIT.config, message: `baton: ${err.message}` };
  return { code: EXIT.notFound, message: `baton: ${err instanceof Error ? err.message : String(err)}` };
}

// Exit only once stdout has drained: a piped `baton export` would otherwise lose its tail.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const { code, message } = exitCodeOf(err);
    process.stderr.write(`${message}\n`, () => process.exit(code));
  },
);

// a reader that goes away (`baton export … | head`) is not an error worth a stack trace
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT.ok);
});
