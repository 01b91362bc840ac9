import { platformCauses } from '../../../../src/diagnosis/causes/platform';

test('lists every platform cause once, in the order of docs/causes.md', () => {
  expect(platformCauses.map((rule) => rule.id)).toEqual([
    'vm-not-running',
    'guest-not-booted',
    'vm-agent-unhealthy',
    'boot-diagnostics-disabled',
    'os-not-windows',
  ]);
  expect(platformCauses.every((rule) => rule.layer === 'platform')).toBe(true);
});
