import { BlockList, isIP } from 'node:net';

type Range = [network: string, prefix: number, family: 'ipv4' | 'ipv6'];

/**
 * Link-local and cloud metadata addresses: refused always, WEBHOOK_ALLOW_PRIVATE or not. A webhook
 * there reads the instance's credentials (169.254.169.254 is the AWS, GCP, Azure and OCI metadata
 * service) and nothing on them is ever a webhook receiver.
 */
const LINK_LOCAL_RANGES: readonly Range[] = [
  ['169.254.0.0', 16, 'ipv4'],
  ['100.100.100.200', 32, 'ipv4'], // Alibaba Cloud metadata
  ['fe80::', 10, 'ipv6'],
  ['fd00:ec2::254', 128, 'ipv6'], // AWS metadata over IPv6
];

/**
 * Special-purpose ranges (IANA registries, RFC 6890): nothing on them is a public webhook receiver.
 * IPv6 forms of an IPv4 address (::/96, ::ffff:0:0/96, 2002::/16, 64:ff9b::/96) are judged in
 * webhookAddressRefusal; they are not listed here because BlockList would then match plain IPv4 addresses.
 */
const PRIVATE_RANGES: readonly Range[] = [
  ['0.0.0.0', 8, 'ipv4'], // "this network"
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'],
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
  ['64:ff9b:1::', 48, 'ipv6'], // local-use NAT64
  ['100::', 64, 'ipv6'],
  ['2001::', 23, 'ipv6'], // protocol assignments, Teredo
  ['2001:db8::', 32, 'ipv6'],
  ['fc00::', 7, 'ipv6'], // unique local
  ['fec0::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

function blockList(ranges: readonly Range[]): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of ranges) list.addSubnet(network, prefix, family);
  return list;
}

const LINK_LOCAL = blockList(LINK_LOCAL_RANGES);
const NON_PUBLIC = blockList([...LINK_LOCAL_RANGES, ...PRIVATE_RANGES]);

/** The eight 16-bit groups of an IPv6 address. */
function ipv6Groups(ip: string): number[] {
  // The URL parser writes IPv6 in its shortest form: hex groups, at most one "::", no dotted quad.
  const [head, tail] = new URL(`http://[${ip}]/`).hostname.slice(1, -1).split('::');
  const groups = (part: string | undefined): number[] => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const [before, after] = [groups(head), groups(tail)];
  return tail === undefined ? before : [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
}

const dottedQuad = (high: number, low: number): string => [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');

/**
 * The IPv4 address an IPv6 address stands for: IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible
 * (::a.b.c.d), 6to4 (2002:aabb:ccdd::) and well-known-prefix NAT64 (64:ff9b::a.b.c.d). `nat64` tells
 * the last apart: a translator really reaches that IPv4 address, so it is judged as that address alone.
 */
function embeddedIpv4(ip: string): { ipv4: string; nat64: boolean } | undefined {
  const g = ipv6Groups(ip);
  const zeros = (from: number, to: number): boolean => g.slice(from, to).every((group) => group === 0);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return { ipv4: dottedQuad(g[6], g[7]), nat64: true };
  if (zeros(0, 5) && (g[5] === 0 || g[5] === 0xffff)) return { ipv4: dottedQuad(g[6], g[7]), nat64: false };
  if (g[0] === 0x2002) return { ipv4: dottedQuad(g[1], g[2]), nat64: false };
  return undefined;
}

/** Why a webhook may not go to an address: `link-local` is never allowed, `non-public` only with WEBHOOK_ALLOW_PRIVATE. */
export type WebhookRefusal = 'link-local' | 'non-public';

/**
 * Why a webhook may not be sent to an address, or undefined when it may. Where only public targets
 * are allowed, that excludes loopback, private, link-local, carrier-grade NAT, multicast,
 * documentation and other reserved addresses, and every IPv6 form of an IPv4 address but NAT64's.
 * Anything that is not an IP address is refused.
 */
export function webhookAddressRefusal(address: string, allowPrivate: boolean): WebhookRefusal | undefined {
  // A zone id (fe80::1%eth0) only says which interface: the address is what counts.
  const ip = address.split('%')[0];
  const family = isIP(ip);
  if (family === 0) return 'non-public';
  const embedded = family === 6 ? embeddedIpv4(ip) : undefined;
  if (embedded) {
    // Whatever the spelling, the IPv4 address behind it is never link-local.
    const behind = webhookAddressRefusal(embedded.ipv4, allowPrivate);
    if (behind === 'link-local' || embedded.nat64) return behind;
    // Unspecified, loopback (::1), IPv4-mapped, -compatible and 6to4: a public receiver is reached by its IPv4 address.
    return allowPrivate ? undefined : 'non-public';
  }
  const version = family === 4 ? 'ipv4' : 'ipv6';
  if (LINK_LOCAL.check(ip, version)) return 'link-local';
  return !allowPrivate && NON_PUBLIC.check(ip, version) ? 'non-public' : undefined;
}

/**
 * Why a webhook URL is refused without asking DNS: an IP literal (in any spelling the URL parser
 * reads) that is refused, or, unless private targets are allowed, a localhost name (RFC 6761). Other
 * names are checked when the webhook is sent; a URL that does not parse is left to the URL validation.
 */
export function webhookUrlRefusal(url: string, allowPrivate: boolean): WebhookRefusal | undefined {
  if (!URL.canParse(url)) return undefined;
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (isIP(host) !== 0) return webhookAddressRefusal(host, allowPrivate);
  return !allowPrivate && (host === 'localhost' || host.endsWith('.localhost')) ? 'non-public' : undefined;
}
