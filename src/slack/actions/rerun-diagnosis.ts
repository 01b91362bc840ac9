import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { parseResourceId } from '../../azure/resource-id';
import { errorMessage } from '../blocks/help';
import { readRerunValue } from '../blocks/rerun-button';
import { answerPrivately, startDiagnosis } from '../commands/rdp';
import type { SlackContext } from '../context';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** Re-run diagnosis: the same machine, asked the same way, as a new run in the channel. */
export function rerunDiagnosis(ctx: SlackContext) {
  return async ({ ack, action, body, respond }: Args): Promise<void> => {
    await ack();
    const value = readRerunValue(action.value);
    const id = value ? parseResourceId(value.vm) : null;
    if (!value || !id || id.type.toLowerCase() !== 'microsoft.compute/virtualmachines') {
      await answerPrivately(
        respond,
        errorMessage('That button could not be read; run `/rdp <vm>` to diagnose the machine again.'),
      );
      return;
    }
    // The symptom, address and host name are validated as if typed: the value came back from a client.
    await startDiagnosis(ctx, {
      channel: body.channel?.id ?? '',
      user: body.user.id,
      target: value.vm,
      requestText: value.vm,
      respond,
      input: {
        symptom: value.symptom,
        ...(value.from ? { from: value.from } : {}),
        ...(value.host ? { host: value.host } : {}),
      },
    });
  };
}
