import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupAllOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { webhookAddressRefusal } from './public-address';
import type { WebhookRefusal } from './public-address';

export type Resolver = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for http(s).request that refuses a host when any of its addresses may not be reached
 * (link-local and metadata always; any non-public one unless `allowPrivate`), and gives the
 * connection exactly the addresses it checked: there is no second resolution for a rebinding DNS
 * server to answer differently. `refused` makes the caller's error for a refused host.
 */
export function guardedLookup(
  allowPrivate: boolean,
  refused: (hostname: string, refusal: WebhookRefusal) => Error,
  resolve: Resolver = dnsLookup,
): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refusals = addresses.map((entry) => webhookAddressRefusal(entry.address, allowPrivate));
      const refusal = refusals.find((found) => found === 'link-local') ?? refusals.find((found) => found !== undefined);
      if (addresses.length === 0 || refusal) return callback(refused(hostname, refusal ?? 'non-public'), []);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
