import { fixById } from '../../fixes';
import type { AuditEntry } from '../../store';
import { context, section } from './build';
import { escapeMrkdwn, mention } from './mrkdwn';
import type { KnownBlock, SlackMessage } from './types';

// The audit trail of one VM's fixes as an incident reviewer reads it: people as mentions, each step as
// a sentence. The store keeps the workflow's own step names and refusal codes; only this file words them.

const SHOWN = 40;
const SYSTEM_ACTOR = 'rdp-doctor';

/** The workflow's refusal codes (`<code>` or `<code>: <detail>` in the entry's detail), in words. */
const REFUSALS: Record<string, string> = {
  'self-approval': 'the proposer cannot approve',
  'not-an-approver': 'they are not one of the approvers',
  expired: 'the proposal had expired',
  'not-pending': 'the proposal was already decided',
  'not-approved': 'the proposal was not approved',
  'already-claimed': 'another instance was already running it',
  'not-executing': 'it was not running',
  'not-found': 'no such proposal',
  'secret-in-params': 'its parameters held a secret',
};

const VERBS: Record<string, string> = {
  propose: 'propose',
  approve: 'approve',
  deny: 'deny',
  claim: 'run',
  finish: 'report on',
};

function refusal(detail: string | null): string {
  if (!detail) return 'refused';
  const [code, ...rest] = detail.split(': ');
  const words = REFUSALS[code];
  if (!words) return `refused: ${escapeMrkdwn(detail)}`;
  return `refused: ${words}${rest.length > 0 ? ` (${escapeMrkdwn(rest.join(': '))})` : ''}`;
}

/** What one entry says happened, as a sentence. */
export function auditSentence(entry: AuditEntry): string {
  const who = entry.actor === SYSTEM_ACTOR ? 'rdp-doctor' : mention(entry.actor);
  const fix = `*${escapeMrkdwn(entry.fixId ? (fixById(entry.fixId)?.title ?? entry.fixId) : 'a fix')}*`;
  const detail = entry.detail ? escapeMrkdwn(entry.detail) : '';
  const refused = /^(\w+)-refused$/.exec(entry.action);
  if (refused) return `${who} tried to ${VERBS[refused[1]] ?? refused[1]} ${fix}: ${refusal(entry.detail)}`;
  switch (entry.action) {
    case 'proposed':
      return `${who} proposed ${fix}`;
    case 'approval-added':
      return `${who} approved ${fix}${detail ? ` (${detail} approvals)` : ''}`;
    case 'approved':
      return `${who} approved ${fix}: it can run`;
    case 'denied':
      return `${who} denied ${fix}${detail ? `: ${detail}` : ''}`;
    case 'executing':
      return `${who} started ${fix}`;
    case 'succeeded':
      return `${fix} succeeded${detail ? `: ${detail}` : ''}`;
    case 'failed':
      return `${fix} failed${detail ? `: ${detail}` : ''}`;
    case 'no-longer-needed':
      return `${fix} was not needed any more${detail ? `: ${detail}` : ''}`;
    case 'expired':
      return `${fix} expired: nobody approved it in time`;
    case 'interrupted':
      return `${fix} was interrupted before it finished${detail ? ` (${detail})` : ''}`;
    default:
      return `${who}: ${escapeMrkdwn(entry.action)} ${fix}${detail ? ` (${detail})` : ''}`;
  }
}

/** The audit trail of one VM's fixes, newest last. */
export function auditMessage(vmName: string, entries: AuditEntry[]): SlackMessage {
  if (entries.length === 0) {
    return {
      text: `No fixes on record for ${vmName}.`,
      blocks: [section(`No fixes on record for *${escapeMrkdwn(vmName)}*.`)],
    };
  }
  const shown = entries.slice(-SHOWN);
  const lines = shown.map((e) => {
    const correlation = e.correlationId ? ` · ARM correlation id ${escapeMrkdwn(e.correlationId)}` : '';
    return `\`${e.at.slice(0, 16).replace('T', ' ')}\` ${auditSentence(e)}${correlation}`;
  });
  const blocks: KnownBlock[] = [section(`*Fix audit trail for ${escapeMrkdwn(vmName)}*`)];
  for (let i = 0; i < lines.length; i += 10) blocks.push(section(lines.slice(i, i + 10).join('\n')));
  if (entries.length > SHOWN)
    blocks.push(context([`Showing the last ${SHOWN} of ${entries.length} entries.`]));
  return { text: `Fix audit trail for ${vmName}`, blocks };
}
