// The server's layering, checked by `npm run lint:deps` (part of `npm test`): the layout the code
// promises (domain pure, commands under the edges, the store at the bottom) stays true as it grows.
// Type-only imports are erased at build time: they are left out of the cycle rule, but count for
// the layer rules (a type pointing the wrong way is still a dependency on the wrong layer).
const SRC = '^apps/server/src/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A runtime import cycle: a module on it can be used before it has finished loading (a top-level ' +
        'constant becomes a temporal-dead-zone error), and no part of the cycle loads without the rest. ' +
        'Break it with a hook in Deps, a smaller module both sides import, or a type-only import.',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'], viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'domain/ holds the rules (state machine, routing, opening hours, bot runtime) with no I/O, so it is ' +
        'tested without a server and reused anywhere: it imports no storage, transport, command or provider code.',
      from: { path: `${SRC}domain/` },
      to: {
        path: [
          `${SRC}(store|http|ws|commands|bus|workers|providers)/`,
          'node_modules/(fastify|@fastify/[^/]+|kysely|pg|better-sqlite3|ws|ioredis)/',
          '^(node:)?(fs|net|http|https)$',
        ],
      },
    },
    {
      name: 'store-does-not-look-up',
      severity: 'error',
      comment:
        'store/ is the bottom layer: it hands rows to whoever asks and knows nothing of use cases, JSON ' +
        'shapes for clients or transports. A type it needs from above belongs in store/ or proto.',
      from: { path: `${SRC}store/` },
      to: { path: `${SRC}(presenters|commands|http|ws)/` },
    },
    {
      name: 'commands-do-not-know-transports',
      severity: 'error',
      comment: 'A command is one use case in one transaction, called from HTTP, sockets, workers and tests alike: it never reaches back into routes or sockets.',
      from: { path: `${SRC}commands/` },
      to: { path: `${SRC}(http|ws)/` },
    },
    {
      name: 'store-internals-stay-in-store',
      severity: 'error',
      comment:
        'The dialect-specific speed-ups (hot statements, read guard, SQLite writer thread, prepared statements, ' +
        'checkpoints) live behind the store API: a caller that reaches them has to know which engine it runs on.',
      from: { path: SRC, pathNot: `${SRC}store/` },
      to: { path: `${SRC}store/((hot|read-only|statements|group-sync|dialect)\\.ts$|sqlite/|postgres/)` },
    },
    {
      name: 'presenters-only-shape',
      severity: 'error',
      comment:
        'A presenter turns rows into the JSON the outside sees, nothing more: it may read row types and ' +
        'the JSON column helper, but runs no commands, queries or writes and knows no transport.',
      from: { path: `${SRC}presenters/` },
      to: { path: [`${SRC}(commands|http|ws|workers|bus|providers)/`, `${SRC}store/`], pathNot: `${SRC}store/(schema|json|types)\\.ts$` },
    },
    {
      name: 'providers-use-only-the-inbound-route-shape',
      severity: 'error',
      comment:
        'A provider plugs into Baton through its descriptor: of the HTTP layer it uses only the signed ' +
        'inbound route (http/signed-inbound.ts); parsing and errors come from neutral modules.',
      from: { path: `${SRC}providers/` },
      to: { path: `${SRC}http/`, pathNot: `${SRC}http/signed-inbound\\.ts$` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    // type-only imports are seen (and marked 'type-only') so the layer rules cover them too
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
