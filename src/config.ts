import { z } from 'zod';

// Every setting, parsed once at start into a typed object. A bad setting stops the process with one line
// per problem that names the variable and what it should look like.

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const commaList = (item: z.ZodString, what: string) =>
  z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item, { error: `a comma-separated list of ${what}` }));

/** `15m`, `900s`, `1h` or a plain number of seconds, as milliseconds. */
const duration = z
  .string()
  .regex(/^\d+\s*[smh]?$/i, { error: 'a duration like 15m, 900s or 1h' })
  .transform((value) => {
    const amount = Number.parseInt(value, 10);
    const unit = value.trim().slice(-1).toLowerCase();
    return amount * (unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : 1000);
  });

/**
 * Who may approve a fix. Unset: nobody (fail closed) until an admin says who; `*`: any member other than the
 * proposer, as an explicit choice; else Slack user ids and user group ids.
 */
export type ApproverSetting =
  { kind: 'unset' } | { kind: 'any-member' } | { kind: 'listed'; ids: readonly string[] };

const approvers = z
  .string()
  .optional()
  .transform((value) => (value ?? '').trim())
  .pipe(
    z.union(
      [
        z.literal('').transform((): ApproverSetting => ({ kind: 'unset' })),
        z.literal('*').transform((): ApproverSetting => ({ kind: 'any-member' })),
        z
          .string()
          .transform((value) =>
            value
              .split(',')
              .map((id) => id.trim())
              .filter(Boolean),
          )
          .pipe(z.array(z.string().regex(/^[USW][A-Z0-9]{2,}$/)).min(1))
          .transform((ids): ApproverSetting => ({ kind: 'listed', ids })),
      ],
      {
        error:
          'Slack user ids (U…, W…) and user group ids (S…), comma-separated, or * for any member other than the proposer',
      },
    ),
  );

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== '' ? value.trim() : undefined));

export const configSchema = z.object({
  // 0 asks the OS for a free port (tests, several local instances).
  PORT: z.coerce.number({ error: 'a TCP port number' }).int().min(0).max(65535).default(3000),
  // The address the HTTP server binds; local mode always binds loopback whatever this says.
  HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:-]{1,253}$/, { error: 'an address to listen on, such as 0.0.0.0 or ::' })
    .default('0.0.0.0'),
  NODE_ENV: optionalText,
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_BOT_TOKEN: optionalText.pipe(
    z
      .string()
      .regex(/^xoxb-/, { error: 'a bot token starting with xoxb-' })
      .optional(),
  ),
  SLACK_APP_TOKEN: optionalText.pipe(
    z
      .string()
      .regex(/^xapp-/, { error: 'an app-level token starting with xapp-' })
      .optional(),
  ),
  SLACK_API_URL: optionalText.pipe(z.url({ error: 'a URL like https://slack.com/api/' }).optional()),
  AZURE_SUBSCRIPTION_IDS: commaList(
    z.string().regex(GUID, { error: 'subscription ids (GUIDs)' }),
    'subscription GUIDs',
  ),
  AZURE_RESOURCE_MANAGER_ENDPOINT: z
    .url({ protocol: /^https$/, error: 'an https URL like https://management.azure.com' })
    .default('https://management.azure.com'),
  AZURE_ACCESS_TOKEN: optionalText,
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { error: 'a PostgreSQL URL like postgres://user@host:5432/db' })
      .optional(),
  ),
  APPROVERS: approvers,
  APPROVALS_REQUIRED: z.coerce.number({ error: 'a whole number ≥ 1' }).int().min(1).max(5).default(1),
  APPROVAL_TTL: duration.default(15 * 60_000),
  NSG_MAX_PREFIX: z.coerce
    .number({ error: 'a prefix length 0-32, e.g. 24' })
    .int()
    .min(0)
    .max(32)
    .default(24),
  ALLOWED_CHANNELS: commaList(
    z.string().regex(/^[CGD][A-Z0-9]{2,}$/, { error: 'Slack channel ids (C…), not channel names' }),
    'Slack channel ids (C…)',
  ),
  /** The `key` Event Grid's webhook URL carries; unset, /azure/events is not served. */
  EVENT_GRID_SECRET: optionalText.pipe(
    z.string().min(16, { error: 'a random string of at least 16 characters' }).optional(),
  ),
});

const SECRET_KEYS = new Set([
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'AZURE_ACCESS_TOKEN',
  'DATABASE_URL',
  'EVENT_GRID_SECRET',
]);

/** What a good value looks like, shown with every problem so the fix can be copied. */
const EXAMPLES: Record<keyof z.input<typeof configSchema>, string> = {
  PORT: '3000',
  HOST: '0.0.0.0',
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
  SLACK_SIGNING_SECRET: "<the signing secret from the Slack app's Basic Information page>",
  SLACK_BOT_TOKEN: 'xoxb-…',
  SLACK_APP_TOKEN: 'xapp-…',
  SLACK_API_URL: 'https://slack.com/api/',
  AZURE_SUBSCRIPTION_IDS: '00000000-0000-0000-0000-000000000000,11111111-1111-1111-1111-111111111111',
  AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://management.azure.com',
  AZURE_ACCESS_TOKEN: '$(az account get-access-token --query accessToken --output tsv)',
  DATA_DIR: './data',
  DATABASE_URL: 'postgres://rdp@db.internal:5432/rdp_doctor',
  APPROVERS: 'S0123ABCD or U0123ABCD,U0456EFGH',
  APPROVALS_REQUIRED: '1',
  APPROVAL_TTL: '15m',
  NSG_MAX_PREFIX: '24',
  ALLOWED_CHANNELS: 'C0123ABCD,C0456EFGH',
  EVENT_GRID_SECRET: '$(openssl rand -hex 24)',
};

export type Config = z.output<typeof configSchema>;

export class ConfigError extends Error {
  readonly code = 'invalid-config';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? 'config');
      // Secrets are never echoed, not even malformed ones.
      const got = SECRET_KEYS.has(key) ? 'a value that does not fit' : JSON.stringify(env[key] ?? null);
      const example = key in EXAMPLES ? `; for example ${key}=${EXAMPLES[key as keyof typeof EXAMPLES]}` : '';
      return `${key}: expected ${issue.message} (got ${got})${example}`;
    }),
  );
}
