// Messages between the main thread (read-pool.ts) and a SQLite reader thread (read-worker.ts).

export interface ReaderData {
  file: string;
  /** prepared statements kept per thread (the most recently used) */
  cacheSize: number;
  /** the thread's nice value (Linux: per thread); 0 leaves it as the process's */
  nice: number;
}

export type ToReader = { type: 'query'; id: number; sql: string; parameters: readonly unknown[] } | { type: 'stop' };

export type FromReader =
  | { type: 'ready' | 'stopped' }
  | { type: 'rows'; id: number; rows: unknown[] }
  | { type: 'failed'; id: number; message: string; code?: string };
