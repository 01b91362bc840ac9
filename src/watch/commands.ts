import { parseRange } from '../diagnosis/net';
import { DigestInputError } from '../digest/errors';
import { isScopeTerm, parseScope, type DigestScope } from '../digest/scope';
import type { Watch } from '../store';

// `/rdp watch add <scope> [from <ip or cidr>[,…]]` and `remove <id>`: the words, checked. The scope is the
// digest's grammar; `from` names where people connect from.

export interface WatchAddition {
  scope: DigestScope;
  /** Null: the sources the scope's allow rules name. */
  sources: string[] | null;
}

const USAGE =
  'Usage: `/rdp watch add <scope> [from <ip or cidr>]`, scope as for digests (`rg:<name>`, `tag:<key>=<value>`, `subscription:<guid>`), e.g. `/rdp watch add rg:rg-web from 203.0.113.0/24`.';

export function parseWatchAdd(words: readonly string[]): WatchAddition {
  const scopeWords: string[] = [];
  let sources: string[] | null = null;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word.toLowerCase() === 'from' && words[i + 1] !== undefined && sources === null) {
      sources = words[++i].split(',').filter(Boolean);
      for (const source of sources) {
        if (!parseRange(source)) {
          throw new DigestInputError(
            'digest-scope',
            `"${source.slice(0, 60)}" is not an IP address or CIDR range: use e.g. \`from 203.0.113.10\` or \`from 203.0.113.0/24\`.`,
          );
        }
      }
    } else if (isScopeTerm(word)) {
      scopeWords.push(word);
    } else {
      throw new DigestInputError('digest-scope', `I did not understand "${word.slice(0, 40)}". ${USAGE}`);
    }
  }
  if (scopeWords.length === 0) throw new DigestInputError('digest-scope', `A watch needs a scope. ${USAGE}`);
  return { scope: parseScope(scopeWords), sources };
}

/** Ids are UUIDs; people may type the first few characters the list shows. */
const MIN_PREFIX = 4;

/** The one watch of the channel that `words` names, by its id or the start of it. */
export function findWatch(watches: readonly Watch[], words: readonly string[]): Watch {
  const [text, extra] = words;
  if (!text || extra !== undefined) {
    throw new DigestInputError(
      'digest-id',
      "Usage: `/rdp watch remove <id>`; `/rdp watch list` shows this channel's watches and their ids.",
    );
  }
  const wanted = text.toLowerCase();
  const matches =
    wanted.length < MIN_PREFIX ? [] : watches.filter((w) => w.id.toLowerCase().startsWith(wanted));
  if (matches.length === 1) return matches[0];
  throw new DigestInputError(
    'digest-id',
    matches.length === 0
      ? `No watch \`${text.slice(0, 40)}\` in this channel; \`/rdp watch list\` shows this channel's watches and their ids.`
      : `\`${text}\` is the start of ${matches.length} watches' ids here: type more of it.`,
  );
}
