// A small hash router: "#/queue/c_123" → { path: ['queue','c_123'] }. Hash routes need no server
// rewrite rules, which keeps /desk/ a plain static mount.
import { useEffect, useState } from 'react';

export function parseHash(hash: string): string[] {
  return hash
    .replace(/^#\/?/, '')
    .split('?')[0]!
    .split('/')
    .filter(Boolean)
    .map((s) => decodeURIComponent(s));
}

export function href(...parts: string[]): string {
  return `#/${parts.map(encodeURIComponent).join('/')}`;
}

export function navigate(...parts: string[]) {
  const next = href(...parts);
  if (window.location.hash !== next) window.location.hash = next;
}

export function useRoute(): string[] {
  const [path, setPath] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setPath(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return path;
}
