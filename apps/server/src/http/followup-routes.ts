// Follow-ups (DESIGN §10.3): what users left when nobody could take the chat, for agents to answer.
import { FollowupAssignBody, FollowupCount, FollowupList, FollowupListQuery, FollowupParams, FollowupReplyBody, FollowupReplyResult, FollowupView } from '@baton/proto';
import { assignFollowup, countFollowupsFor, listFollowupsFor, markFollowupDone, replyToFollowup } from '../commands/followups.js';
import type { Deps } from '../deps.js';
import { defineRoute } from './route.js';

const TAG = 'Follow-ups';

export function followupRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/agent/followups',
      access: 'agent',
      name: 'listFollowups',
      summary: 'Follow-ups I may answer (my skills and languages, or assigned to me; all for supervisors): status=open (oldest first) or done (newest first), filters reason, skill, assignee (me or an id); paged with cursor',
      tag: TAG,
      query: FollowupListQuery,
      response: FollowupList,
      errors: ['INVALID_CURSOR'],
      handler: async ({ agent, query }) => listFollowupsFor(deps, agent, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/agent/followups/count',
      access: 'agent',
      name: 'countFollowups',
      summary: "Open follow-ups I may answer, counted up to 99 (capped: true beyond): the desk's badge",
      tag: TAG,
      response: FollowupCount,
      handler: async ({ agent }) => countFollowupsFor(deps, agent),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/agent/followups/:id/assign',
      access: 'agent',
      name: 'assignFollowup',
      summary: 'Assign to me, or (supervisors and admins) to agentId',
      tag: TAG,
      params: FollowupParams,
      body: FollowupAssignBody,
      bodyOptional: true,
      response: FollowupView,
      errors: ['FOLLOWUP_NOT_FOUND', 'FOLLOWUP_DONE', 'AGENT_NOT_FOUND', 'FORBIDDEN'],
      handler: async ({ agent, params, body }) => assignFollowup(deps, agent, params.id, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/agent/followups/:id/reply',
      access: 'agent',
      name: 'replyToFollowup',
      summary: "Answer: an agent message in the user's conversation (delivered on its channel), e-mailed too when SMTP_URL is set and the e-mail is known",
      tag: TAG,
      params: FollowupParams,
      body: FollowupReplyBody,
      response: FollowupReplyResult,
      errors: ['FOLLOWUP_NOT_FOUND', 'FOLLOWUP_DONE', 'CONVERSATION_NOT_FOUND'],
      handler: async ({ agent, params, body }) => replyToFollowup(deps, agent, params.id, body.text),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/agent/followups/:id/done',
      access: 'agent',
      name: 'markFollowupDone',
      summary: 'Mark done (again: the same answer)',
      tag: TAG,
      params: FollowupParams,
      response: FollowupView,
      errors: ['FOLLOWUP_NOT_FOUND'],
      handler: async ({ agent, params }) => markFollowupDone(deps, agent, params.id),
    }),
  ];
}
