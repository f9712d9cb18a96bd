// Settings > Offloading: opening hours, closures, routing and the providers handovers go to.
import { z } from 'zod';
import { WEEKDAYS } from './constants.js';
import { PROVIDER_TYPES } from './provider-fields.js';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM (00:00-24:00)');
export const TimeRange = z.object({ from: HHMM, to: HHMM }).strict();
export type TimeRange = z.infer<typeof TimeRange>;

export const Closure = z
  .object({
    date: z.iso.date(),
    name: z.string().max(200).optional(),
    /** optional partial-day closure; without it the whole day is closed */
    from: HHMM.optional(),
    to: HHMM.optional(),
  })
  .strict();

export const ProviderConfig = z.object({
  id: z.string().min(1).max(64).regex(/^[a-z0-9_-]+$/i, 'letters, digits, _ and - only'),
  type: z.enum(PROVIDER_TYPES),
  name: z.string().min(1).max(200),
  enabled: z.boolean().optional(),
  /** offloads for these skills go to this provider unless the bot's offload plugin names one */
  skills: z.array(z.string().min(1).max(64)).max(100).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});
export type ProviderConfig = z.infer<typeof ProviderConfig>;

export const OffloadingSettings = z
  .object({
    enabled: z.boolean(),
    timezone: z.string().min(1),
    alwaysOpen: z.boolean().optional(),
    openingHours: z.partialRecord(z.enum(WEEKDAYS), z.array(TimeRange).max(12)),
    closures: z.array(Closure).max(1000).default([]),
    waitingTimeoutSeconds: z.number().int().min(10).max(7 * 24 * 3600).default(600),
    defaultProviderId: z.string().min(1).default('desk'),
    providers: z.array(ProviderConfig).min(1).max(50),
    routing: z
      .object({
        mode: z.enum(['auto', 'broadcast']).default('auto'),
        overflowAfterSeconds: z.number().int().min(0).max(86400).nullable().default(null),
        overflowSkill: z.string().nullable().default(null),
        /** no eligible agent online when the offload plugin is reached: treat it like closed (the no-agent dialog, a follow-up) instead of queueing */
        closeWhenNoAgents: z.boolean().default(false),
      })
      .strict()
      .optional(),
    /**
     * the bot dialog to run instead of each system dialog (offloading_disabled, _closed, _opened,
     * _cancelled, _timeout, _refused, _no_agent); a bot without the named dialog runs its own
     */
    dialogs: z
      .object({
        disabled: z.string().optional(),
        closed: z.string().optional(),
        opened: z.string().optional(),
        cancelled: z.string().optional(),
        timeout: z.string().optional(),
        refused: z.string().optional(),
        noAgent: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type OffloadingSettings = z.infer<typeof OffloadingSettings>;

