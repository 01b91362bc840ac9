import type { AllMiddlewareArgs, RespondFn, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { describeFailure } from '../../pipeline/failure';
import { parseRequest } from '../../pipeline/request';
import { didYouMean, errorMessage, helpMessage, vmPicker, type VmCandidate } from '../blocks/diagnosis';
import type { SlackMessage } from '../blocks/types';
import { turnAfterAck } from '../after-ack';
import type { SlackContext } from '../context';
import type { RunStart } from '../diagnosis-runner';
import { parseRdpCommand } from './parse-rdp';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export async function answerPrivately(respond: RespondFn, message: SlackMessage): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, ...message });
}

/** ALLOWED_CHANNELS, said privately to whoever asked elsewhere; true when the channel may run diagnoses. */
export async function channelAllowed(
  ctx: SlackContext,
  channel: string,
  respond: RespondFn,
): Promise<boolean> {
  if (ctx.config.ALLOWED_CHANNELS.length === 0 || ctx.config.ALLOWED_CHANNELS.includes(channel)) return true;
  await answerPrivately(
    respond,
    errorMessage(
      'rdp-doctor is not enabled in this channel; ask your admins which channel handles RDP incidents.',
    ),
  );
  return false;
}

/** `/rdp …`: acknowledge at once, then route; every answer to bad input is private. */
export function rdpCommand(ctx: SlackContext) {
  return async ({ command, ack, respond }: Args): Promise<void> => {
    await ack();
    await turnAfterAck();
    const { channel_id: channel, user_id: user } = command;
    if (!(await channelAllowed(ctx, channel, respond))) return;
    const parsed = parseRdpCommand(command.text ?? '');
    switch (parsed.kind) {
      case 'help':
        await answerPrivately(respond, helpMessage());
        return;
      case 'invalid':
        await answerPrivately(respond, errorMessage(parsed.message));
        return;
      case 'audit':
        await ctx.audit.show({ target: parsed.target, respond: (m) => answerPrivately(respond, m) });
        return;
      case 'digest':
        await ctx.digests.command({
          action: parsed.action,
          args: parsed.args,
          channel,
          user,
          respond: (m) => answerPrivately(respond, m),
        });
        return;
      case 'watch':
        await ctx.watches.command({
          action: parsed.action,
          args: parsed.args,
          channel,
          user,
          respond: (m) => answerPrivately(respond, m),
        });
        return;
      case 'diagnose':
        await startDiagnosis(ctx, {
          channel,
          user,
          target: parsed.target,
          requestText: command.text,
          respond,
          input: parsed,
        });
    }
  };
}

/** Starts (or joins) the diagnosis of `target` in the channel; null when it could not, the person told why. */
export async function startDiagnosis(
  ctx: SlackContext,
  args: {
    channel: string;
    user: string;
    target: string;
    requestText: string;
    respond: RespondFn;
    input: { symptom?: string; from?: string; host?: string };
    /** Reply under this message (a message shortcut's) instead of starting a thread. */
    threadTs?: string;
  },
): Promise<RunStart | null> {
  const reply = (message: SlackMessage) => answerPrivately(args.respond, message);
  try {
    const request = parseRequest(args.input);
    const identity = await ctx.service.locate(args.target);
    const started = await ctx.runner.start({
      channel: args.channel,
      user: args.user,
      identity,
      target: args.target,
      request,
      threadTs: args.threadTs,
    });
    if (started.outcome === 'joined') {
      await reply(
        errorMessage(
          `A diagnosis of ${identity.name} is already running here; you are added to its message.`,
        ),
      );
    } else if (started.outcome === 'busy-elsewhere') {
      await reply(
        errorMessage(
          `A diagnosis of ${identity.name} is already running for this channel; its message updates live.`,
        ),
      );
    }
    return started;
  } catch (error) {
    const { candidates, suggestions } = error as { candidates?: VmCandidate[]; suggestions?: VmCandidate[] };
    if (candidates && candidates.length > 0) {
      await reply(vmPicker(args.target, candidates, args.requestText, { thread: args.threadTs }));
      return null;
    }
    const failure = describeFailure(error);
    if (failure.kind === 'environment') ctx.logger.error({ err: error }, 'could not start a diagnosis');
    // Settings are for whoever runs rdp-doctor: the log gets them, the channel member never does.
    if (failure.adminDetail)
      ctx.logger.info({ target: args.target, detail: failure.adminDetail }, failure.message);
    if ((error as { code?: unknown }).code === 'vm-not-found') {
      await reply(
        didYouMean(failure.message, suggestions ?? [], args.requestText, { thread: args.threadTs }),
      );
      return null;
    }
    await reply(errorMessage(failure.message));
    return null;
  }
}
