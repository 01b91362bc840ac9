import { SYMPTOMS } from '../../diagnosis/facts';

// The `/rdp` grammar: `/rdp <vm> [symptom] [from <ip>] [host <name>]`, `/rdp help`, `/rdp audit <vm>`,
// `/rdp digest add|list|remove|run …`, `/rdp watch add|list|remove …`. Parsing only splits words; the values are validated where they
// are used (the same validators as the CLI), so both surfaces say the same thing about bad input.

export type RdpCommand =
  | { kind: 'help' }
  | { kind: 'diagnose'; target: string; symptom?: string; from?: string; host?: string }
  | { kind: 'audit'; target: string }
  | { kind: 'digest'; action: 'add' | 'list' | 'remove' | 'run'; args: string[] }
  | { kind: 'watch'; action: 'add' | 'list' | 'remove'; args: string[] }
  | { kind: 'invalid'; message: string };

const MAX_COMMAND_LENGTH = 1000;
const DIGEST_ACTIONS = ['add', 'list', 'remove', 'run'] as const;
const WATCH_ACTIONS = ['add', 'list', 'remove'] as const;

export function parseRdpCommand(text: string): RdpCommand {
  if (text.length > MAX_COMMAND_LENGTH) {
    return {
      kind: 'invalid',
      message: `That command is ${text.length} characters long; /rdp takes a VM name and a few options.`,
    };
  }
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [first, ...rest] = words;
  if (!first || first.toLowerCase() === 'help') return { kind: 'help' };
  switch (first.toLowerCase()) {
    case 'audit':
      return rest.length === 1
        ? { kind: 'audit', target: rest[0] }
        : { kind: 'invalid', message: 'Usage: `/rdp audit <vm>`.' };
    case 'digest': {
      const action = rest[0]?.toLowerCase();
      if (!(DIGEST_ACTIONS as readonly string[]).includes(action ?? '')) {
        return {
          kind: 'invalid',
          message: 'Usage: `/rdp digest add [schedule] [scope]`, `list`, `remove <id>` or `run <id>`.',
        };
      }
      return { kind: 'digest', action: action as (typeof DIGEST_ACTIONS)[number], args: rest.slice(1) };
    }
    case 'watch': {
      const action = rest[0]?.toLowerCase();
      if (!(WATCH_ACTIONS as readonly string[]).includes(action ?? '')) {
        return {
          kind: 'invalid',
          message: 'Usage: `/rdp watch add <scope> [from <ip or cidr>]`, `list` or `remove <id>`.',
        };
      }
      return { kind: 'watch', action: action as (typeof WATCH_ACTIONS)[number], args: rest.slice(1) };
    }
  }
  const command: Extract<RdpCommand, { kind: 'diagnose' }> = { kind: 'diagnose', target: first };
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i].toLowerCase();
    if ((word === 'from' || word === 'host') && rest[i + 1] !== undefined) {
      command[word] = rest[++i];
    } else if ((SYMPTOMS as readonly string[]).includes(word) && command.symptom === undefined) {
      command.symptom = word;
    } else {
      return {
        kind: 'invalid',
        message: `I did not understand "${rest[i].slice(0, 40)}". Usage: \`/rdp <vm> [symptom] [from <ip>] [host <name>]\`; symptoms: ${SYMPTOMS.filter((s) => s !== 'unknown').join(', ')}.`,
      };
    }
  }
  return command;
}
