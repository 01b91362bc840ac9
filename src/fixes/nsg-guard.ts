import ipaddr from 'ipaddr.js';
import { parseRange } from '../diagnosis/net';

// The guard on every source an inbound RDP allow may name (DESIGN.md: never `*`, `Internet`,
// `0.0.0.0/0`, nor wider than NSG_MAX_PREFIX). Pure: the NSG fix and the JIT request both pass through it.

/** IPv6 ranges are handed out per /64: anything wider is a whole organisation, not a person. */
export const IPV6_MAX_PREFIX = 64;

const EXAMPLE = 'your own public address (e.g. 203.0.113.10) or your office range (e.g. 203.0.113.0/24)';
const EVERYONE = new Set(['*', 'any', 'internet', '0.0.0.0/0', '::/0']);
// Service tags are capitalised words, optionally regional: `VirtualNetwork`, `AzureCloud.westeurope`, `Storage.EastUS2`.
const SERVICE_TAG = /^[A-Z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)?$/;

export type SourceCheck =
  { ok: true; source: string; prefixLength: number; family: 'ipv4' | 'ipv6' } | { ok: false; reason: string };

function refuse(reason: string): SourceCheck {
  return { ok: false, reason };
}

function addressCount(family: 'ipv4' | 'ipv6', prefixLength: number): string {
  const bits = (family === 'ipv4' ? 32 : 128) - prefixLength;
  return bits <= 24 ? (2 ** bits).toLocaleString('en-US') : `2^${bits}`;
}

/**
 * Whether `text` may be the source of an inbound allow: one IP address or CIDR range, no wider than
 * /`maxPrefix` (IPv4) or /64 (IPv6). A range written with host bits set ('203.0.113.10/24') is taken as
 * its network ('203.0.113.0/24'), which is what ARM stores; a single address stays as typed.
 */
export function checkRdpSource(text: string, maxPrefix: number): SourceCheck {
  const value = text.trim();
  if (value === '') return refuse(`Type the address you connect from: ${EXAMPLE}.`);
  if (EVERYONE.has(value.toLowerCase())) {
    return refuse(
      `"${value}" would open RDP to the whole internet, which brute-force scanners find within minutes: type ${EXAMPLE}.`,
    );
  }
  if (/[,;\s]/.test(value)) {
    return refuse(`"${value}" holds more than one value: type one address or range, e.g. 203.0.113.10.`);
  }
  const range = parseRange(value);
  if (range === null) {
    if (SERVICE_TAG.test(value)) {
      return refuse(
        `"${value}" is a service tag, which stands for address ranges Azure manages, far wider than one person: type ${EXAMPLE}.`,
      );
    }
    return refuse(`"${value}" is not an IP address or CIDR range: type ${EXAMPLE}.`);
  }
  const [address, prefixLength] = range;
  const family = address.kind();
  const widest = family === 'ipv4' ? maxPrefix : IPV6_MAX_PREFIX;
  if (prefixLength === 0) {
    return refuse(`"${value}" covers every address, which opens RDP to the whole internet: type ${EXAMPLE}.`);
  }
  if (prefixLength < widest) {
    const policy = family === 'ipv4' ? ' (NSG_MAX_PREFIX)' : '';
    return refuse(
      `"${value}" spans ${addressCount(family, prefixLength)} addresses; the widest range allowed is /${widest}${policy}: ` +
        `type your own address or a range of /${widest} or narrower.`,
    );
  }
  const source = value.includes('/')
    ? `${(family === 'ipv4' ? ipaddr.IPv4 : ipaddr.IPv6).networkAddressFromCIDR(value).toString()}/${prefixLength}`
    : address.toString();
  return { ok: true, source, prefixLength, family };
}
