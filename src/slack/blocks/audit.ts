import type { AuditEntry } from '../../store';
import { section, context } from './build';
import { escapeMrkdwn, mention } from './mrkdwn';
import type { KnownBlock, SlackMessage } from './types';

const SHOWN = 40;

/** The audit trail of one VM's fixes, newest last, as an incident reviewer reads it. */
export function auditMessage(vmName: string, entries: AuditEntry[]): SlackMessage {
  if (entries.length === 0) {
    return {
      text: `No fixes on record for ${vmName}.`,
      blocks: [section(`No fixes on record for *${escapeMrkdwn(vmName)}*.`)],
    };
  }
  const shown = entries.slice(-SHOWN);
  const lines = shown.map((e) => {
    const who = mention(e.actor);
    const what = [e.action, e.fixId].filter(Boolean).join(' ');
    const extra = [e.detail, e.correlationId ? `correlation ${e.correlationId}` : null]
      .filter(Boolean)
      .join(' · ');
    return `\`${e.at.slice(0, 16).replace('T', ' ')}\` ${who} *${escapeMrkdwn(what)}*${extra ? ` — ${escapeMrkdwn(extra)}` : ''}`;
  });
  const blocks: KnownBlock[] = [section(`*Fix audit trail for ${escapeMrkdwn(vmName)}*`)];
  for (let i = 0; i < lines.length; i += 10) blocks.push(section(lines.slice(i, i + 10).join('\n')));
  if (entries.length > SHOWN)
    blocks.push(context([`Showing the last ${SHOWN} of ${entries.length} entries.`]));
  return { text: `Fix audit trail for ${vmName}`, blocks };
}
