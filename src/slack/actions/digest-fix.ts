import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { parseResourceId } from '../../azure/resource-id';
import { loadFixRequest } from '../../approvals/proposal-service';
import { fixOfAction } from '../blocks/digest-buttons';
import { fixName } from '../blocks/fix-buttons';
import { startDiagnosis } from '../commands/rdp';
import type { SlackContext } from '../context';
import { tellPrivately } from '../tell-privately';
import { proposeWithoutInputs } from './fix-button';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * A digest risk's fix button: the digest saw the risk hours ago, so the machine is diagnosed first, in
 * the channel; when that diagnosis offers the fix, it is proposed for the two-person approval in its
 * thread, by whoever clicked, exactly as the diagnosis's own fix button would. When the diagnosis no
 * longer finds what the fix removes, nothing is proposed and the person is told.
 */
export function digestFix(ctx: SlackContext) {
  return async ({ ack, action, body, client, respond }: Args): Promise<void> => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id ?? '';
    const tell = (text: string) => tellPrivately(client, channel, user, text);
    const fix = fixOfAction(action.action_id);
    const vmId = action.value ?? '';
    const id = parseResourceId(vmId);
    if (!fix || !id || id.type.toLowerCase() !== 'microsoft.compute/virtualmachines')
      return tell('That button could not be read; run `/rdp <vm>` to diagnose the machine.');

    const started = await startDiagnosis(ctx, {
      channel,
      user,
      target: vmId,
      requestText: vmId,
      respond,
      input: {},
    });
    if (!started || started.outcome === 'busy-elsewhere') return;
    const cause = await ctx.runner.fixOffered(started.runId, fix);
    if (!cause) {
      return tell(
        `The diagnosis of ${id.name} does not offer *${fixName(fix)}* now, so nothing was proposed; its report is in the channel.`,
      );
    }
    const request = await loadFixRequest(ctx.snapshots, { run: started.runId, cause, fix }, { channel });
    if (!request.ok) return tell(request.message);
    if (
      request.fix.inputs({ facts: request.facts, finding: request.finding, policy: ctx.fixPolicy }).length > 0
    )
      return tell(
        `*${fixName(fix)}* needs a few details: use its button under the diagnosis of ${id.name} in the channel.`,
      );
    await proposeWithoutInputs(ctx, request, user, tell);
  };
}
