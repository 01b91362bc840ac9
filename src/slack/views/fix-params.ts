import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction, types } from '@slack/bolt';
import type { FixInput } from '../../fixes/fix';
import { plainText, section } from '../blocks/build';
import type { FixButtonValue } from '../blocks/fix-buttons';
import { escapeMrkdwn } from '../blocks/mrkdwn';
import type { SlackContext } from '../context';
import { refusalMessage } from '../../approvals/messages';
import { loadFixRequest, planFix, type FixRequest } from '../../approvals/proposal-service';
import { tellPrivately } from '../tell-privately';
import { readSignedMetadata, signMetadata } from './signed-metadata';

// The modal a fix with inputs opens (an address, an account): pre-filled from the diagnosis, checked by the
// fix's own plan when submitted. A refusal comes back on the field, in words, and the modal stays open.

export const FIX_PARAMS_CALLBACK_ID = 'fix-params';
const VALUE_ACTION_ID = 'value';

/**
 * What the modal carries from the button to the submission, signed: which fix of which run, and who
 * clicked in which channel. Where the proposal is posted comes from the stored diagnosis, not from here.
 */
export interface FixParamsMetadata extends FixButtonValue {
  channel: string;
  user: string;
}

function inputBlockId(input: Pick<FixInput, 'name'>): string {
  return `input:${input.name}`;
}

export function fixParamsModal(args: {
  request: Extract<FixRequest, { ok: true }>;
  inputs: FixInput[];
  metadata: FixParamsMetadata;
  key: Buffer;
}): types.ModalView {
  const { request } = args;
  return {
    type: 'modal',
    callback_id: FIX_PARAMS_CALLBACK_ID,
    private_metadata: signMetadata(args.key, args.metadata),
    title: plainText('Propose a fix', 24),
    submit: plainText('Propose', 24),
    close: plainText('Cancel', 24),
    blocks: [
      section(
        `*${escapeMrkdwn(request.fix.title)}* on *${escapeMrkdwn(request.vmName)}*, for \`${request.finding.cause}\`.\n` +
          'Once proposed, it runs only after someone else approves it.',
      ),
      ...args.inputs.map((input): types.InputBlock => ({
        type: 'input',
        block_id: inputBlockId(input),
        label: plainText(input.label, 2000),
        hint: plainText(input.hint, 2000),
        element: {
          type: 'plain_text_input',
          action_id: VALUE_ACTION_ID,
          max_length: 200,
          ...(input.initial ? { initial_value: input.initial } : {}),
        },
      })),
    ],
  };
}

function readMetadata(key: Buffer, text: string): FixParamsMetadata | null {
  const value = readSignedMetadata(key, text) as Partial<FixParamsMetadata> | null;
  if (!value || typeof value !== 'object') return null;
  const fields = [value.run, value.cause, value.fix, value.channel, value.user];
  return fields.every((field) => typeof field === 'string' && field !== '')
    ? (value as FixParamsMetadata)
    : null;
}

/** The field a refusal belongs on: the one whose value it quotes, else the first. */
function fieldFor(inputs: FixInput[], values: Record<string, string>, message: string): string {
  const quoted = inputs.find(
    (input) => values[input.name]?.trim() && message.includes(values[input.name].trim()),
  );
  return inputBlockId(quoted ?? inputs[0]);
}

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** The modal submitted: plan the fix with what was typed, then propose it as the person who submitted. */
export function submitFixParams(ctx: SlackContext) {
  return async ({ ack, view, body, client }: Args): Promise<void> => {
    const user = body.user.id;
    const metadata = readMetadata(ctx.metadataKey, view.private_metadata);
    const values = Object.fromEntries(
      Object.entries(view.state.values).map(([blockId, actions]) => [
        blockId.replace(/^input:/, ''),
        actions[VALUE_ACTION_ID]?.value ?? '',
      ]),
    );
    const firstField = Object.keys(view.state.values)[0];
    const refuse = (message: string) => ack({ response_action: 'errors', errors: { [firstField]: message } });
    if (!metadata || metadata.user !== user) {
      return refuse('This form could not be read; close it and click the fix button again.');
    }
    const request = await loadFixRequest(ctx.snapshots, metadata, { channel: metadata.channel });
    if (!request.ok) return refuse(request.message);
    const inputs = request.fix.inputs({
      facts: request.facts,
      finding: request.finding,
      policy: ctx.fixPolicy,
    });
    const planned = planFix(request, values, ctx.fixPolicy);
    if (!planned.ok) {
      await ack({
        response_action: 'errors',
        errors: { [fieldFor(inputs, values, planned.message)]: planned.message },
      });
      return;
    }
    await ack();
    const proposed = await ctx.proposalMessages.propose({
      request,
      plan: planned.plan,
      proposer: user,
    });
    if (!proposed.ok) await tellPrivately(client, metadata.channel, user, refusalMessage(proposed));
  };
}
