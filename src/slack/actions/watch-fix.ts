import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { loadFixRequest } from '../../approvals/proposal-service';
import { parseResourceId } from '../../azure/resource-id';
import { parseSource } from '../../pipeline/request';
import { fixName } from '../blocks/fix-buttons';
import { readWatchFixValue, watchFixOf } from '../blocks/watch';
import { startDiagnosis } from '../commands/rdp';
import type { SlackContext } from '../context';
import { tellPrivately } from '../tell-privately';
import { proposeWithInputs } from './fix-button';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * A watch alert's fix button: the machine is diagnosed first, in the channel, from the source the change cut
 * off; when that diagnosis offers the fix, it is proposed for the two-person approval in its thread, by
 * whoever clicked, with the alert's source as the fix's source (the plan checks it as it checks a form's).
 * When the diagnosis no longer finds what the fix removes, nothing is proposed and the person is told.
 */
export function watchFix(ctx: SlackContext) {
  return async ({ ack, action, body, client, respond }: Args): Promise<void> => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id ?? '';
    const tell = (text: string) => tellPrivately(client, channel, user, text);
    const fix = watchFixOf(action.action_id);
    const value = readWatchFixValue(action.value);
    const id = value ? parseResourceId(value.vm) : null;
    let source: string | null = null;
    try {
      source = parseSource(value?.source);
    } catch {
      source = null;
    }
    if (!fix || !value || !source || !id || id.type.toLowerCase() !== 'microsoft.compute/virtualmachines')
      return tell(
        'That button could not be read; run `/rdp <vm> from <your address>` to diagnose the machine.',
      );

    const started = await startDiagnosis(ctx, {
      channel,
      user,
      target: value.vm,
      requestText: value.vm,
      respond,
      input: { from: source },
    });
    if (!started || started.outcome === 'busy-elsewhere') return;
    const cause = await ctx.runner.fixOffered(started.runId, fix);
    if (!cause) {
      return tell(
        `The diagnosis of ${id.name} from ${source} does not offer *${fixName(fix)}* now, so nothing was proposed; its report is in the channel.`,
      );
    }
    const request = await loadFixRequest(ctx.snapshots, { run: started.runId, cause, fix }, { channel });
    if (!request.ok) return tell(request.message);
    // The alert knows where people connect from; anything else the fix asks keeps the diagnosis's default.
    const input: Record<string, string> = {};
    for (const field of request.fix.inputs({
      facts: request.facts,
      finding: request.finding,
      policy: ctx.fixPolicy,
    })) {
      const given = field.name === 'source' ? source : field.initial;
      if (given === undefined) {
        return tell(
          `*${fixName(fix)}* needs ${field.label.toLowerCase()}: use its button under the diagnosis of ${id.name} in the channel.`,
        );
      }
      input[field.name] = given;
    }
    await proposeWithInputs(ctx, request, input, user, tell);
  };
}
