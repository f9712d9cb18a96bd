// What a channel (an external messaging front end) posts to its signed inbound endpoint.
import { z } from 'zod';
import { MAX_TEXT_LENGTH } from './constants.js';

/** POST /api/v1/channels/:id/events: one user message, or a button's postback */
export const ChannelInbound = z
  .object({
    id: z.string().min(1).max(200),
    type: z.literal('message'),
    user: z.object({ id: z.string().min(1).max(200), name: z.string().max(200).optional(), email: z.email().optional() }).strict(),
    locale: z.string().min(2).max(35).optional(),
    text: z.string().trim().min(1).max(MAX_TEXT_LENGTH).optional(),
    postback: z.string().min(1).max(1000).optional(),
  })
  .strict()
  .refine((b) => b.text || b.postback, { message: 'a message needs text or a postback' });
export type ChannelInbound = z.infer<typeof ChannelInbound>;
