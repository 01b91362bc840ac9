import { context, header, message, section } from './build';
import { escapeMrkdwn, mrkdwn } from './mrkdwn';
import { KNOWN_SYMPTOMS, SYMPTOM_DESCRIPTIONS } from './symptoms';
import type { SlackMessage } from './types';

// `/rdp help`, and the private answer to input that cannot be used. The grammar's `<vm>` placeholders are
// escaped like any text: unescaped, Slack reads `<…>` as a link or a mention.

export function helpMessage(): SlackMessage {
  const symptoms = KNOWN_SYMPTOMS.map((s) => `• \`${s}\`: ${SYMPTOM_DESCRIPTIONS[s]}`).join('\n');
  return message(escapeMrkdwn('How to use /rdp: /rdp <vm> [symptom] [from <ip>] [host <name>]'), [
    header('rdp-doctor: why does this VM not answer RDP?'),
    section(
      escapeMrkdwn(
        '`/rdp <vm> [symptom] [from <ip>] [host <name>]`\n' +
          'Finds which layer fails (the machine, the network path, the RDP service, authentication or the guest OS ' +
          'state), names the cause with its evidence and the `az` command that confirms it, and offers the fixes. ' +
          'A fix runs only after a second person approves it.\n' +
          '• `<vm>`: a VM name, `resource-group/name`, or a resource id\n' +
          '• `from <ip>`: the address or range you connect from, so the network checks test your path\n' +
          '• `host <name>`: the DNS name you dial, to check it still points at the machine',
      ),
    ),
    section(`*Symptoms*: what the Remote Desktop client shows\n${symptoms}`),
    section(
      escapeMrkdwn(
        '*More*\n' +
          '• `/rdp help`: this message\n' +
          '• `/rdp audit <vm>`: the fixes proposed, approved and run on a machine\n' +
          '• `/rdp digest add|list|remove|run …`: a scheduled health digest of the fleet in this channel, ' +
          'flagging the risks before they become an outage\n' +
          '• `/rdp watch add <scope> [from <ip or cidr>]`: watch a scope (`rg:<group>`, `tag:<key>=<value>`, ' +
          '`subscription:<id>`) for changes that cut its VMs off Remote Desktop, and post an alert here when one does; ' +
          '`from` is where people connect from (by default, the sources its allow rules name)\n' +
          "• `/rdp watch list`: this channel's watches and their ids\n" +
          '• `/rdp watch remove <id>`: stop a watch',
      ),
    ),
    section(
      '*Examples*\n' +
        '• `/rdp vm-web-01`\n' +
        '• `/rdp vm-web-01 timeout from 203.0.113.10`\n' +
        '• `/rdp rg-prod/vm-sql-02 credentials`\n' +
        '• `/rdp vm-web-01 refused host vm-web-01.contoso.com`',
    ),
    context([
      'Nothing here connects to port 3389: every check goes through Azure (ARM, Network Watcher, Run Command).',
    ]),
  ]);
}

/** A private answer to bad input: what was wrong and what to type instead. */
export function errorMessage(text: string): SlackMessage {
  const body = mrkdwn(text, 2900);
  return message(body, [section(`⚠️ ${body}`)]);
}
