// A handover as stored on its conversation when the bot offloads it (times as epoch milliseconds).
import type { VariableMap } from './bot/types.js';

export interface StoredHandover {
  reason: string;
  trigger: string;
  dialog: string | null;
  providerId: string;
  requestedAt: number;
  note: string | null;
  skill: string;
  language: string;
  tags: string[];
  variables: VariableMap;
}
