import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError } from '../../platform/errors.js';

/** Loopback, private, link-local, shared (CGNAT), unspecified and multicast ranges: not the internet. */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv6');

/** Whether an IP address (v4, v6, or v4 mapped into v6) is in a private, loopback or link-local range. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return PRIVATE.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family === 6) return PRIVATE.check(address, 'ipv6');
  return false;
}

/**
 * Parses a webhook URL: http or https only, no credentials in it. Refuses with 400 WEBHOOK_URL_INVALID
 * (not a URL, or user:password in it) or WEBHOOK_URL_SCHEME (another scheme).
 */
export function parseWebhookUrl(given: string): URL {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new AppError('bad_request', 'WEBHOOK_URL_INVALID', `"${given.slice(0, 200)}" is not a URL`, {
      url: given.slice(0, 200),
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError(
      'bad_request',
      'WEBHOOK_URL_SCHEME',
      `Webhook URLs must start with http:// or https://; ${url.protocol.slice(0, 20)} is not accepted`,
      { scheme: url.protocol.replace(/:$/, '').slice(0, 20) },
    );
  }
  if (url.username || url.password) {
    throw new AppError(
      'bad_request',
      'WEBHOOK_URL_INVALID',
      'A webhook URL must not carry a user name or password; verify deliveries by their signature instead',
      { url: `${url.protocol}//${url.host}${url.pathname}`.slice(0, 200) },
    );
  }
  return url;
}

/**
 * Refuses a target whose host is, or resolves to, a private, loopback or link-local address (400
 * WEBHOOK_TARGET_PRIVATE), or does not resolve at all (400 WEBHOOK_TARGET_UNRESOLVABLE). Checked at
 * registration and again before each delivery, since a name can be pointed elsewhere later.
 */
export async function assertPublicTarget(url: URL): Promise<void> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
    } catch {
      throw new AppError(
        'bad_request',
        'WEBHOOK_TARGET_UNRESOLVABLE',
        `The host ${host.slice(0, 200)} of the webhook URL does not resolve`,
        { host: host.slice(0, 200) },
      );
    }
  }
  const blocked = addresses.find(isPrivateAddress);
  if (blocked) {
    throw new AppError(
      'bad_request',
      'WEBHOOK_TARGET_PRIVATE',
      `The webhook URL points to ${blocked}, a private, loopback or link-local address; ` +
        'in production such targets need WEBHOOK_ALLOW_PRIVATE=true',
      { host: host.slice(0, 200), address: blocked },
    );
  }
}
