import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { FixId } from '../../diagnosis/ids';
import { fixActionId, type FixButtonValue } from '../blocks/fix-buttons';
import type { SlackContext } from '../context';
import { refusalMessage } from '../../approvals/messages';
import { loadFixRequest, planFix, type FixRequest } from '../../approvals/proposal-service';
import { tellPrivately } from '../tell-privately';
import { fixParamsModal } from '../views/fix-params';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** Matches every fix button: `fix:<fix id>` (fix-buttons.ts). */
export const FIX_ACTION_PATTERN = /^fix:/;

/** The button's value, when it is well formed and names the same fix as the button's action id. */
function readValue(actionId: string, text: string | undefined): FixButtonValue | null {
  try {
    const value = JSON.parse(text ?? '') as Partial<FixButtonValue> | null;
    return typeof value?.run === 'string' &&
      typeof value.cause === 'string' &&
      typeof value.fix === 'string' &&
      actionId === fixActionId(value.fix as FixId)
      ? (value as FixButtonValue)
      : null;
  } catch {
    return null;
  }
}

/**
 * A fix button under a diagnosis: ask for the fix's inputs in a modal, or plan it at once and propose it
 * in the diagnosis thread. The proposer is whoever clicked, from the signed payload.
 */
export function fixButton(ctx: SlackContext) {
  return async ({ ack, action, body, client }: Args): Promise<void> => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id ?? (body.container.channel_id as string);
    const tell = (text: string) => tellPrivately(client, channel, user, text);
    const value = readValue(action.action_id, action.value);
    if (!value) return tell('That button could not be read; run `/rdp <vm>` again.');
    const request = await loadFixRequest(ctx.snapshots, value, { channel });
    if (!request.ok) return tell(request.message);

    const inputs = request.fix.inputs({
      facts: request.facts,
      finding: request.finding,
      policy: ctx.fixPolicy,
    });
    if (inputs.length > 0) {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: fixParamsModal({
          request,
          inputs,
          metadata: { run: value.run, cause: value.cause, fix: value.fix, channel, user },
          key: ctx.metadataKey,
        }),
      });
      return;
    }
    await proposeWithoutInputs(ctx, request, user, tell);
  };
}

/**
 * Plans a fix that asks for no inputs and proposes it in its diagnosis thread, `proposer` being whoever
 * clicked; a plan or proposal refused is told to them privately.
 */
export function proposeWithoutInputs(
  ctx: SlackContext,
  request: Extract<FixRequest, { ok: true }>,
  proposer: string,
  tell: (text: string) => Promise<void>,
): Promise<void> {
  return proposeWithInputs(ctx, request, {}, proposer, tell);
}

/**
 * Plans a fix with inputs a surface already holds (a watch alert's source) and proposes it in its diagnosis
 * thread; the plan validates them as it validates a form's.
 */
export async function proposeWithInputs(
  ctx: SlackContext,
  request: Extract<FixRequest, { ok: true }>,
  input: Record<string, string>,
  proposer: string,
  tell: (text: string) => Promise<void>,
): Promise<void> {
  const planned = planFix(request, input, ctx.fixPolicy);
  if (!planned.ok) return tell(planned.message);
  const proposed = await ctx.proposalMessages.propose({ request, plan: planned.plan, proposer });
  if (!proposed.ok) await tell(refusalMessage(proposed));
}
