// JIT policies state their longest request as an ISO 8601 duration (`PT3H`, `PT90M`, `P1D`, `P1DT2H`).

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/** Whole minutes in an ISO 8601 duration of days, hours, minutes and seconds; null when it is not one. */
export function isoDurationMinutes(text: string): number | null {
  const value = text.trim();
  const match = DURATION.exec(value);
  if (!match || /^P(T)?$/i.test(value) || value.toUpperCase().endsWith('T')) return null;
  const [, days, hours, minutes, seconds] = match.map((part) => Number(part ?? 0));
  return Math.floor(days * 1440 + hours * 60 + minutes + seconds / 60);
}

/** `3 hours`, `90 minutes`, `1 day`: a duration as a person says it. */
export function describeMinutes(total: number): string {
  const unit = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  if (total % 1440 === 0) return unit(total / 1440, 'day');
  if (total % 60 === 0) return unit(total / 60, 'hour');
  return unit(total, 'minute');
}
