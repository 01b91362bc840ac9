// IPv4 arithmetic for NSG and route evaluation. The sandbox's networks are IPv4 only, like most RDP paths.

export interface Cidr {
  base: number;
  bits: number;
}

export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
}

function mask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** `10.0.0.0/16`, or a bare address as a /32. */
export function parseCidr(text: string): Cidr | null {
  const [address, length, extra] = text.split('/');
  if (extra !== undefined) return null;
  const base = parseIpv4(address);
  const bits = length === undefined ? 32 : /^\d{1,2}$/.test(length) ? Number(length) : NaN;
  if (base === null || !(bits >= 0 && bits <= 32)) return null;
  return { base: (base & mask(bits)) >>> 0, bits };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.bits}`;
}

export function cidrContains(cidr: Cidr, address: number): boolean {
  return (address & mask(cidr.bits)) >>> 0 === cidr.base;
}

function overlaps(a: Cidr, b: Cidr): boolean {
  return a.bits <= b.bits ? cidrContains(a, b.base) : cidrContains(b, a.base);
}

/** The address space of `from` minus `holes`, as the fewest aligned blocks this simple split finds. */
export function subtractCidrs(from: Cidr, holes: Cidr[]): Cidr[] {
  if (holes.some((hole) => hole.bits <= from.bits && cidrContains(hole, from.base))) return [];
  if (!holes.some((hole) => overlaps(hole, from))) return [from];
  const bits = from.bits + 1;
  const upper = (from.base + 2 ** (32 - bits)) >>> 0;
  return [...subtractCidrs({ base: from.base, bits }, holes), ...subtractCidrs({ base: upper, bits }, holes)];
}

/** Ranges that are never on the public internet (the complement is the `Internet` service tag). */
const NON_INTERNET = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/3',
].map((text) => parseCidr(text) as Cidr);

export const INTERNET_PREFIXES: readonly string[] = subtractCidrs({ base: 0, bits: 0 }, NON_INTERNET).map(
  formatCidr,
);
