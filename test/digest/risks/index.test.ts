import fs from 'node:fs';
import path from 'node:path';
import { RISK_IDS } from '../../../src/digest/risk';
import { RISKS } from '../../../src/digest/risks';

test('the risk table lists every rule once, riskiest first, each in the module named after it', () => {
  expect(RISKS.map((rule) => rule.id)).toEqual([...RISK_IDS]);
  const modules = fs
    .readdirSync(path.join(__dirname, '../../../src/digest/risks'))
    .filter((file) => file !== 'index.ts')
    .map((file) => file.replace(/\.ts$/, ''));
  expect(modules.sort()).toEqual([...RISK_IDS].sort());
  const severities = RISKS.map((rule) => rule.severity);
  expect(severities).toEqual([...severities].sort((a, b) => (a === b ? 0 : a === 'critical' ? -1 : 1)));
});
