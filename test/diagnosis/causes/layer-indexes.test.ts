import { authCauses } from '../../../src/diagnosis/causes/auth';
import { guestCauses } from '../../../src/diagnosis/causes/guest';
import { serviceCauses } from '../../../src/diagnosis/causes/service';
import { CAUSE_IDS } from '../../../src/diagnosis/ids';

describe.each([
  ['service', serviceCauses],
  ['auth', authCauses],
  ['guest', guestCauses],
] as const)('the %s index', (layer, rules) => {
  it('lists every cause of the layer once, in the order of docs/causes.md', () => {
    const expected = CAUSE_IDS.slice(
      CAUSE_IDS.indexOf(rules[0].id),
      CAUSE_IDS.indexOf(rules[0].id) + rules.length,
    );
    expect(rules.map((r) => r.id)).toEqual(expected);
    expect(rules.every((r) => r.layer === layer)).toBe(true);
  });
});

it('the three layers together cover the ids from termservice-not-running to shell-crash', () => {
  const ids = [...serviceCauses, ...authCauses, ...guestCauses].map((r) => r.id);
  expect(ids).toEqual(CAUSE_IDS.slice(CAUSE_IDS.indexOf('termservice-not-running')));
});
