/**
 * Where a webhook may point. A webhook is a URL an API client chooses and the worker calls from
 * inside the network it runs in, so a URL that reaches loopback, a private network or a
 * link-local address (a cloud's metadata service at 169.254.169.254) would let a client make
 * LeadFlow call its neighbours. Such URLs are refused when registered and again at every
 * delivery, against the address the connection really uses (a name may resolve elsewhere by
 * then: DNS rebinding). An operator whose receivers live on such a network allows them with
 * LEADFLOW_ALLOW_PRIVATE_WEBHOOKS=true.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network": 0.0.0.0 reaches the local host
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** Why `address` (an IP) may not receive webhooks, or undefined when it may. */
export function refusedAddress(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  // An IPv4 address written as IPv6 (::ffff:127.0.0.1) is judged as the IPv4 one.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return refusedAddress(mapped);
  if (!blocked.check(address, family === 4 ? 'ipv4' : 'ipv6')) return undefined;
  return `${address} is a loopback, private or link-local address; webhooks go to public addresses unless LEADFLOW_ALLOW_PRIVATE_WEBHOOKS=true`;
}

export type Lookup = (hostname: string) => Promise<string[]>;

const systemLookup: Lookup = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses.map((a) => a.address)))));

/**
 * Why a webhook may not be registered at `url`, or undefined. A name that does not resolve now
 * is let through: it is checked again, against its address then, at every delivery.
 */
export async function refusedWebhookUrl(url: string, options: { lookup?: Lookup; timeoutMs?: number } = {}): Promise<string | undefined> {
  const hostname = hostOf(url);
  if (isIP(hostname)) return refusedAddress(hostname);
  const lookup = options.lookup ?? systemLookup;
  const addresses = await Promise.race([
    lookup(hostname).catch(() => [] as string[]),
    new Promise<string[]>((resolve) => setTimeout(() => resolve([]), options.timeoutMs ?? 2_000).unref()),
  ]);
  for (const address of addresses) {
    const problem = refusedAddress(address);
    if (problem) return `${hostname} resolves to ${problem}`;
  }
  return undefined;
}

/** The URL's host as a connection uses it: an IPv6 literal without its brackets. */
export function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `http.request` that refuses to connect to an address webhooks may not reach:
 * the check and the connection use the same resolution, so a name cannot pass the check and
 * then resolve to a private address for the connection.
 */
export function guardedLookup(hostname: string, options: LookupOptions | LookupAllOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    for (const { address } of addresses) {
      const problem = refusedAddress(address);
      if (problem) return callback(Object.assign(new Error(`${hostname} resolves to ${problem}`), { code: 'EWEBHOOKADDRESS' }), []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}
