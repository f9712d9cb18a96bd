// Open sockets per client address (an IPv6 /64) on this instance (WS_MAX_CONNECTIONS_PER_IP): one more is refused
// with 429 TOO_MANY_CONNECTIONS before the upgrade. req.ip is the proxy's client address only with
// TRUST_PROXY; without it every client behind a load balancer shares the balancer's address.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

/**
 * The unit one client controls: an IPv4 address, or an IPv6 /64 (a single host is usually given a
 * whole /64, so counting addresses would let it open sockets without end).
 */
export function addressKey(ip: string): string {
  if (!ip.includes(':') || /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip)) return ip.replace(/^::ffff:/i, '');
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => parseInt(g || '0', 16).toString(16)).join(':')}::/64`;
}

export function connectionCap(max: number) {
  const open = new Map<string, number>();
  return {
    /** onRequest hook of the socket route: counts the connection until its TCP socket closes */
    async admit(req: FastifyRequest): Promise<void> {
      // a plain GET of the route (no upgrade) holds nothing and may share a keep-alive connection
      if (!req.ws) return;
      const ip = addressKey(req.ip);
      const n = open.get(ip) ?? 0;
      if (n >= max) throw new AppError('TOO_MANY_CONNECTIONS', `At most ${max} open sockets per address`);
      open.set(ip, n + 1);
      // the upgrade's TCP socket becomes the WebSocket's, or is destroyed when the upgrade is refused:
      // either way its close ends the count, and nothing else can leak it
      req.raw.socket.once('close', () => {
        const left = (open.get(ip) ?? 1) - 1;
        if (left <= 0) open.delete(ip);
        else open.set(ip, left);
      });
    },
    openFrom(ip: string): number {
      return open.get(ip) ?? 0;
    },
  };
}
