import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { LatencyProfile } from './latency';
import { startSandbox } from './server';

// `npm run sandbox -- [--latency realistic] [--scale 0.1] [--port N]`: runs the sandbox on its own and
// prints what a client needs to reach it, as environment variables a shell can paste.

function latencyProfile(value: string): LatencyProfile {
  if (value === 'off' || value === 'realistic') return value;
  throw new InvalidArgumentError("use 'off' or 'realistic'.");
}

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!(parsed > 0)) throw new InvalidArgumentError('use a number above 0, e.g. 0.1.');
  return parsed;
}

function portNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError('use 0–65535 (0 picks a free port).');
  }
  return parsed;
}

async function main(): Promise<void> {
  const options = new Command('rdp-doctor-sandbox')
    .description('Start the Azure Resource Manager emulator with its scenario VMs on https://127.0.0.1.')
    .option(
      '--latency <profile>',
      "'off' answers at once; 'realistic' takes the time Azure takes",
      latencyProfile,
      'off',
    )
    .option('--scale <factor>', 'multiply every latency by this factor', positiveNumber, 1)
    .option('--port <port>', 'port to listen on; 0 picks a free one', portNumber, 0)
    .parse()
    .opts<{ latency: LatencyProfile; scale: number; port: number }>();

  const sandbox = await startSandbox(options);
  const caFile = path.join(tmpdir(), `rdp-doctor-sandbox-${new URL(sandbox.endpoint).port}.pem`);
  writeFileSync(caFile, sandbox.caCertificate);
  const vms = sandbox.state.vms.inSubscription(sandbox.subscriptionId).length;
  process.stdout.write(
    [
      `rdp-doctor sandbox: ${vms} VMs, latency ${options.latency}${options.latency === 'realistic' ? ` x${options.scale}` : ''}`,
      `endpoint      ${sandbox.endpoint}`,
      `access token  ${sandbox.accessToken}`,
      `CA file       ${caFile}`,
      '',
      `export AZURE_RESOURCE_MANAGER_ENDPOINT=${sandbox.endpoint}`,
      `export AZURE_ACCESS_TOKEN=${sandbox.accessToken}`,
      `export AZURE_SUBSCRIPTION_IDS=${sandbox.subscriptionId},${sandbox.otherSubscriptionId}`,
      `export NODE_EXTRA_CA_CERTS=${caFile}`,
      '',
      'Try: rdp-doctor diagnose nsg-denies-rdp --from 203.0.113.10   (Ctrl-C stops the sandbox)',
      '',
    ].join('\n'),
  );
  const stop = () => void sandbox.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`The sandbox could not start: ${error.message}\n`);
  process.exit(1);
});
