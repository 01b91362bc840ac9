import { describeSchedule, nextRuns, parseSchedule } from '../../src/digest/schedule';

describe('parseSchedule', () => {
  it.each([
    [[], { cron: '0 9 * * *', timezone: 'UTC' }],
    [['hourly'], { cron: '0 * * * *', timezone: 'UTC' }],
    [['daily', '09:00'], { cron: '0 9 * * *', timezone: 'UTC' }],
    [['daily'], { cron: '0 9 * * *', timezone: 'UTC' }],
    [['weekdays', '08:30', 'Europe/Paris'], { cron: '30 8 * * 1-5', timezone: 'Europe/Paris' }],
    [['tz:America/New_York', 'daily', '7:05'], { cron: '5 7 * * *', timezone: 'America/New_York' }],
    [['"30', '8', '*', '*', '1-5"', 'UTC'], { cron: '30 8 * * 1-5', timezone: 'UTC' }],
    [['“0', '*/4', '*', '*', '*”'], { cron: '0 */4 * * *', timezone: 'UTC' }],
    [['0', '9', '*', '*', 'MON-FRI', 'Asia/Kolkata'], { cron: '0 9 * * MON-FRI', timezone: 'Asia/Kolkata' }],
    [['*/15', '*', '*', '*', '*'], { cron: '*/15 * * * *', timezone: 'UTC' }],
  ])('%j → %j', (words, expected) => {
    expect(parseSchedule(words)).toEqual(expected);
  });

  it.each([
    [['daily', '25:00'], 'digest-schedule', '"25:00" is not a time of day for `daily`: use 24-hour HH:MM'],
    [['weekdays', 'noon'], 'digest-schedule', 'use 24-hour HH:MM, e.g. weekdays 08:30'],
    [['hourly', 'please'], 'digest-schedule', 'I did not understand "please"'],
    [
      ['0', '25', '*', '*', '*'],
      'digest-schedule',
      '`0 25 * * *` is not a schedule: 25 is a invalid expression for hour',
    ],
    [['0', '9', '*', '*'], 'digest-schedule', 'it has 4 fields, a cron expression has 5 (or 6 with seconds)'],
    [['every', 'morning'], 'digest-schedule', 'Say when with `hourly`, `daily 09:00`'],
    [['*', '*', '*', '*', '*'], 'digest-schedule', 'would post more than 12 times an hour'],
    [['*/10', '*', '*', '*', '*', '*'], 'digest-schedule', 'would post more than 12 times an hour'],
    [
      ['daily', '09:00', 'Mars/Olympus_Mons'],
      'digest-timezone',
      '"Mars/Olympus_Mons" is not a time zone I know',
    ],
    [['daily', 'UTC', 'Europe/Paris'], 'digest-timezone', 'Give one time zone, not 2'],
  ])('refuses %j with %s', (words, code, message) => {
    expect(() => parseSchedule(words)).toThrow(
      expect.objectContaining({ code, message: expect.stringContaining(message) }),
    );
  });
});

describe('describeSchedule', () => {
  it.each([
    [{ cron: '0 * * * *', timezone: 'UTC' }, 'hourly (UTC)'],
    [{ cron: '0 9 * * *', timezone: 'Europe/Paris' }, 'daily at 09:00 (Europe/Paris)'],
    [{ cron: '30 8 * * 1-5', timezone: 'UTC' }, 'weekdays at 08:30 (UTC)'],
    [{ cron: '0 */4 * * *', timezone: 'UTC' }, 'cron 0 */4 * * * (UTC)'],
  ])('%j → %s', (schedule, text) => {
    expect(describeSchedule(schedule)).toBe(text);
  });
});

test('nextRuns reads the times in the schedule’s zone', () => {
  const runs = nextRuns({ cron: '30 8 * * 1-5', timezone: 'Asia/Kolkata' }, 3);
  expect(runs).toHaveLength(3);
  for (const run of runs) {
    // 08:30 in Kolkata (UTC+5:30) is 03:00 UTC, on a weekday there.
    expect(run.toISOString().slice(11, 16)).toBe('03:00');
    expect([1, 2, 3, 4, 5]).toContain(run.getUTCDay());
    expect(run.getTime()).toBeGreaterThan(Date.now());
  }
});
