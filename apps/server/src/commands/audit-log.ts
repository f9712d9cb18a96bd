// The audit log for admins, newest first, a page at a time.
import type { AuditPage, AuditQuery } from '@baton/proto';
import type { Deps } from '../deps.js';
import { presentAudit } from '../presenters/privacy.js';
import { listAudit } from '../store/audit.js';

export async function auditPage(deps: Deps, q: AuditQuery): Promise<AuditPage> {
  const { rows, more } = await listAudit(deps.store.reads, q.cursor, q.limit);
  return { entries: rows.map(presentAudit), nextCursor: more ? rows.at(-1)!.id : null };
}
