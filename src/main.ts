import 'dotenv/config';
import { startApp, type RunningApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { EnvironmentError, openConfiguredAzure } from './environment';
import { createLogger, type Logger } from './logger';
import { startLocalMode } from './local-mode';
import { keepServingThroughFaults } from './process-guard';
import { StandInMissingError } from './stand-ins';

// `npm start`. With Slack settings it runs for real (HTTP mode, or Socket Mode with SLACK_APP_TOKEN)
// against the configured Azure subscriptions. With none it starts local mode: the same app against a
// fake Slack, the sandbox Azure and a page to drive it from a browser; it says so loudly, so it can
// never pass for production: it binds loopback only, and with NODE_ENV=production it never starts at all.

function slackSettingsError(config: Config): string | null {
  if (!config.SLACK_BOT_TOKEN) {
    return 'SLACK_BOT_TOKEN: expected a bot token starting with xoxb- (Slack settings are present, so local mode is off)';
  }
  if (!config.SLACK_APP_TOKEN && !config.SLACK_SIGNING_SECRET) {
    return "SLACK_SIGNING_SECRET: expected the app's signing secret (HTTP mode), or set SLACK_APP_TOKEN for Socket Mode";
  }
  return null;
}

async function startProduction(config: Config, logger: Logger): Promise<RunningApp> {
  const problem = slackSettingsError(config);
  if (problem) throw new ConfigError([problem]);
  const azure = openConfiguredAzure(config);
  return startApp({
    config,
    logger,
    azure,
    slack: {
      botToken: config.SLACK_BOT_TOKEN!,
      signingSecret: config.SLACK_SIGNING_SECRET,
      appToken: config.SLACK_APP_TOKEN,
      apiUrl: config.SLACK_API_URL,
    },
  });
}

function isLocalMode(config: Config): boolean {
  return !config.SLACK_BOT_TOKEN && !config.SLACK_APP_TOKEN && !config.SLACK_SIGNING_SECRET;
}

/** In production a missing Slack secret is a deployment mistake, never a cue for local mode: one line names it. */
function missingProductionSecrets(config: Config): string | null {
  if (config.NODE_ENV !== 'production') return null;
  const missing = [
    config.SLACK_BOT_TOKEN ? null : 'SLACK_BOT_TOKEN',
    config.SLACK_SIGNING_SECRET || config.SLACK_APP_TOKEN ? null : 'SLACK_SIGNING_SECRET',
  ].filter(Boolean);
  if (missing.length === 0) return null;
  return `Missing secret: ${missing.join(', ')} must be set when NODE_ENV=production (local mode never runs in production); copy it from the Slack app's settings.`;
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const missing = missingProductionSecrets(config);
  if (missing) {
    process.stderr.write(`${missing}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.LOG_LEVEL);
  keepServingThroughFaults(logger);
  let running: { stop(): Promise<void> };
  try {
    running = isLocalMode(config)
      ? await startLocalMode(config, logger)
      : await startProduction(config, logger);
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof EnvironmentError ||
      error instanceof StandInMissingError
    ) {
      process.stderr.write(`${error.message}\n`);
    } else {
      logger.fatal({ err: error }, 'rdp-doctor could not start');
    }
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    void running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

void main();
