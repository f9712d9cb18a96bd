// Provider-specific state kept per conversation (external ids…), in the provider_state table.
import type { Deps } from '../deps.js';
import { fromJson } from '../store/json.js';
import type { ProviderRuntime } from './provider.js';

export function providerState(deps: Deps, providerId: string): ProviderRuntime['state'] {
  return {
    async get(conversationId) {
      const r = await deps.store.db.selectFrom('provider_state').select('data').where('conversation_id', '=', conversationId).where('provider_id', '=', providerId).executeTakeFirst();
      return fromJson(r?.data, {});
    },
    async set(conversationId, patch, externalId) {
      const now = deps.clock.now();
      await deps.store.write.run(async (tx) => {
        const r = await tx.selectFrom('provider_state').select('data').where('conversation_id', '=', conversationId).where('provider_id', '=', providerId).executeTakeFirst();
        const data = JSON.stringify({ ...fromJson(r?.data, {}), ...patch });
        const ext = externalId === undefined ? {} : { external_id: externalId };
        if (r) await tx.updateTable('provider_state').set({ data, ...ext, updated_at: now }).where('conversation_id', '=', conversationId).where('provider_id', '=', providerId).execute();
        else await tx.insertInto('provider_state').values({ conversation_id: conversationId, provider_id: providerId, data, external_id: externalId ?? null, updated_at: now }).execute();
      });
    },
  };
}

/** The Baton conversation (and its provider state) a provider knows by its own id; indexed. */
export async function findByExternalId(deps: Deps, providerId: string, externalId: string): Promise<Array<{ conversationId: string; data: Record<string, unknown> }>> {
  const rows = await deps.store.db.selectFrom('provider_state').select(['conversation_id', 'data']).where('provider_id', '=', providerId).where('external_id', '=', externalId).execute();
  return rows.map((r) => ({ conversationId: r.conversation_id, data: fromJson<Record<string, unknown>>(r.data, {}) }));
}
