import type { JsonObject } from '../store';
import { resourceGroupNameProblem } from '../azure/names';
import { DigestInputError } from './errors';

// Which machines a digest covers: `subscription:<guid>`, `rg:<name>`, `tag:<key>=<value>`, each repeatable.
// Terms of one kind widen (rg:a rg:b is either group); kinds narrow each other (rg:a tag:env=prod is the
// tagged machines of rg-a). No subscription term means the subscriptions rdp-doctor is configured for.

export interface TagFilter {
  key: string;
  value: string;
}

export interface DigestScope {
  subscriptions: string[];
  resourceGroups: string[];
  tags: TagFilter[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Azure refuses `< > % & \ ? /` in tag names; the words of a command cannot hold spaces. */
const TAG_KEY = /^[^<>%&\\?/\s=]{1,512}$/;
const TAG_VALUE = /^[^\s]{1,256}$/;
const PREFIXES = ['subscription:', 'rg:', 'tag:'];

export const EMPTY_SCOPE: DigestScope = { subscriptions: [], resourceGroups: [], tags: [] };

export function isScopeTerm(word: string): boolean {
  return PREFIXES.some((prefix) => word.toLowerCase().startsWith(prefix));
}

function addTerm(scope: DigestScope, word: string): void {
  const colon = word.indexOf(':');
  const kind = word.slice(0, colon).toLowerCase();
  const value = word.slice(colon + 1);
  if (kind === 'subscription') {
    if (!GUID.test(value)) {
      throw new DigestInputError(
        'digest-scope',
        `"${value.slice(0, 60)}" is not a subscription id: use \`subscription:<guid>\`, e.g. subscription:5a4db0c5-0000-4000-8000-00000000a001.`,
      );
    }
    if (!scope.subscriptions.some((id) => id.toLowerCase() === value.toLowerCase()))
      scope.subscriptions.push(value);
  } else if (kind === 'rg') {
    const problem = resourceGroupNameProblem(value);
    if (problem) {
      throw new DigestInputError(
        'digest-scope',
        `"${value.slice(0, 60)}" is not a resource group name: ${problem} (\`rg:<name>\`).`,
      );
    }
    if (!scope.resourceGroups.some((rg) => rg.toLowerCase() === value.toLowerCase()))
      scope.resourceGroups.push(value);
  } else {
    const equals = value.indexOf('=');
    const key = value.slice(0, equals);
    const tagValue = value.slice(equals + 1);
    if (equals < 1 || !TAG_KEY.test(key) || !TAG_VALUE.test(tagValue)) {
      throw new DigestInputError(
        'digest-scope',
        `"${value.slice(0, 60)}" is not a tag filter: use \`tag:<key>=<value>\`, e.g. tag:env=prod.`,
      );
    }
    scope.tags.push({ key, value: tagValue });
  }
}

/** The scope the words name; every word must be a scope term. */
export function parseScope(words: readonly string[]): DigestScope {
  const scope: DigestScope = { subscriptions: [], resourceGroups: [], tags: [] };
  for (const word of words) addTerm(scope, word);
  return scope;
}

export function scopeToJson(scope: DigestScope): JsonObject {
  return { subscriptions: scope.subscriptions, resourceGroups: scope.resourceGroups, tags: scope.tags };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The scope as the store keeps it; anything unreadable counts as absent, never as "everything else". */
export function scopeFromJson(json: JsonObject): DigestScope {
  const tags = Array.isArray(json.tags)
    ? json.tags.flatMap((tag: unknown) => {
        const { key, value } = (tag ?? {}) as Record<string, unknown>;
        return typeof key === 'string' && typeof value === 'string' ? [{ key, value }] : [];
      })
    : [];
  return { subscriptions: strings(json.subscriptions), resourceGroups: strings(json.resourceGroups), tags };
}

/** The subscriptions to inventory: the scope's own, else the configured ones. */
export function subscriptionsOf(scope: DigestScope, configured: readonly string[]): string[] {
  return scope.subscriptions.length > 0 ? [...scope.subscriptions] : [...configured];
}

/** `subscription 5a4db0c5-…, resource group rg-web or rg-api, tag env=prod` */
export function describeScope(scope: DigestScope): string {
  const parts = [
    scope.subscriptions.length > 0
      ? `subscription ${scope.subscriptions.join(' or ')}`
      : 'the configured subscriptions',
  ];
  if (scope.resourceGroups.length > 0) parts.push(`resource group ${scope.resourceGroups.join(' or ')}`);
  if (scope.tags.length > 0)
    parts.push(`tag ${scope.tags.map((tag) => `${tag.key}=${tag.value}`).join(' or ')}`);
  return parts.join(', ');
}
