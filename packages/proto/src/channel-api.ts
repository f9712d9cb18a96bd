// The Channel API a website's widget or a messaging front end uses: start a conversation, send and
// read messages.
import { z } from 'zod';
import { AttachmentIds } from './attachments.js';
import { MAX_TEXT_LENGTH } from './constants.js';
import { Conversation, Locale, Message, Variables } from './conversation.js';

export const CreateConversationBody = z
  .object({
    locale: Locale.optional(),
    botId: z.string().min(1).max(100).optional(),
    /** accepted only to be refused with 403 CHANNEL_INBOUND_ONLY: channel conversations come from signed inbound events */
    channelId: z.string().min(1).max(100).optional(),
    user: z
      .object({
        id: z.string().max(200).optional(),
        name: z.string().max(200).optional(),
        email: z.email().max(320).optional(),
      })
      .strict()
      .optional(),
    /** hex HMAC-SHA256(IDENTITY_VERIFICATION_SECRET, user.id), computed by the site's server: proves user.id */
    userHash: z.string().max(128).optional(),
    variables: Variables.optional(),
  })
  .strict();
export type CreateConversationBody = z.infer<typeof CreateConversationBody>;

export const CreateConversationResponse = z.object({ conversation: Conversation, token: z.string() });
export type CreateConversationResponse = z.infer<typeof CreateConversationResponse>;

export const SendMessageBody = z.union([
  z.object({ text: z.string().trim().min(1, 'text must not be empty').max(MAX_TEXT_LENGTH) }).strict(),
  z.object({ postback: z.string().min(1).max(1000), text: z.string().max(MAX_TEXT_LENGTH).optional() }).strict(),
  /** files uploaded to this conversation (POST /attachments), with or without text */
  z.object({ attachments: AttachmentIds, text: z.string().trim().max(MAX_TEXT_LENGTH).optional() }).strict(),
]);
export type SendMessageBody = z.infer<typeof SendMessageBody>;

export const MessageResponse = z.object({ message: Message });
export const MessagesResponse = z.object({ messages: z.array(Message) });
export const ConversationResponse = z.object({ conversation: Conversation });

export const ListMessagesQuery = z.object({
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
