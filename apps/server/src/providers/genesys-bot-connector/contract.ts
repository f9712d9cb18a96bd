// The Genesys Cloud Digital Bot Connector (v2) customer API, as its spec describes it
// (docs/providers.md, "Genesys Cloud Web Messaging through the Digital Bot Connector"): what Genesys
// sends to Baton's bot endpoints and what Baton answers. Only the fields Baton reads are checked on
// the way in; unknown ones are kept (the contract may grow).
import { MAX_TEXT_LENGTH } from '@baton/proto';
import { z } from 'zod';

/** A quick reply or card button the user pressed. */
export const ButtonResponse = z.object({ type: z.enum(['Button', 'QuickReply']), text: z.string().max(MAX_TEXT_LENGTH), payload: z.string().max(1000) }).loose();

const InputContent = z.object({ contentType: z.string().max(100), buttonResponse: ButtonResponse.optional() }).loose();

/** POST {Bot Connector URI}/messages: one user message of a bot session. */
export const IncomingMessagesRequest = z
  .object({
    botId: z.string().min(1).max(100),
    botVersion: z.string().min(1).max(100),
    botSessionId: z.string().min(1).max(200),
    messageId: z.string().min(1).max(200),
    inputMessage: z
      .object({
        type: z.enum(['Text', 'Structured']),
        text: z.string().max(MAX_TEXT_LENGTH).optional(),
        content: z.array(InputContent).max(50).optional(),
      })
      .loose(),
    languageCode: z.string().min(1).max(50),
    /** minutes the whole bot session may last */
    botSessionTimeout: z.number().int().min(0).max(10 * 24 * 60),
    genesysConversationId: z.string().min(1).max(200),
    /** the flow's session variables (string → string) */
    parameters: z.record(z.string().max(200), z.string().max(32_000)).optional(),
  })
  .loose();
export type IncomingMessagesRequest = z.infer<typeof IncomingMessagesRequest>;

export const BOT_STATES = ['MoreData', 'Complete', 'Failed'] as const;

const CardAction = z.object({
  type: z.enum(['Link', 'Postback']),
  text: z.string(),
  payload: z.string().optional(),
  url: z.string().optional(),
});
export const GenesysCard = z.object({ title: z.string(), description: z.string().optional(), image: z.string().optional(), actions: z.array(CardAction) });
export type GenesysCard = z.infer<typeof GenesysCard>;

const ReplyContent = z.discriminatedUnion('contentType', [
  z.object({ contentType: z.literal('QuickReply'), quickReply: z.object({ text: z.string(), payload: z.string() }) }),
  z.object({ contentType: z.literal('Card'), card: GenesysCard }),
  z.object({ contentType: z.literal('Carousel'), carousel: z.object({ cards: z.array(GenesysCard) }) }),
]);
export type ReplyContent = z.infer<typeof ReplyContent>;

/** Text (with text), or Structured (with content: quick replies, a card, a carousel). */
export const ReplyMessage = z.object({ type: z.enum(['Text', 'Structured']), text: z.string().optional(), content: z.array(ReplyContent).optional() });
export type ReplyMessage = z.infer<typeof ReplyMessage>;

export const BotEntityValue = z.object({ name: z.string(), type: z.enum(['String', 'StringCollection']), value: z.string().optional(), values: z.array(z.string()).optional() });
export type BotEntityValue = z.infer<typeof BotEntityValue>;

/** Baton's answer to a message (also the body of an outgoing message, with the session's ids added). */
export const IncomingMessagesResponse = z.object({
  botState: z.enum(BOT_STATES),
  replyMessages: z.array(ReplyMessage),
  intent: z.string().optional(),
  confidence: z.number().optional(),
  entities: z.array(BotEntityValue).optional(),
  parameters: z.record(z.string(), z.string()).optional(),
  errorInfo: z.object({ errorCode: z.string(), errorMessage: z.string() }).optional(),
});
export type IncomingMessagesResponse = z.infer<typeof IncomingMessagesResponse>;

/** POST /api/v2/integrations/botconnectors/outgoing/messages: a reply after the answer, in an open session. */
export interface OutgoingMessageBody extends IncomingMessagesResponse {
  botId: string;
  botVersion: string;
  botSessionId: string;
  languageCode: string;
}
export const OUTGOING_MESSAGES_PATH = '/api/v2/integrations/botconnectors/outgoing/messages';

const BotEntity = z.object({ name: z.string(), type: z.enum(['String', 'StringCollection']) });
/** One bot of the list Architect reads (GET /bots) to offer it in the Call Digital Bot Connector action. */
export const BotDescriptor = z.object({
  id: z.string(),
  name: z.string(),
  provider: z.string(),
  description: z.string(),
  versions: z.array(z.object({ version: z.string(), supportedLanguages: z.array(z.string()), intents: z.array(z.object({ name: z.string(), entities: z.array(BotEntity) })) })),
});
export type BotDescriptor = z.infer<typeof BotDescriptor>;
export const BotList = z.object({ entities: z.array(BotDescriptor) });
