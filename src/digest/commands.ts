import type { DigestSubscription } from '../store';
import { DigestInputError } from './errors';
import { parseSchedule, type DigestSchedule } from './schedule';
import { isScopeTerm, parseScope, type DigestScope } from './scope';

// `/rdp digest add [schedule] [scope]`, `remove <id>`, `run <id>`: the words, checked. Scope terms are
// recognised by their prefix wherever they stand; every other word belongs to the schedule.

export interface DigestAddition {
  schedule: DigestSchedule;
  scope: DigestScope;
}

export function parseAdd(words: readonly string[]): DigestAddition {
  return {
    schedule: parseSchedule(words.filter((word) => !isScopeTerm(word))),
    scope: parseScope(words.filter(isScopeTerm)),
  };
}

/** Ids are UUIDs; people may type the first few characters the list shows. */
const MIN_PREFIX = 4;

/** The one subscription of the channel that `words` names, by its id or the start of it. */
export function findSubscription(
  subscriptions: readonly DigestSubscription[],
  words: readonly string[],
  action: 'remove' | 'run',
): DigestSubscription {
  const [text, extra] = words;
  if (!text || extra !== undefined) {
    throw new DigestInputError(
      'digest-id',
      `Usage: \`/rdp digest ${action} <id>\`; \`/rdp digest list\` shows this channel's digests and their ids.`,
    );
  }
  const wanted = text.toLowerCase();
  const matches =
    wanted.length < MIN_PREFIX
      ? []
      : subscriptions.filter((subscription) => subscription.id.toLowerCase().startsWith(wanted));
  if (matches.length === 1) return matches[0];
  throw new DigestInputError(
    'digest-id',
    matches.length === 0
      ? `No digest \`${text.slice(0, 40)}\` in this channel; \`/rdp digest list\` shows this channel's digests and their ids.`
      : `\`${text}\` is the start of ${matches.length} digests' ids here: type more of it.`,
  );
}
