import type { AllMiddlewareArgs, BlockStaticSelectAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { rerankReport } from '../../diagnosis/engine';
import { portalFor } from '../../diagnosis/portal-links';
import { parseSymptom } from '../../pipeline/request';
import { diagnosisMessage, errorMessage } from '../blocks/diagnosis';
import { finishedDiagnosis } from '../blocks/finished';
import { answerPrivately } from '../commands/rdp';
import type { SlackContext } from '../context';

type Args = SlackActionMiddlewareArgs<BlockStaticSelectAction> & AllMiddlewareArgs;

/** Someone said what the client showed: the same evidence, re-ranked for that symptom. */
export function selectSymptom(ctx: SlackContext) {
  return async ({ ack, action, body, client, respond }: Args): Promise<void> => {
    await ack();
    const runId = action.block_id.replace(/^symptom:/, '');
    const snapshot = await ctx.snapshots.get(runId);
    const channel = body.channel?.id;
    const ts = body.message?.ts;
    if (!snapshot || !channel || !ts) {
      await answerPrivately(
        respond,
        errorMessage('That diagnosis is no longer on record; run `/rdp <vm>` again.'),
      );
      return;
    }
    const report = rerankReport(snapshot.report, parseSymptom(action.selected_option.value));
    await client.chat.update({
      channel,
      ts,
      ...diagnosisMessage(
        finishedDiagnosis(
          runId,
          report,
          snapshot.requestedBy,
          portalFor(ctx.config.AZURE_RESOURCE_MANAGER_ENDPOINT),
        ),
      ),
    });
  };
}
