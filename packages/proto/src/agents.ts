// The agent side: agents and their presence, the conversation as the desk sees it, and what an
// agent sends (log in, reply, transfer, hand back).
import { z } from 'zod';
import { AttachmentIds } from './attachments.js';
import { MAX_TEXT_LENGTH } from './constants.js';
import { Button, Card, Conversation, Message, Variables } from './conversation.js';
import { Episode } from './episodes.js';

/** An agent's presence; the agent socket pushes each change as agent.status. */
export const AgentStatus = z.enum(['online', 'away', 'offline']);
export type AgentStatus = z.infer<typeof AgentStatus>;

export const AgentRole = z.enum(['admin', 'supervisor', 'agent']);
export type AgentRole = z.infer<typeof AgentRole>;

export const Agent = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: AgentRole,
  skills: z.array(z.string()),
  languages: z.array(z.string()),
  maxConcurrent: z.number().int(),
  status: AgentStatus,
  createdAt: z.string(),
});
export type Agent = z.infer<typeof Agent>;

/** What every agent may see of the others (for transfers): no e-mail address. */
export const Colleague = z.object({
  agent: Agent.omit({ email: true, createdAt: true }),
  activeChats: z.number().int(),
});
export type Colleague = z.infer<typeof Colleague>;

export const LoginBody = z.object({ email: z.string().min(3).max(320), password: z.string().min(1).max(200) }).strict();
export const LoginResponse = z.object({ token: z.string(), agent: Agent, expiresAt: z.string() });

const Skill = z.string().min(1).max(64).regex(/^[a-z0-9_.-]+$/i, 'letters, digits, _ . - only');
export const CreateAgentBody = z
  .object({
    email: z.email().max(320),
    password: z.string().min(8, 'at least 8 characters').max(200),
    name: z.string().min(1).max(200),
    role: AgentRole.default('agent'),
    skills: z.array(Skill).max(50).default([]),
    languages: z.array(z.string().min(2).max(10)).max(20).default([]),
    maxConcurrent: z.number().int().min(1).max(50).default(3),
  })
  .strict();
// no defaults here: a PATCH changes only what it names
export const UpdateAgentBody = z
  .object({
    email: z.email().max(320),
    password: z.string().min(8, 'at least 8 characters').max(200),
    name: z.string().min(1).max(200),
    role: AgentRole,
    skills: z.array(Skill).max(50),
    languages: z.array(z.string().min(2).max(10)).max(20),
    maxConcurrent: z.number().int().min(1).max(50),
  })
  .partial()
  .strict();
export const SetAgentStatusBody = z.object({ status: AgentStatus }).strict();

/**
 * What started a handover, as the bot definition's offload step says: the user asked (explicit), the
 * bot did not understand and the user accepted a person (not_understood), a flow ended in one
 * (flow_end), the user was upset or stuck (frustration), or anything else (other).
 */
export const HandoverTrigger = z.enum(['explicit', 'not_understood', 'flow_end', 'frustration', 'other']);
export type HandoverTrigger = z.infer<typeof HandoverTrigger>;

export const Handover = z.object({
  reason: z.string(),
  trigger: HandoverTrigger.optional(),
  dialog: z.string().nullable().optional(),
  providerId: z.string(),
  requestedAt: z.string(),
  waitingSeconds: z.number().int(),
  note: z.string().nullable().optional(),
});
export type Handover = z.infer<typeof Handover>;

export const AgentConversation = Conversation.extend({
  tags: z.array(z.string()),
  variables: Variables,
  handover: Handover.nullable(),
  /** verified: user.id proven by userHash or a signed channel; false: what the user claimed */
  user: z.object({
    id: z.string().nullable(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    verified: z.boolean(),
    /** true (else absent): name or e-mail as the user told the bot (the `name`/`email` variables or the bot's `user:` mapping), not verified */
    givenByUser: z.boolean().optional(),
  }),
  lastMessage: Message.nullable().optional(),
  providerId: z.string().nullable().optional(),
  /** History (status=closed): the latest time an agent handled it, with its close and rating */
  lastEpisode: Episode.nullable().optional(),
});
export type AgentConversation = z.infer<typeof AgentConversation>;

export const AgentMessageBody = z
  .object({
    text: z.string().trim().max(MAX_TEXT_LENGTH).optional(),
    buttons: z.array(Button).max(10).optional(),
    cards: z.array(Card).max(10).optional(),
    internal: z.boolean().optional(),
    /** files uploaded to this conversation (POST /conversations/{id}/attachments) */
    attachments: AttachmentIds.optional(),
  })
  .strict()
  .refine((b) => Boolean(b.text) || (b.buttons?.length ?? 0) > 0 || (b.cards?.length ?? 0) > 0 || (b.attachments?.length ?? 0) > 0, {
    message: 'a message needs text, buttons, cards or attachments',
  });
export type AgentMessageBody = z.infer<typeof AgentMessageBody>;

export const TransferBody = z.union([
  z.object({ agentId: z.string().min(1) }).strict(),
  z.object({ skill: Skill }).strict(),
]);
export const HandbackBody = z
  .object({ dialog: z.string().min(1).max(100).optional(), variables: Variables.optional() })
  .strict();

