import { describeMinutes, isoDurationMinutes } from '../../src/fixes/iso-duration';

describe('isoDurationMinutes', () => {
  it.each([
    ['PT3H', 180],
    ['PT1H', 60],
    ['PT90M', 90],
    ['PT1H30M', 90],
    ['P1D', 1440],
    ['P1DT2H', 1560],
    ['PT5M', 5],
    ['PT300S', 5],
    ['PT0.5H', null],
    ['pt3h', 180],
    [' PT3H ', 180],
  ])('%s is %p minutes', (text, minutes) => {
    expect(isoDurationMinutes(text)).toBe(minutes);
  });

  it.each(['', 'P', 'PT', 'P1DT', '3H', 'PT3', 'three hours', 'P1W'])(
    '%j is not a duration it reads',
    (text) => {
      expect(isoDurationMinutes(text)).toBeNull();
    },
  );
});

describe('describeMinutes', () => {
  it.each([
    [1440, '1 day'],
    [180, '3 hours'],
    [60, '1 hour'],
    [90, '90 minutes'],
    [1, '1 minute'],
  ])('%d minutes reads %s', (minutes, text) => {
    expect(describeMinutes(minutes)).toBe(text);
  });
});
