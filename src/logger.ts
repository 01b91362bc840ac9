import pino, { type Logger } from 'pino';
import { CENSOR, MIN_SECRET_LENGTH, scrubLogLine } from './log-redaction';

export type { Logger };

/** Paths pino blanks wherever they appear, so a secret cannot reach a log line by accident. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'signingSecret',
  '*.signingSecret',
];

// Secret values this process holds, scrubbed from every line of every logger. Process-wide on purpose:
// a password is made deep inside a fix, and must be cut from lines written by loggers the fix never sees
// (Bolt's, the Web API client's). Bounded: the oldest are forgotten first, long after their lines were due.
const KNOWN_SECRETS = new Set<string>();
const MAX_KNOWN_SECRETS = 1000;

/** Never log `secret`, in any logger of this process, from now on. */
export function neverLog(secret: string | undefined): void {
  if (!secret || secret.length < MIN_SECRET_LENGTH || KNOWN_SECRETS.has(secret)) return;
  KNOWN_SECRETS.add(secret);
  if (KNOWN_SECRETS.size > MAX_KNOWN_SECRETS) KNOWN_SECRETS.delete(KNOWN_SECRETS.values().next().value!);
}

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: CENSOR },
      hooks: { streamWrite: (line) => scrubLogLine(line, KNOWN_SECRETS) },
    },
    destination,
  );
}
