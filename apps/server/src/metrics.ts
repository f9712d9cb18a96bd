// Prometheus metrics, one registry per app instance (tests build many apps in one process). Every
// label takes its values from a fixed list or from ids an admin configures, never from free text: a
// label value that varies with what users or bots say would create a series per sentence.
import { HandoverTrigger } from '@baton/proto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** what started a handover, as the bot definition's `trigger` says; anything else counts as `other` */
export const HANDOVER_TRIGGERS = HandoverTrigger.options;

export function handoverTrigger(value: string): HandoverTrigger {
  return (HANDOVER_TRIGGERS as readonly string[]).includes(value) ? (value as HandoverTrigger) : 'other';
}

/** how one outbox delivery attempt ended */
export type DeliveryOutcome = 'delivered' | 'retry' | 'dead' | 'refused';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'baton_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'baton_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
    messages: new Counter({
      name: 'baton_messages_total',
      help: 'Messages stored, by author type',
      labelNames: ['author'] as const,
      registers: [registry],
    }),
    attachments: new Counter({
      name: 'baton_attachments_total',
      help: 'Attachments stored, by who uploaded them (user, agent, bot, channel)',
      labelNames: ['by'] as const,
      registers: [registry],
    }),
    handovers: new Counter({
      name: 'baton_handovers_total',
      help: 'Handover requests, by trigger (explicit, not_understood, flow_end, frustration, other) and provider id',
      labelNames: ['trigger', 'provider'] as const,
      registers: [registry],
    }),
    offloadBlocked: new Counter({
      name: 'baton_offload_blocked_total',
      help: 'Offload plugin reached while offloading was disabled or closed',
      labelNames: ['availability'] as const,
      registers: [registry],
    }),
    waitSeconds: new Histogram({
      name: 'baton_handover_wait_seconds',
      help: 'Time from handover request to agent accept',
      buckets: [5, 15, 30, 60, 120, 300, 600, 1800, 3600],
      registers: [registry],
    }),
    queueLength: new Gauge({ name: 'baton_queue_length', help: 'Conversations waiting for an agent', registers: [registry] }),
    wsConnections: new Gauge({ name: 'baton_ws_connections', help: 'Open WebSocket connections', labelNames: ['kind'] as const, registers: [registry] }),
    outboxBacklog: new Gauge({ name: 'baton_outbox_backlog', help: 'Webhook deliveries pending', registers: [registry] }),
    outboxFailures: new Counter({
      name: 'baton_outbox_failures_total',
      help: 'Failed webhook delivery attempts, by provider id (`channel` for channel webhooks)',
      labelNames: ['provider'] as const,
      registers: [registry],
    }),
    outboxDeliveries: new Counter({
      name: 'baton_outbox_deliveries_total',
      help: 'Outbox delivery attempts, by target (provider type or `channel`) and outcome (delivered, retry, dead, refused)',
      labelNames: ['target', 'outcome'] as const,
      registers: [registry],
    }),
    outboxDuration: new Histogram({
      name: 'baton_outbox_delivery_duration_seconds',
      help: 'Time one outbox delivery attempt took (the call to the provider or channel), by target and outcome',
      labelNames: ['target', 'outcome'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    groupCommitBatch: new Histogram({
      name: 'baton_group_commit_jobs',
      help: 'Jobs per group commit, by how it committed (a transaction, or one statement without one)',
      labelNames: ['path'] as const,
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
    retentionConversations: new Counter({
      name: 'baton_retention_conversations_total',
      help: 'Conversations the retention jobs closed (idle), anonymized or deleted, and those a contact erasure deleted',
      labelNames: ['action'] as const,
      registers: [registry],
    }),
  };
}

/** what retention or erasure did to a conversation */
export type RetentionAction = 'closed' | 'anonymized' | 'deleted' | 'erased';

export type Metrics = ReturnType<typeof createMetrics>;
