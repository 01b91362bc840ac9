import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { parseResourceId } from '../../azure/resource-id';
import { errorMessage } from '../blocks/help';
import { answerPrivately, startDiagnosis } from '../commands/rdp';
import type { SlackContext } from '../context';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * A Diagnose button that names a machine by its resource id (a watch alert's, a digest risk's): the full
 * diagnosis of that machine in the channel, whose verdict offers its fix through the usual two-person
 * approval.
 */
export function diagnoseMachine(ctx: SlackContext) {
  return async ({ ack, action, body, respond }: Args): Promise<void> => {
    await ack();
    const vmId = action.value ?? '';
    const id = parseResourceId(vmId);
    if (!id || id.type.toLowerCase() !== 'microsoft.compute/virtualmachines') {
      await answerPrivately(
        respond,
        errorMessage('That button does not name a virtual machine; run `/rdp <vm>` to diagnose it.'),
      );
      return;
    }
    await startDiagnosis(ctx, {
      channel: body.channel?.id ?? '',
      user: body.user.id,
      target: vmId,
      requestText: vmId,
      respond,
      input: {},
    });
  };
}
