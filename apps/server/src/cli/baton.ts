#!/usr/bin/env node
// The `baton` command line: operations without the HTTP server.
//   baton migrate                         run database migrations and exit
//   baton create-admin <email> [name]     create (or reset) an admin; the password is read from BATON_NEW_PASSWORD or generated
//   baton bot validate <file.yaml|json>   validate a bot definition, listing each problem with its path
//   baton export <conversationId>         print a conversation's transcript as JSON
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadConfig, ConfigError } from '../config/config.js';
import { openStore } from '../store/database.js';
import { parseBotDefinition } from '../domain/bot/definition.js';
import { hashPassword } from '../commands/auth.js';
import { presentMessage } from '../presenters/conversation.js';
import { fromJson } from '../store/json.js';
import { newId } from '../tokens.js';

const USAGE = `usage:
  baton migrate
  baton create-admin <email> [name]      (password from BATON_NEW_PASSWORD, else generated and printed)
  baton bot validate <file.yaml|file.json>
  baton export <conversationId>`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'bot' && rest[0] === 'validate') {
    const file = rest[1];
    if (!file) return fail(USAGE);
    const source = fs.readFileSync(file, 'utf8');
    const r = parseBotDefinition(source, file.endsWith('.json') ? 'json' : 'yaml');
    if (r.ok) {
      console.log(`${file}: valid (${Object.keys(r.definition.dialogs).length} dialogs, ${Object.keys(r.definition.intents ?? {}).length} intents)`);
      return 0;
    }
    for (const p of r.problems) console.log(`${file}: ${p.path || '(root)'}: ${p.message}`);
    return 1;
  }
  if (!['migrate', 'create-admin', 'export'].includes(cmd ?? '')) return fail(USAGE);
  const config = loadConfig(process.env);
  // one-off commands: one write lane is plenty
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.DATABASE_URL, sqliteSynchronous: config.SQLITE_SYNCHRONOUS, writeLanes: 1 });
  try {
    if (cmd === 'migrate') {
      console.log(`migrations applied (${store.dialect})`);
      return 0;
    }
    if (cmd === 'create-admin') {
      const email = rest[0]?.toLowerCase();
      if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) return fail('create-admin needs an email address');
      const password = process.env.BATON_NEW_PASSWORD ?? randomBytes(12).toString('base64url');
      if (password.length < 8) return fail('BATON_NEW_PASSWORD must be at least 8 characters');
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
            .values({ id: newId(), email, name: rest[1] ?? 'Administrator', password_hash: hash, role: 'admin', skills: '[]', languages: '[]', max_concurrent: 3, status: 'offline', last_seen_at: null, created_at: now, updated_at: now, deleted_at: null })
            .execute();
        }
      });
      console.log(`admin ${email} ready${process.env.BATON_NEW_PASSWORD ? '' : `; password: ${password}`}`);
      return 0;
    }
    const id = rest[0];
    if (!id) return fail('export needs a conversation id');
    const conv = await store.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!conv) return fail(`no conversation ${id}`);
    const rows = await store.db.selectFrom('messages').selectAll().where('conversation_id', '=', id).orderBy('seq').execute();
    const events = await store.db.selectFrom('conversation_events').selectAll().where('conversation_id', '=', id).orderBy('created_at').execute();
    console.log(
      JSON.stringify(
        {
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
        },
        null,
        2,
      ),
    );
    return 0;
  } finally {
    await store.close();
  }
}

function fail(message: string): number {
  console.error(message);
  return 2;
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(err instanceof ConfigError ? err.message : `baton: ${(err as Error).message}`);
    process.exit(1);
  });
