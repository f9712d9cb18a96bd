// What Admin > Channels shows for each channel type: its label, what the admin pastes where, and the
// config fields with kind, help text and defaults. Plain values without zod (the desk imports
// '@baton/proto/channel-fields' without bundling the schemas); channels.ts checks the keys against
// the schemas. A new channel type adds its name to CHANNEL_TYPES, a label and its fields here.
import type { z } from 'zod';
import type { ConfigField, FieldKind } from './provider-fields.js';
import type { EmailChannelConfig, MessengerChannelConfig, SmsTwilioChannelConfig, TelegramChannelConfig, WhatsAppChannelConfig } from './channels.js';

export const CHANNEL_TYPES = ['webhook', 'whatsapp', 'telegram', 'sms-twilio', 'email', 'messenger'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const CHANNEL_TYPE_LABELS: Record<ChannelType, string> = {
  webhook: 'Webhook (your own connector)',
  whatsapp: 'WhatsApp (Cloud API)',
  telegram: 'Telegram',
  'sms-twilio': 'SMS (Twilio)',
  email: 'E-mail (Mailgun in, SMTP out)',
  messenger: 'Facebook Messenger',
};

/** One line under the type picker: what the admin needs from the other side before filling the form. */
export const CHANNEL_TYPE_HINTS: Record<ChannelType, string> = {
  webhook: 'A connector you run posts signed user messages to Baton and receives the bot’s and agents’ messages at its URL.',
  whatsapp: 'Meta App Dashboard > WhatsApp > API Setup: the phone number id and an access token (a system user token in production); App settings > Basic: the app secret. After saving, paste the callback URL and the verify token into WhatsApp > Configuration > Webhook and subscribe to “messages”.',
  telegram: 'Create a bot with @BotFather and paste its token. “Test connection” registers Baton’s webhook with Telegram (setWebhook) with the secret token below.',
  'sms-twilio': 'Twilio Console > Account info: the Account SID and Auth Token; a Twilio number (or a Messaging Service). After saving, set the number’s “A message comes in” webhook (HTTP POST) to the inbound URL below.',
  email: 'Mailgun > Receiving > Routes: forward() the support address to the inbound URL below (it ends in “mime”: Mailgun posts the raw message); Settings > API security: the HTTP webhook signing key. Answers go out through your SMTP server.',
  messenger: 'Meta App Dashboard > Messenger > Messenger API Settings: generate a Page access token; App settings > Basic: the app id and secret. After saving, paste the callback URL and the verify token into the webhook settings and subscribe the Page to messages, messaging_postbacks, message_echoes, messaging_handovers and standby.',
};

/** The last part of a type's inbound URL when it is not the type's name (Mailgun posts raw MIME only to a URL ending in "mime"). */
export const CHANNEL_INBOUND_PATHS: Partial<Record<ChannelType, string>> = { webhook: 'events', email: 'email/mime' };

/** 'templates': the approved WhatsApp templates Baton may send outside the 24-hour window (name + language each). */
export type ChannelFieldKind = FieldKind | 'templates';

export interface ChannelConfigField<K extends string = string> extends Omit<ConfigField<K>, 'kind'> {
  kind: ChannelFieldKind;
}

type FieldsOf<S extends z.ZodType> = ChannelConfigField<keyof z.input<S> & string>[];

/** The uses a WhatsApp template can be configured for (see docs/channels/whatsapp.md). */
export const WHATSAPP_TEMPLATE_USES = [{ key: 'followUp', label: 'Agent replies after the window closed (follow-ups)' }] as const;

// a key that is not in the type's config schema fails to compile; `webhook` keeps its top-level url and secret
export const CHANNEL_FIELDS: {
  webhook: ChannelConfigField[];
  whatsapp: FieldsOf<typeof WhatsAppChannelConfig>;
  telegram: FieldsOf<typeof TelegramChannelConfig>;
  'sms-twilio': FieldsOf<typeof SmsTwilioChannelConfig>;
  email: FieldsOf<typeof EmailChannelConfig>;
  messenger: FieldsOf<typeof MessengerChannelConfig>;
} = {
  webhook: [],
  whatsapp: [
    { key: 'phoneNumberId', label: 'Phone number id', kind: 'text', placeholder: '106540352242922', hint: 'WhatsApp > API Setup: the id of the business phone number (not the number itself).' },
    { key: 'accessToken', label: 'Access token', kind: 'secret', hint: 'A system user access token with whatsapp_business_messaging (the temporary token expires in 24 hours).' },
    { key: 'appSecret', label: 'App secret', kind: 'secret', hint: 'App settings > Basic > App secret: Meta signs every webhook with it (X-Hub-Signature-256).' },
    { key: 'verifyToken', label: 'Verify token', kind: 'secret', generate: true, hint: 'Any string you choose; paste the same into the webhook configuration. Meta sends it once to check the callback URL.' },
    { key: 'templates', label: 'Templates outside the 24-hour window', kind: 'templates', optional: true, hint: 'More than 24 hours after the user’s last message WhatsApp accepts only approved templates. The message text fills the template’s {{1}} body parameter. Without one, such a message is refused and the agent sees why.' },
    { key: 'graphApiUrl', label: 'Graph API URL', kind: 'url', optional: true, advanced: true, placeholder: 'https://graph.facebook.com/v21.0', hint: 'Overrides Meta’s host and version (e.g. the simulator).' },
  ],
  telegram: [
    { key: 'botToken', label: 'Bot token', kind: 'secret', placeholder: '123456:ABC-DEF…', hint: 'The token @BotFather gave you.' },
    { key: 'secretToken', label: 'Webhook secret token', kind: 'secret', generate: true, maxLength: 256, hint: 'Telegram sends it with every update (X-Telegram-Bot-Api-Secret-Token); letters, digits, _ and - only.' },
    { key: 'apiBaseUrl', label: 'Bot API URL', kind: 'url', optional: true, advanced: true, placeholder: 'https://api.telegram.org', hint: 'Overrides Telegram’s host (a local Bot API server, or the simulator).' },
  ],  'sms-twilio': [
    { key: 'accountSid', label: 'Account SID', kind: 'text', placeholder: 'AC…', hint: 'Twilio Console > Account info.' },
    { key: 'authToken', label: 'Auth token', kind: 'secret', hint: 'Twilio signs every webhook with it (X-Twilio-Signature) and Baton sends with it.' },
    { key: 'from', label: 'Twilio number', kind: 'text', optional: true, placeholder: '+15551234567', hint: 'The number users text, in E.164 form. Or leave it empty and give a Messaging Service.' },
    { key: 'messagingServiceSid', label: 'Messaging Service SID', kind: 'text', optional: true, placeholder: 'MG…', hint: 'Sends through a Messaging Service (its number pool) instead of one number.' },
    { key: 'publicUrl', label: 'Public URL', kind: 'url', optional: true, placeholder: 'https://baton.example.com', hint: 'Baton’s address as Twilio calls it: the signature covers the whole URL. Default: the server’s PUBLIC_URL.' },
    { key: 'maxSegments', label: 'Segments per SMS', kind: 'number', optional: true, advanced: true, placeholder: '3', hint: 'A longer answer is split into several SMS of at most this many segments (160 GSM-7 or 70 Unicode characters for one; 153 or 67 each when joined).' },
    { key: 'mms', label: 'MMS', kind: 'boolean', optional: true, advanced: true, defaultValue: true, hint: 'Agents’ pictures go as MMS (US and Canadian numbers). Off: every file goes as a link in the text.' },
    { key: 'apiBaseUrl', label: 'Twilio API URL', kind: 'url', optional: true, advanced: true, placeholder: 'https://api.twilio.com', hint: 'Overrides Twilio’s host (the simulator).' },
  ],
  email: [
    { key: 'from', label: 'Address', kind: 'text', placeholder: 'Support <support@example.com>', hint: 'The address users write to; Baton answers from it.' },
    { key: 'smtpUrl', label: 'SMTP server', kind: 'text', placeholder: 'smtps://support@smtp.example.com:465', hint: 'smtp:// (STARTTLS on 587) or smtps:// (TLS on 465), with the user name; the password goes below.' },
    { key: 'smtpPassword', label: 'SMTP password', kind: 'secret', optional: true },
    { key: 'webhookSigningSecret', label: 'Mailgun webhook signing key', kind: 'secret', hint: 'Mailgun > Settings > API security > HTTP webhook signing key: every inbound post is signed with it.' },
    { key: 'subject', label: 'Subject of new threads', kind: 'text', optional: true, advanced: true, placeholder: 'Your conversation with us', hint: 'Used when Baton writes without a user’s mail to answer; replies keep the user’s subject.' },
  ],
  messenger: [
    { key: 'pageId', label: 'Page id', kind: 'text', placeholder: '104518332398541', hint: 'Your Page > About > Page transparency, or Messenger API Settings: the numeric id of the Page.' },
    { key: 'pageAccessToken', label: 'Page access token', kind: 'secret', hint: 'Messenger API Settings > Access tokens > Generate (pages_messaging).' },
    { key: 'appId', label: 'App id', kind: 'text', placeholder: '1234567890123456', hint: 'App settings > Basic: the app id (the Handover Protocol names apps by id).' },
    { key: 'appSecret', label: 'App secret', kind: 'secret', hint: 'App settings > Basic > App secret: Meta signs every webhook with it (X-Hub-Signature-256).' },
    { key: 'verifyToken', label: 'Verify token', kind: 'secret', generate: true, hint: 'Any string you choose; paste the same into the webhook configuration. Meta sends it once to check the callback URL.' },
    { key: 'handoverTarget', label: 'Handover to', kind: 'select', optional: true, defaultLabel: 'Baton’s desk (the offload step picks)', options: [{ value: 'page-inbox', label: 'The Page Inbox (Handover Protocol)' }], hint: '“baton”: agents answer in Baton’s desk. “page-inbox”: every handover passes thread control to the Page Inbox (Meta Business Suite) and the bot is silent until the Inbox passes it back.' },
    { key: 'pageInboxAppId', label: 'Page Inbox app id', kind: 'text', optional: true, advanced: true, placeholder: '263902037430900', hint: 'The app thread control passes to; Meta’s Page Inbox unless you name another app.' },
    { key: 'graphApiUrl', label: 'Graph API URL', kind: 'url', optional: true, advanced: true, placeholder: 'https://graph.facebook.com/v21.0', hint: 'Overrides Meta’s host and version (e.g. the simulator).' },
  ],
};
