// Small React hooks shared by the pages.
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from './api';

/** The current time, re-rendering every `ms` (waiting times tick). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => Promise<void>;
  setData: (d: T) => void;
}

/** Load something once (and on demand); the latest call wins when reloads overlap. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  // the caller lists what fn depends on, as with useEffect
  const load = useCallback(fn, deps);
  const reload = useCallback(async () => {
    const my = ++seq.current;
    setLoading(true);
    try {
      const d = await load();
      if (my === seq.current) {
        setData(d);
        setError(undefined);
      }
    } catch (err) {
      if (my === seq.current) setError(errorText(err));
    } finally {
      if (my === seq.current) setLoading(false);
    }
  }, [load]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload, setData };
}
