// Open sockets per client address (an IPv6 /64) on this instance (WS_MAX_CONNECTIONS_PER_IP): one more is refused
// with 429 TOO_MANY_CONNECTIONS before the upgrade. req.ip is the proxy's client address only with
// TRUST_PROXY; without it every client behind a load balancer shares the balancer's address.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { expandIpv6 } from '../outbound/address-policy.js';
import { Counts } from './counts.js';

/**
 * The unit one client controls: an IPv4 address, or an IPv6 /64 (a single host is usually given a
 * whole /64, so counting addresses would let it open sockets without end).
 */
export function addressKey(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1]!;
  const words = expandIpv6(ip);
  return words ? `${words.slice(0, 4).map((w) => w.toString(16)).join(':')}::/64` : ip;
}

export function connectionCap(max: number) {
  const open = new Counts();
  return {
    /** onRequest hook of the socket route: counts the connection until its TCP socket closes */
    async admit(req: FastifyRequest): Promise<void> {
      // a plain GET of the route (no upgrade) holds nothing and may share a keep-alive connection
      if (!req.ws) return;
      const ip = addressKey(req.ip);
      if (open.get(ip) >= max) throw new AppError('TOO_MANY_CONNECTIONS', `At most ${max} open sockets per address`);
      open.add(ip);
      // the upgrade's TCP socket becomes the WebSocket's, or is destroyed when the upgrade is refused:
      // either way its close ends the count, and nothing else can leak it
      req.raw.socket.once('close', () => open.remove(ip));
    },
  };
}
