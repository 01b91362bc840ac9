import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { errorMessage, type PickVmValue } from '../blocks/diagnosis';
import { answerPrivately, startDiagnosis } from '../commands/rdp';
import { parseRdpCommand } from '../commands/parse-rdp';
import type { SlackContext } from '../context';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** The picker for an ambiguous name: resume the original request for the machine chosen. */
export function pickVm(ctx: SlackContext) {
  return async ({ ack, action, body, respond }: Args): Promise<void> => {
    await ack();
    let value: PickVmValue;
    try {
      value = JSON.parse(action.value ?? '') as PickVmValue;
    } catch {
      await answerPrivately(respond, errorMessage('That choice could not be read; run `/rdp <vm>` again.'));
      return;
    }
    const parsed = parseRdpCommand(value.request);
    const input = parsed.kind === 'diagnose' ? parsed : {};
    await startDiagnosis(ctx, {
      channel: body.channel?.id ?? '',
      user: body.user.id,
      target: value.vm,
      requestText: value.request,
      respond,
      input,
      threadTs: typeof value.thread === 'string' ? value.thread : undefined,
    });
    await respond({ delete_original: true });
  };
}
