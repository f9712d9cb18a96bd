// A verified user's contact page for agents: profile, conversations across channels, notes. Erasure
// and export stay with the privacy routes (admins).
import { ContactConversationsResponse, ContactNoteBody, ContactNoteParams, ContactNoteResponse, ContactNotesResponse, ContactParams, ContactResponse, PageQuery } from '@baton/proto';
import { z } from 'zod';
import { addContactNote, contactConversations, contactNotes, getContact, removeContactNote } from '../commands/contact-page.js';
import type { Deps } from '../deps.js';
import { defineRoute } from './route.js';

const TAG = 'Agent';

export function contactRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/contacts/:userId',
      access: 'agent',
      name: 'getContact',
      summary: 'A verified user (the desk\'s conversation.user.id): name, e-mail, first seen. A plain agent sees only a contact whose conversation they handled',
      tag: TAG,
      params: ContactParams,
      errors: ['CONTACT_NOT_FOUND'],
      response: ContactResponse,
      handler: async ({ params, agent }) => ({ contact: await getContact(deps, agent, params.userId) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/contacts/:userId/conversations',
      access: 'agent',
      name: 'listContactConversations',
      summary: 'The contact\'s conversations across channels, the latest first; page with nextCursor (a plain agent: those they handled)',
      tag: TAG,
      params: ContactParams,
      query: PageQuery,
      errors: ['CONTACT_NOT_FOUND', 'INVALID_CURSOR'],
      response: ContactConversationsResponse,
      handler: async ({ params, query, agent }) => contactConversations(deps, agent, params.userId, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/contacts/:userId/notes',
      access: 'agent',
      name: 'listContactNotes',
      summary: 'Agents\' notes on the contact, newest first; page with nextCursor',
      tag: TAG,
      params: ContactParams,
      query: PageQuery,
      errors: ['CONTACT_NOT_FOUND'],
      response: ContactNotesResponse,
      handler: async ({ params, query, agent }) => contactNotes(deps, agent, params.userId, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/contacts/:userId/notes',
      access: 'agent',
      name: 'addContactNote',
      summary: 'Add a note on the contact (agents only ever see it; erasure and export include it)',
      tag: TAG,
      params: ContactParams,
      body: ContactNoteBody,
      status: 201,
      errors: ['CONTACT_NOT_FOUND'],
      response: ContactNoteResponse,
      handler: async ({ params, body, agent }) => ({ note: await addContactNote(deps, agent, params.userId, body.text) }),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/contacts/:userId/notes/:noteId',
      access: 'agent',
      name: 'deleteContactNote',
      summary: 'Delete a note: its author, or a supervisor or admin (audited)',
      tag: TAG,
      params: ContactNoteParams,
      errors: ['CONTACT_NOT_FOUND', 'NOT_FOUND'],
      response: z.object({ ok: z.literal(true) }),
      handler: async ({ params, agent }) => {
        await removeContactNote(deps, agent, params.userId, params.noteId);
        return { ok: true as const };
      },
    }),
  ];
}
