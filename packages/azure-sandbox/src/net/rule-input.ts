import { badRequest, objectBody } from '../arm/respond';
import type { SecurityRule } from '../world';
import { parseCidr } from './ip';
import { SERVICE_TAGS } from './nsg';

// A security rule PUT body, validated the way the network RP validates it, with its error codes.

const PROTOCOLS = ['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*'];

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  const found = allowed.find(
    (option) => typeof value === 'string' && option.toLowerCase() === value.toLowerCase(),
  );
  if (!found) {
    throw badRequest(
      'InvalidRequestFormat',
      `Security rule property '${field}' must be one of ${allowed.join(', ')}.`,
    );
  }
  return found;
}

function validPrefix(prefix: string): boolean {
  return (
    prefix === '*' ||
    parseCidr(prefix) !== null ||
    SERVICE_TAGS.some((tag) => tag.toLowerCase() === prefix.toLowerCase())
  );
}

function validPortRange(range: string): boolean {
  if (range === '*') return true;
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(range);
  const [low, high] = match ? [Number(match[1]), Number(match[2] ?? match[1])] : [NaN, NaN];
  return low <= high && high <= 65535;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The singular and plural forms of one field, checked; at least one must be given. */
function pair(
  properties: Record<string, unknown>,
  single: string,
  plural: string,
  valid: (v: string) => boolean,
  invalid: (v: string) => never,
) {
  const one = typeof properties[single] === 'string' ? (properties[single] as string) : undefined;
  const many = strings(properties[plural]);
  if (!one && many.length === 0) {
    throw badRequest('InvalidRequestFormat', `Security rule needs '${single}' or '${plural}'.`);
  }
  for (const value of one ? [one] : many) if (!valid(value)) invalid(value);
  return { one, many: one ? [] : many };
}

export function parseSecurityRule(name: string, body: unknown): SecurityRule {
  const properties = objectBody(objectBody(body).properties);
  const priority = properties.priority;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 100 || priority > 4096) {
    throw badRequest(
      'SecurityRuleInvalidPriority',
      `Security rule has invalid Priority. Value provided: ${String(priority)}. Allowed range 100-4096.`,
    );
  }
  const badPrefix = (value: string): never => {
    throw badRequest(
      'SecurityRuleInvalidAddressPrefix',
      `Security rule has invalid Address prefix. Value provided: ${value}.`,
    );
  };
  const badPort = (value: string): never => {
    throw badRequest(
      'SecurityRuleInvalidPortRange',
      `Security rule has invalid Port range. Value provided: ${value}. Value should be an integer OR integer range with '-' delimiter. Valid range 0-65535.`,
    );
  };
  const source = pair(properties, 'sourceAddressPrefix', 'sourceAddressPrefixes', validPrefix, badPrefix);
  const destination = pair(
    properties,
    'destinationAddressPrefix',
    'destinationAddressPrefixes',
    validPrefix,
    badPrefix,
  );
  const sourcePorts = pair(properties, 'sourcePortRange', 'sourcePortRanges', validPortRange, badPort);
  const destinationPorts = pair(
    properties,
    'destinationPortRange',
    'destinationPortRanges',
    validPortRange,
    badPort,
  );
  const description = typeof properties.description === 'string' ? properties.description : undefined;
  return {
    name,
    priority,
    direction: oneOf(properties.direction, ['Inbound', 'Outbound'] as const, 'direction'),
    access: oneOf(properties.access, ['Allow', 'Deny'] as const, 'access'),
    protocol: oneOf(properties.protocol, PROTOCOLS, 'protocol'),
    ...(description ? { description } : {}),
    ...(source.one ? { sourceAddressPrefix: source.one } : {}),
    sourceAddressPrefixes: source.many,
    ...(sourcePorts.one ? { sourcePortRange: sourcePorts.one } : {}),
    sourcePortRanges: sourcePorts.many,
    ...(destination.one ? { destinationAddressPrefix: destination.one } : {}),
    destinationAddressPrefixes: destination.many,
    ...(destinationPorts.one ? { destinationPortRange: destinationPorts.one } : {}),
    destinationPortRanges: destinationPorts.many,
  };
}

/** ARM refuses two rules of one NSG with the same priority and direction. */
export function assertNoConflict(rule: SecurityRule, existing: readonly SecurityRule[]): void {
  const clash = existing.find(
    (other) =>
      other.name.toLowerCase() !== rule.name.toLowerCase() &&
      other.priority === rule.priority &&
      other.direction === rule.direction,
  );
  if (clash) {
    throw badRequest(
      'SecurityRuleConflict',
      `Security rule ${rule.name} conflicts with rule ${clash.name}. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.`,
    );
  }
}
