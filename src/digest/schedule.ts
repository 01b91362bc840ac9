import cron from 'node-cron';
import { DigestInputError } from './errors';

// When a digest posts: a cron expression (5 fields, or 6 with seconds), or words: `hourly`,
// `daily 09:00`, `weekdays 08:30`; and the IANA zone the times are read in (`Europe/Paris`, `tz:UTC`).

export interface DigestSchedule {
  cron: string;
  timezone: string;
}

export const DEFAULT_SCHEDULE: DigestSchedule = { cron: '0 9 * * *', timezone: 'UTC' };

/** More often than this is noise in a channel, not a digest. */
const MAX_RUNS_PER_HOUR = 12;
const CLOCK = /^([01]?\d|2[0-3]):([0-5]\d)$/;
const ZONE_WORD = /^(?:tz:.+|UTC|GMT|[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)+)$/i;

const USAGE =
  'Say when with `hourly`, `daily 09:00`, `weekdays 08:30` or a cron expression such as `"30 8 * * 1-5"`, ' +
  'optionally followed by a time zone such as `Europe/Paris`.';

/** The zone's IANA name as the runtime spells it, or null when it knows no such zone. */
export function knownZone(name: string): string | null {
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    // ICU answers some current names with their legacy alias (Asia/Kolkata → Asia/Calcutta): keep the name
    // as typed, in the runtime's capitals.
    return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
  } catch {
    return null;
  }
}

export function isZoneWord(word: string): boolean {
  return ZONE_WORD.test(word);
}

function zoneOf(word: string): string {
  const name = word.toLowerCase().startsWith('tz:') ? word.slice(3) : word;
  const zone = knownZone(name);
  if (!zone) {
    throw new DigestInputError(
      'digest-timezone',
      `"${name.slice(0, 60)}" is not a time zone I know: use an IANA name such as Europe/Paris, America/New_York or UTC.`,
    );
  }
  return zone;
}

function clockOf(word: string | undefined, what: string): { hour: number; minute: number } {
  const match = CLOCK.exec(word ?? '09:00');
  if (!match) {
    throw new DigestInputError(
      'digest-schedule',
      `"${(word ?? '').slice(0, 20)}" is not a time of day for \`${what}\`: use 24-hour HH:MM, e.g. ${what} 08:30.`,
    );
  }
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

function checkCron(expression: string): string {
  const fields = expression.split(' ');
  const detail = cron.validateDetailed(expression);
  if (fields.length < 5 || fields.length > 6 || !detail.valid) {
    const reason =
      fields.length < 5 || fields.length > 6
        ? `it has ${fields.length} fields, a cron expression has 5 (or 6 with seconds)`
        : (detail.errors[0]?.message ?? 'node-cron cannot read it');
    throw new DigestInputError(
      'digest-schedule',
      `\`${expression.slice(0, 80)}\` is not a schedule: ${reason}. ${USAGE}`,
    );
  }
  const parsed = cron.parse(expression);
  if (parsed.second.length > 1 || parsed.minute.length > MAX_RUNS_PER_HOUR) {
    throw new DigestInputError(
      'digest-schedule',
      `\`${expression}\` would post more than ${MAX_RUNS_PER_HOUR} times an hour; a digest is at most every 5 minutes. ${USAGE}`,
    );
  }
  return expression;
}

function cronOf(words: readonly string[]): string {
  const [first, second] = words;
  const word = first.toLowerCase();
  const extra = (expected: number) => {
    if (words.length > expected) {
      throw new DigestInputError(
        'digest-schedule',
        `I did not understand "${words[expected].slice(0, 40)}". ${USAGE}`,
      );
    }
  };
  if (word === 'hourly') {
    extra(1);
    return '0 * * * *';
  }
  if (word === 'daily' || word === 'weekdays') {
    extra(2);
    const { hour, minute } = clockOf(second, word);
    return `${minute} ${hour} * * ${word === 'daily' ? '*' : '1-5'}`;
  }
  // People quote the expression to keep it together; Slack may have curled the quotes.
  return checkCron(
    words
      .join(' ')
      .replace(/["'`“”‘’]/g, '')
      .trim()
      .replace(/\s+/g, ' '),
  );
}

/** The schedule the words name (the scope terms already taken out); none means daily at 09:00 UTC. */
export function parseSchedule(words: readonly string[]): DigestSchedule {
  const zones = words.filter(isZoneWord);
  if (zones.length > 1) {
    throw new DigestInputError(
      'digest-timezone',
      `Give one time zone, not ${zones.length} (${zones.join(', ')}).`,
    );
  }
  const timezone = zones.length === 1 ? zoneOf(zones[0]) : DEFAULT_SCHEDULE.timezone;
  const rest = words.filter((word) => !isZoneWord(word));
  return { cron: rest.length === 0 ? DEFAULT_SCHEDULE.cron : cronOf(rest), timezone };
}

const pad = (value: string) => value.padStart(2, '0');

/** `daily at 09:00 (Europe/Paris)`, `weekdays at 08:30 (UTC)`, `hourly (UTC)`, `cron 0 *\/4 * * * (UTC)` */
export function describeSchedule(schedule: DigestSchedule): string {
  const fields = schedule.cron.split(' ');
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
  const simple = fields.length === 5 && dayOfMonth === '*' && month === '*' && /^\d+$/.test(minute);
  let words = `cron ${schedule.cron}`;
  if (simple && hour === '*' && dayOfWeek === '*' && minute === '0') words = 'hourly';
  else if (simple && /^\d+$/.test(hour) && (dayOfWeek === '*' || dayOfWeek === '1-5')) {
    words = `${dayOfWeek === '*' ? 'daily' : 'weekdays'} at ${pad(hour)}:${pad(minute)}`;
  }
  return `${words} (${schedule.timezone})`;
}

/** The next `count` times the schedule fires after now. */
export function nextRuns(schedule: DigestSchedule, count: number): Date[] {
  const task = cron.createTask(schedule.cron, () => undefined, { timezone: schedule.timezone });
  try {
    return task.getNextRuns(count);
  } finally {
    void task.destroy();
  }
}
