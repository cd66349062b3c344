import { BlockList, isIP } from 'node:net';

/** Special-purpose ranges (IANA registries, RFC 6890): nothing on them is a public webhook receiver. */
const NON_PUBLIC_RANGES: ReadonlyArray<[network: string, prefix: number, family: 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'], // "this network"
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local, cloud metadata
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.88.99.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, broadcast
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'], // local-use NAT64
  ['100::', 64, 'ipv6'],
  ['2001::', 23, 'ipv6'], // protocol assignments, Teredo
  ['2001:db8::', 32, 'ipv6'],
  ['2002::', 16, 'ipv6'], // 6to4 tunnels to any IPv4 address
  ['fc00::', 7, 'ipv6'], // unique local
  ['fe80::', 10, 'ipv6'],
  ['fec0::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const NON_PUBLIC = new BlockList();
for (const [network, prefix, family] of NON_PUBLIC_RANGES) NON_PUBLIC.addSubnet(network, prefix, family);

const NAT64_PREFIX = '64:ff9b::';

/** The IPv4 address a well-known-prefix NAT64 address (64:ff9b::a.b.c.d) is translated to. */
function nat64Target(ipv6: string): string | undefined {
  // The URL parser writes IPv6 in its shortest form, so the embedded address is whatever follows the prefix.
  const normalized = new URL(`http://[${ipv6}]/`).hostname.slice(1, -1);
  if (!normalized.startsWith(NAT64_PREFIX)) return undefined;
  const groups = normalized.slice(NAT64_PREFIX.length).split(':');
  if (groups.length > 2) return undefined;
  const [high, low] = (groups.length === 2 ? groups : ['0', groups[0]]).map((group) => parseInt(group || '0', 16));
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/**
 * Whether `ip` is an address on the public internet: not loopback, private, link-local, carrier-grade
 * NAT, multicast, documentation or otherwise reserved. IPv4-mapped (::ffff:a.b.c.d) and NAT64
 * addresses are judged by the IPv4 address they reach. Anything that is not an IP address is not public.
 */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return !NON_PUBLIC.check(ip, 'ipv4');
  if (family !== 6) return false;
  // BlockList matches IPv4-mapped IPv6 addresses against the IPv4 ranges itself.
  if (NON_PUBLIC.check(ip, 'ipv6')) return false;
  const translated = nat64Target(ip);
  return translated === undefined || isPublicAddress(translated);
}

/**
 * Whether a URL's host is known not to be public without asking DNS: an IP literal outside the public
 * ranges, or a localhost name (RFC 6761). Other names are checked when the webhook is sent; a URL
 * that does not parse is left to the URL validation.
 */
export function hostIsNonPublic(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isIP(host) !== 0 && !isPublicAddress(host);
}
