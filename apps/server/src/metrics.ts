// Prometheus metrics, one registry per app instance (tests build many apps in one process).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
    handovers: new Counter({
      name: 'baton_handovers_total',
      help: 'Handover requests, by trigger, reason and provider',
      labelNames: ['trigger', 'reason', 'provider'] as const,
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
      help: 'Failed webhook delivery attempts',
      labelNames: ['provider'] as const,
      registers: [registry],
    }),
    groupCommitBatch: new Histogram({
      name: 'baton_group_commit_jobs',
      help: 'Jobs per group commit, by how it committed (a transaction, or one statement without one)',
      labelNames: ['path'] as const,
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
