import type { RunCommandInput, RunCommandResult } from '@azure/arm-compute';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { callAzure } from '../azure/errors';
import type { FixId } from '../diagnosis/ids';
import { correlated } from './arm';
import { FixFailure, type ExecutionContext, type FixOutcome } from './fix';

// The fixes inside Windows: ONE action Run Command each, sending a constant script shipped beside this
// module (the build copies scripts/*.ps1 to dist/fixes/scripts/). The script's first line names the fix;
// values from the request travel only as Run Command parameters into the script's param() block, never
// into its text. Each script prints one JSON line: { "ok": bool, "message": "..." }.

export const FIX_SCRIPTS_DIR = path.join(__dirname, 'scripts');

export type GuestFixId = Extract<
  FixId,
  | 'start-termservice'
  | 'enable-rdp-firewall-rules'
  | 'enable-rdp-connections'
  | 'reset-rdp-port'
  | 'reset-listener-certificate'
  | 'unlock-account'
  | 'stop-process'
  | 'logoff-session'
>;

const scripts = new Map<GuestFixId, string>();

/** The shipped script of a guest fix, read once. */
export function fixScript(id: GuestFixId): string {
  let script = scripts.get(id);
  if (script === undefined) {
    script = fs.readFileSync(path.join(FIX_SCRIPTS_DIR, `${id}.ps1`), 'utf8');
    scripts.set(id, script);
  }
  return script;
}

/** The Run Command body: the constant script as lines, and the values as named parameters. */
export function fixCommand(id: GuestFixId, parameters: Record<string, string>): RunCommandInput {
  return {
    commandId: 'RunPowerShellScript',
    script: fixScript(id).split('\n'),
    parameters: Object.entries(parameters).map(([name, value]) => ({ name, value })),
  };
}

const resultSchema = z.object({ ok: z.boolean(), message: z.string() });

function streamOf(result: RunCommandResult, stream: 'StdOut' | 'StdErr'): string {
  return result.value?.find((s) => s.code?.startsWith(`ComponentStatus/${stream}`))?.message ?? '';
}

function excerpt(text: string, length = 200): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > length ? `${oneLine.slice(0, length)}...` : oneLine;
}

/** The script's verdict from its output: its message when it succeeded, else a FixFailure saying why not. */
export function scriptResult(id: GuestFixId, result: RunCommandResult): string {
  const lines = streamOf(result, 'StdOut')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/);
  for (const line of lines.reverse()) {
    const text = line.trim();
    if (!text.startsWith('{')) continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      continue;
    }
    const parsed = resultSchema.safeParse(json);
    if (!parsed.success) continue;
    if (!parsed.data.ok)
      throw new FixFailure(`${id} did not complete inside Windows: ${parsed.data.message}`);
    return parsed.data.message;
  }
  const stderr = excerpt(streamOf(result, 'StdErr'));
  throw new FixFailure(
    `${id} printed no result, so its output cannot say whether it changed anything` +
      (stderr ? `; its error output says: ${stderr}` : ''),
    'unreadable',
  );
}

/** Runs the guest fix through Run Command and returns what the script says it did. */
export async function runGuestFix(
  ctx: ExecutionContext,
  id: GuestFixId,
  parameters: Record<string, string> = {},
): Promise<FixOutcome> {
  const call = correlated(ctx.signal);
  const result = await callAzure(
    'Run Command',
    () =>
      ctx.sub.compute.virtualMachines.beginRunCommandAndWait(
        ctx.vm.resourceGroup,
        ctx.vm.name,
        fixCommand(id, parameters),
        call.options,
      ),
    {
      Conflict:
        'another Run Command is in progress on this VM; wait for it to finish, then propose the fix again',
      403: "the identity rdp-doctor runs as may not run commands on this VM; assign it the rdp-doctor-diagnose role on the VM's resource group",
    },
  );
  return { summary: `${ctx.vm.name}: ${scriptResult(id, result)}`, correlationId: call.correlationId() };
}
