import { startApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { openConfiguredAzure } from '../../src/environment';
import { createLogger } from '../../src/logger';
import { keepServingThroughFaults } from '../../src/process-guard';

// The app as a process of its own, for the tests that kill -9 it: configured from the environment as in
// production (the test's sandbox trusted through NODE_EXTRA_CA_CERTS, its fake Slack through SLACK_API_URL),
// plus EXECUTION_LEASE_MS so a test can have an interrupted execution noticed sooner than the minute-long lease.
// Installs main's process-level fault handlers. Logs one JSON line per event on stdout; `app-process ready`
// carries the port once requests may come.

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL);
  keepServingThroughFaults(logger);
  const lease = process.env.EXECUTION_LEASE_MS;
  const app = await startApp({
    config,
    logger,
    azure: openConfiguredAzure(config),
    executionLeaseMs: lease ? Number(lease) : undefined,
    slack: {
      botToken: config.SLACK_BOT_TOKEN ?? '',
      signingSecret: config.SLACK_SIGNING_SECRET,
      apiUrl: config.SLACK_API_URL,
    },
  });
  logger.info({ port: app.slack.port, replicaId: app.replicaId }, 'app-process ready');
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
