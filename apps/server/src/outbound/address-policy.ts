// Which targets Baton may call (docs/security.md): http(s) only, and never loopback, private,
// link-local, unique-local, unspecified, multicast or reserved addresses unless the operator allows
// them (OUTBOUND_ALLOW_PRIVATE, or OUTBOUND_ALLOWED_HOSTS for named hosts and CIDRs). Pure: the save
// checks use it on the literal URL, the client again on every address it connects to.
import { BlockList, isIP } from 'node:net';
import { ConfigError, type Config } from '../config/config.js';

export interface OutboundPolicy {
  /** OUTBOUND_ALLOW_PRIVATE: any address, still http(s) only */
  readonly allowPrivate: boolean;
  /** OUTBOUND_ALLOWED_HOSTS host names, lower-case, without a trailing dot */
  readonly allowedNames: ReadonlySet<string>;
  /** OUTBOUND_ALLOWED_HOSTS addresses and CIDRs */
  readonly allowedNets: BlockList;
  /** the setting as given, for messages */
  readonly allowedHosts: string;
}

// IANA special-purpose ranges that are not the public internet. IPv4-mapped IPv6 (::ffff:a.b.c.d) is
// matched against the IPv4 rules by BlockList itself.
const REFUSED = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network", 0.0.0.0
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) REFUSED.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 96], // unspecified, loopback (::1) and the deprecated IPv4-compatible form
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // old site-local
  ['ff00::', 8], // multicast
] as const) REFUSED.addSubnet(net, bits, 'ipv6');

/** IPv6 forms that carry an IPv4 address Baton would in effect reach: NAT64 and 6to4. */
function embeddedIpv4(ip: string): string | undefined {
  const words = expandIpv6(ip);
  if (!words) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0)) return v4(words[6]!, words[7]!);
  if (words[0] === 0x2002) return v4(words[1]!, words[2]!);
  return undefined;
}

/** The eight 16-bit words of an IPv6 address (an embedded dotted IPv4 tail included), or undefined. */
export function expandIpv6(ip: string): number[] | undefined {
  let s = ip.toLowerCase();
  const dotted = s.match(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  const words = [...h, ...fill, ...t].map((w) => parseInt(w, 16));
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : undefined;
}

export const REFUSED_KIND = 'a loopback, private, link-local or reserved address';

const bare = (host: string) => host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();

export function outboundPolicy(config: Pick<Config, 'OUTBOUND_ALLOW_PRIVATE' | 'OUTBOUND_ALLOWED_HOSTS'>): OutboundPolicy {
  const allowedNames = new Set<string>();
  const allowedNets = new BlockList();
  const problems: string[] = [];
  for (const entry of config.OUTBOUND_ALLOWED_HOSTS.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [addr, bits, extra] = entry.split('/');
    const ip = bare(addr!);
    const family = isIP(ip);
    if (extra !== undefined) problems.push(`OUTBOUND_ALLOWED_HOSTS: "${entry}" is not a host name, address or CIDR`);
    else if (family) {
      const max = family === 4 ? 32 : 128;
      const n = bits === undefined ? max : Number(bits);
      if (!/^\d+$/.test(bits ?? String(max)) || n > max) problems.push(`OUTBOUND_ALLOWED_HOSTS: "${entry}" has a bad prefix length`);
      else allowedNets.addSubnet(ip, n, family === 4 ? 'ipv4' : 'ipv6');
    } else if (bits === undefined && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(ip)) allowedNames.add(ip);
    else problems.push(`OUTBOUND_ALLOWED_HOSTS: "${entry}" is not a host name, address or CIDR`);
  }
  if (problems.length) throw new ConfigError(problems);
  return { allowPrivate: config.OUTBOUND_ALLOW_PRIVATE, allowedNames, allowedNets, allowedHosts: config.OUTBOUND_ALLOWED_HOSTS };
}

/** The strictest policy: what Baton does when nothing is configured. */
export const STRICT_POLICY: OutboundPolicy = outboundPolicy({ OUTBOUND_ALLOW_PRIVATE: false, OUTBOUND_ALLOWED_HOSTS: '' });

function allowedAddress(ip: string, policy: OutboundPolicy): boolean {
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  return policy.allowedNets.check(ip, family) || (family === 'ipv6' && /^::ffff:/i.test(ip) && policy.allowedNets.check(ip.replace(/^::ffff:/i, ''), 'ipv4'));
}

/** Why Baton may not connect to this address (after DNS), or undefined when it may. */
export function refusedAddress(address: string, policy: OutboundPolicy): string | undefined {
  const ip = bare(address);
  const family = isIP(ip);
  if (!family) return `"${address}" is not an IP address`;
  if (policy.allowPrivate || allowedAddress(ip, policy)) return undefined;
  const v4 = family === 6 ? embeddedIpv4(ip) : undefined;
  if (REFUSED.check(ip, family === 4 ? 'ipv4' : 'ipv6') || (v4 !== undefined && REFUSED.check(v4, 'ipv4'))) {
    return `${ip} is ${REFUSED_KIND}`;
  }
  return undefined;
}

export const isLocalhostName = (host: string) => {
  const h = bare(host);
  return h === 'localhost' || h.endsWith('.localhost');
};

/** A host name named in OUTBOUND_ALLOWED_HOSTS: reachable whatever it resolves to. */
export const allowedByName = (host: string, policy: OutboundPolicy) => policy.allowedNames.has(bare(host));

/**
 * Why Baton may not call this URL, judged on the URL alone (no DNS): used when a setting is saved
 * and before every call. A host name passes here; the client checks what it resolves to.
 */
export function refusedUrl(raw: string, policy: OutboundPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a valid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${url.protocol.replace(/:$/, '')}: URLs are not allowed (http and https only)`;
  // the WHATWG parser has already turned 0x7f000001, 2130706433, 127.1 and 0177.0.0.1 into 127.0.0.1
  const host = bare(url.hostname);
  if (!host) return 'the URL has no host';
  if (allowedByName(host, policy) || policy.allowPrivate) return undefined;
  if (isIP(host)) return refusedAddress(host, policy);
  // localhost names are loopback whatever a resolver says: allowed only where 127.0.0.1 is
  if (isLocalhostName(host)) return refusedAddress('127.0.0.1', policy) ? `${host} is a loopback name` : undefined;
  return undefined;
}

const policies = new WeakMap<object, OutboundPolicy>();

/** The policy of a loaded configuration (parsed once per configuration object). */
export function policyFor(config: Pick<Config, 'OUTBOUND_ALLOW_PRIVATE' | 'OUTBOUND_ALLOWED_HOSTS'>): OutboundPolicy {
  let p = policies.get(config);
  if (!p) policies.set(config, (p = outboundPolicy(config)));
  return p;
}
