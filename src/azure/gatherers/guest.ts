import type { RunCommandInput, RunCommandResult } from '@azure/arm-compute';
import { guestFactsSchema, type GuestFacts } from '../../diagnosis/guest-facts';
import { callAzure } from '../errors';
import type { Gatherer } from '../gatherer';
import { guestProbeScriptLines } from '../probe';
import { SECOND } from './common';

// Everything inside Windows comes from ONE Run Command running the shipped probe: Azure runs one Run
// Command at a time per VM, and each takes tens of seconds.

// Run Command returns only the last 4,096 bytes of output: a longer output arrives cut at the front.
const RUN_COMMAND_OUTPUT_LIMIT = 4096;
/** Write-Output ends the probe's one line with CRLF, which counts toward the limit. */
const TRAILING_NEWLINE_BYTES = 2;

/** The Run Command body: the constant probe script, and nothing from the request. */
export function probeCommand(): RunCommandInput {
  return { commandId: 'RunPowerShellScript', script: [...guestProbeScriptLines] };
}

function excerpt(text: string, length = 160): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > length ? `${oneLine.slice(0, length)}...` : oneLine;
}

function streamOf(result: RunCommandResult, stream: 'StdOut' | 'StdErr'): string | null {
  const status = result.value?.find((s) => s.code?.startsWith(`ComponentStatus/${stream}`));
  return status ? (status.message ?? '') : null;
}

/**
 * Why the output is not JSON. Run Command keeps the last 4,096 bytes and drops the front, so an output that
 * arrives at the limit, or that ends a JSON object it never began, was cut: the probe printed too much.
 */
function notJson(stdout: string, text: string, said: string): string {
  const bytes = Buffer.byteLength(stdout);
  const cut =
    bytes >= RUN_COMMAND_OUTPUT_LIMIT - TRAILING_NEWLINE_BYTES ||
    (!text.startsWith('{') && text.endsWith('}'));
  if (cut) {
    return (
      `The guest probe's output was truncated by Run Command's ${RUN_COMMAND_OUTPUT_LIMIT}-byte output limit ` +
      `(${bytes} bytes arrived, beginning "${excerpt(text, 40)}"), so none of the guest facts could be read; ` +
      `the probe must fit its output within the limit: report this as a defect of rdp-doctor${said}`
    );
  }
  return `The guest probe's output is not JSON ("${excerpt(text, 80)}")${said}`;
}

/** GuestFacts from the Run Command result, or an error that says what was wrong with the output. */
export function guestFactsOf(result: RunCommandResult): GuestFacts {
  const stdout = streamOf(result, 'StdOut');
  const stderr = excerpt(streamOf(result, 'StdErr') ?? '');
  const said = stderr ? `; the probe's error output says: ${stderr}` : '';
  if (stdout === null) throw new Error(`Run Command returned no standard output from the guest probe${said}`);
  const text = stdout.replace(/^\uFEFF/, '').trim();
  if (text === '') throw new Error(`The guest probe printed nothing${said}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(notJson(stdout, text, said));
  }
  const parsed = guestFactsSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new Error(`The guest probe's output does not match the guest facts contract (${problems})`);
  }
  return parsed.data;
}

export const guestGatherer: Gatherer<'guest'> = {
  key: 'guest',
  timeoutMs: 120 * SECOND,
  // The slowest check of all needs only the machine: it must not wait for the NICs to be read.
  startsEarly: true,
  skip: ({ vm }) => {
    if (vm.osType === 'Linux') return `${vm.name} runs Linux: the Windows guest probe does not apply`;
    if (vm.powerState !== 'running')
      return `${vm.name} is ${vm.powerState}: Run Command needs a running guest`;
    if (vm.agent.status === 'not-ready') {
      return `The VM agent on ${vm.name} is not ready: Run Command would not answer (use the serial console)`;
    }
    return null;
  },
  async gather({ sub, vm, signal }) {
    const result = await callAzure(
      'Run Command',
      () =>
        sub.compute.virtualMachines.beginRunCommandAndWait(vm.resourceGroup, vm.name, probeCommand(), {
          abortSignal: signal,
        }),
      {
        Conflict: 'another Run Command is in progress on this VM; wait for it to finish',
        403: "the identity rdp-doctor runs as may not run commands on this VM; assign it the rdp-doctor-diagnose role on the VM's resource group",
      },
    );
    return guestFactsOf(result);
  },
};
