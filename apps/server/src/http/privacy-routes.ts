// Personal data (admins): Settings > Retention, a contact's erasure and export, the audit log.
import { Readable } from 'node:stream';
import { AuditPage, AuditQuery, ContactErasure, ContactExport, ContactParams, RetentionSettings } from '@baton/proto';
import { auditPage } from '../commands/audit-log.js';
import { eraseContact, exportContact } from '../commands/contacts.js';
import { getRetentionSettings, putRetentionSettings } from '../commands/retention-settings.js';
import type { Deps } from '../deps.js';
import { defineRoute } from './route.js';

export function privacyRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/settings/retention',
      access: 'admin',
      name: 'getRetentionSettings',
      summary: 'Retention settings: idle closing, anonymizing and deleting after N hours or days',
      tag: 'Admin',
      response: RetentionSettings,
      handler: async () => getRetentionSettings(deps),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/settings/retention',
      access: 'admin',
      name: 'putRetentionSettings',
      summary: 'Replace the retention settings (validated; audited); the next retention run applies them',
      tag: 'Admin',
      // the command reports problems as SETTINGS_INVALID with their paths, so it parses the body itself
      body: RetentionSettings,
      handlerParsesBody: true,
      errors: ['SETTINGS_INVALID'],
      response: RetentionSettings,
      handler: async ({ req, agent }) => putRetentionSettings(deps, agent, req.body),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/contacts/:userId',
      access: 'admin',
      name: 'eraseContact',
      summary: 'Erase a contact (the desk\'s conversation.user.id): every conversation, message, event and variable, and the contact itself (audited)',
      tag: 'Admin',
      params: ContactParams,
      errors: ['CONTACT_NOT_FOUND', 'CONTACT_HAS_LIVE_CONVERSATIONS'],
      response: ContactErasure,
      handler: async ({ params, agent }) => eraseContact(deps, agent, params.userId),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/contacts/:userId/export',
      access: 'admin',
      name: 'exportContact',
      summary: 'Export a contact\'s data as one JSON document, streamed: contact rows, conversations with variables and every message (audited)',
      tag: 'Admin',
      params: ContactParams,
      errors: ['CONTACT_NOT_FOUND'],
      response: ContactExport,
      handler: async ({ params, agent, reply }) => {
        const body = await exportContact(deps, agent, params.userId);
        reply.type('application/json; charset=utf-8').header('content-disposition', 'attachment; filename="contact-export.json"');
        // streamed as it is read: the document's shape is ContactExport, never held whole in memory
        return reply.send(Readable.from(body)) as unknown as ContactExport;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/audit',
      access: 'admin',
      name: 'listAudit',
      summary: 'The audit log, newest first: erasures, exports and retention changes (no personal data); page with nextCursor',
      tag: 'Admin',
      query: AuditQuery,
      response: AuditPage,
      handler: async ({ query }) => auditPage(deps, query),
    }),
  ];
}
