import { networkCauses } from '../../../../src/diagnosis/causes/network';

test('lists every network cause once, in the order of docs/causes.md', () => {
  expect(networkCauses.map((rule) => rule.id)).toEqual([
    'nsg-denies-rdp',
    'public-ip-missing',
    'public-ip-dynamic',
    'dns-stale',
    'route-via-appliance',
    'return-path-asymmetric',
    'jit-access-not-requested',
    'rdp-exposed-to-internet',
  ]);
  expect(networkCauses.every((rule) => rule.layer === 'network')).toBe(true);
});
