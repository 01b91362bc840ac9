#!/usr/bin/env node
import 'dotenv/config';
import { Command, InvalidArgumentError } from 'commander';
import { checkAccess, renderAccess } from '../azure/check-access';
import { resolveVm } from '../azure/resolve-vm';
import { loadConfig } from '../config';
import { openConfiguredAzure, openSandboxAzure, type AzureEnvironment } from '../environment';
import { isIncomplete } from '../diagnosis/incomplete';
import { layerState } from '../diagnosis/layers';
import { portalFor } from '../diagnosis/portal-links';
import { diagnose } from '../pipeline/diagnose';
import { describeFailure } from '../pipeline/failure';
import { parseRequest } from '../pipeline/request';
import { layerLine, provisionalLine, renderText } from './render-text';

interface DiagnoseFlags {
  symptom?: string;
  from?: string;
  host?: string;
  json?: boolean;
  sandbox?: boolean;
}

// 3 is the diagnosis contract's "incomplete"; check-access reports missing permissions with its own code.
const EXIT = { ran: 0, couldNotRun: 1, badInput: 2, incomplete: 3, permissionsMissing: 4 } as const;

interface CheckAccessFlags {
  vm?: string;
  json?: boolean;
  sandbox?: boolean;
}

async function runCheckAccess(flags: CheckAccessFlags): Promise<number> {
  let azure: AzureEnvironment | undefined;
  try {
    azure = flags.sandbox ? await openSandboxAzure() : openConfiguredAzure(loadConfig());
    const { clients } = azure;
    const subscriptions = clients.settings.subscriptionIds;
    const vm = flags.vm ? await resolveVm(clients, flags.vm, subscriptions) : null;
    const reports = [];
    for (const subscriptionId of vm ? [vm.subscriptionId] : subscriptions) {
      const sub = clients.forSubscription(subscriptionId);
      reports.push({ subscriptionId, ...(await checkAccess({ clients, sub, vm })) });
    }
    process.stdout.write(
      flags.json
        ? `${JSON.stringify(reports, null, 2)}\n`
        : `${reports.map((r) => `Subscription ${r.subscriptionId}:\n${renderAccess(r, r.subscriptionId)}`).join('\n\n')}\n`,
    );
    return reports.some((r) => r.missing.length > 0) ? EXIT.permissionsMissing : EXIT.ran;
  } catch (error) {
    const failure = describeFailure(error);
    process.stderr.write(`rdp-doctor: ${failure.message}\n`);
    return failure.kind === 'input' ? EXIT.badInput : EXIT.couldNotRun;
  } finally {
    await azure?.close();
  }
}

async function runDiagnose(target: string, flags: DiagnoseFlags): Promise<number> {
  let azure: AzureEnvironment | undefined;
  try {
    const request = parseRequest(flags);
    azure = flags.sandbox ? await openSandboxAzure() : openConfiguredAzure(loadConfig());
    const report = await diagnose({
      clients: azure.clients,
      target,
      request,
      resolveHost: azure.resolveHost,
      onProgress: (event) => {
        // Progress is for a person watching a terminal; a pipe or a log gets the report alone.
        if (!process.stderr.isTTY) return;
        if (event.type === 'started')
          process.stderr.write(`Diagnosing ${event.vm.name} (${event.vm.resourceGroup})…\n`);
        if (event.type === 'layer' && event.provisional)
          process.stderr.write(`  ${provisionalLine(event.verdict)}\n`);
        else if (event.type === 'layer') {
          const checks = event.outcomes.map((o) => o.check);
          const line = layerLine(layerState(event.layer, checks), checks);
          const note = event.confirmation?.note ? ` (provisional verdict ${event.confirmation.note})` : '';
          process.stderr.write(`  ${line}${note}\n`);
        }
        if (event.type === 'settled')
          process.stderr.write(
            `  verdict settled after ${(event.elapsedMs / 1000).toFixed(1)} s: ${event.verdict.layer}\n`,
          );
      },
    });
    const portal = portalFor(azure.clients.settings.endpoint);
    process.stdout.write(
      flags.json ? `${JSON.stringify(report, null, 2)}\n` : `\n${renderText(report, portal)}\n`,
    );
    return isIncomplete(report) ? EXIT.incomplete : EXIT.ran;
  } catch (error) {
    const failure = describeFailure(error);
    // Whoever runs the CLI is whoever runs rdp-doctor: the settings detail is theirs to act on.
    const detail = failure.adminDetail ? ` (${failure.adminDetail})` : '';
    process.stderr.write(`rdp-doctor: ${failure.message}${detail}\n`);
    return failure.kind === 'input' ? EXIT.badInput : EXIT.couldNotRun;
  } finally {
    await azure?.close();
  }
}

export function buildCli(): Command {
  const program = new Command('rdp-doctor')
    .description('Find which layer stops Remote Desktop to an Azure VM, out of band, and what fixes it.')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`rdp-doctor: ${text.replace(/^error: /, '')}`) });
  program
    .command('diagnose')
    .description(
      'Diagnose one VM: checks the platform, network path, RDP service, authentication and guest state.',
    )
    .argument('<vm>', 'VM name, resource-group/name, or full resource id')
    .option(
      '--symptom <symptom>',
      'what the client showed: timeout, refused, credentials, credssp, black-screen, disconnects',
    )
    .option('--from <ip>', 'the address (or range) you connect from, e.g. 203.0.113.10')
    .option('--host <name>', 'the DNS name you dial, if any')
    .option('--json', 'print the report as JSON (schemaVersion 1)')
    .option('--sandbox', 'diagnose a VM of the built-in sandbox subscription instead of real Azure')
    .action(async (target: string, flags: DiagnoseFlags) => {
      process.exitCode = await runDiagnose(target, flags);
    });
  program
    .command('check-access')
    .description(
      'List the Azure permissions the configured identity lacks for diagnoses and fixes, and the role that grants them ' +
        '(reads only; exit 4 when something is missing).',
    )
    .option('--vm <vm>', "check the resource groups of this VM, its network and its region's Network Watcher")
    .option('--json', 'print the findings as JSON')
    .option('--sandbox', 'check against the built-in sandbox subscription instead of real Azure')
    .action(async (flags: CheckAccessFlags) => {
      process.exitCode = await runCheckAccess(flags);
    });
  return program;
}

async function main(): Promise<void> {
  try {
    await buildCli().parseAsync(process.argv);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') {
      process.exitCode = EXIT.ran;
    } else if (
      (typeof code === 'string' && code.startsWith('commander.')) ||
      error instanceof InvalidArgumentError
    ) {
      process.exitCode = EXIT.badInput;
    } else {
      process.stderr.write(`rdp-doctor: ${describeFailure(error).message}\n`);
      process.exitCode = EXIT.couldNotRun;
    }
  }
}

if (require.main === module) void main();
