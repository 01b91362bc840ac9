import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { describeFailure } from '../../pipeline/failure';
import { findVmMentions, mentionedVms } from '../../pipeline/vm-mentions';
import { errorMessage, vmPicker } from '../blocks/diagnosis';
import { plural } from '../blocks/mrkdwn';
import { answerPrivately, channelAllowed, startDiagnosis } from '../commands/rdp';
import type { SlackContext } from '../context';

/** The message shortcut's callback_id (manifest.yml `features.shortcuts`). */
export const DIAGNOSE_RDP_CALLBACK_ID = 'diagnose_rdp';

type Args = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;

/**
 * "Diagnose RDP" on a message: the machines the message names (resource ids as written, names only of
 * machines the identity can see), asked about when several, then the same run as `/rdp`, in the
 * message's thread. Everything said to the person who ran it is private.
 */
export function diagnoseRdpShortcut(ctx: SlackContext) {
  return async ({ ack, shortcut, respond }: Args): Promise<void> => {
    await ack();
    const channel = shortcut.channel.id;
    const user = shortcut.user.id;
    if (!(await channelAllowed(ctx, channel, respond))) return;
    const mentions = findVmMentions(shortcut.message.text ?? '');
    let vms;
    try {
      const visible = mentions.words.length > 0 ? await ctx.visibleVms() : [];
      vms = mentionedVms(mentions, visible);
    } catch (error) {
      const failure = describeFailure(error);
      if (failure.kind === 'environment') ctx.logger.error({ err: error }, 'could not list the visible VMs');
      await answerPrivately(respond, errorMessage(failure.message));
      return;
    }
    // A reply in a thread belongs to the thread's parent: Slack threads have one level.
    const threadTs = (shortcut.message.thread_ts as string | undefined) ?? shortcut.message.ts;
    if (vms.length === 0) {
      await answerPrivately(
        respond,
        errorMessage(
          'That message names no VM rdp-doctor can see: no VM resource id, and no word that is the name of a ' +
            'machine in the configured subscriptions. Run `/rdp <vm>` with the machine’s name.',
        ),
      );
      return;
    }
    if (vms.length > 1) {
      await answerPrivately(
        respond,
        vmPicker('that message', vms, '', {
          thread: threadTs,
          question: `That message names ${plural(vms.length, 'machine')}: which one should rdp-doctor diagnose?`,
        }),
      );
      return;
    }
    await startDiagnosis(ctx, {
      channel,
      user,
      target: vms[0].id,
      requestText: vms[0].id,
      respond,
      input: {},
      threadTs,
    });
  };
}
