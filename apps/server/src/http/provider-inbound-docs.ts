// The OpenAPI declarations of the providers' signed callback routes, for the providers whose
// registerSignedInbound call does not pass its own `doc` yet; a declaration passed there wins.
import type { RouteDoc } from './route.js';

const TAG = 'Providers';

export const PROVIDER_INBOUND_DOCS: Readonly<Record<string, RouteDoc>> = {
  '/api/v1/providers/webhook/:providerId/events': {
    name: 'receiveWebhookProviderEvent',
    summary:
      'Offloading Webhook callbacks (agent.accepted, agent.message, agent.typing, conversation.handback, conversation.closed, handover.refused), signed with X-Baton-Signature; a repeated event id is acknowledged and not applied twice',
    tag: TAG,
  },
  '/api/v1/providers/genesys-cloud/:providerId/webhook': {
    name: 'receiveGenesysCloudNotification',
    summary:
      'Genesys Cloud Open Messaging outbound notifications (agent Text messages, Typing events; receipts and bot-flow messages acknowledged), signed with X-Hub-Signature-256 (sha256= + base64 HMAC-SHA256 of the raw body); a repeated message id is applied once; a message for a user who has left gets 200 and a Failed receipt',
    tag: TAG,
  },
  '/api/v1/providers/help-scout/:providerId/webhook': {
    name: 'receiveHelpScoutWebhook',
    summary:
      'Help Scout webhooks (convo.assigned, convo.agent.reply.created, convo.status, convo.deleted, convo.merged), signed with X-HelpScout-Signature (base64 HMAC-SHA1 of the raw body); other events are acknowledged with 200',
    tag: TAG,
  },
};
