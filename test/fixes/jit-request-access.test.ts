import { jitAccessNotRequested } from '../../src/diagnosis/causes/network/jit-access-not-requested';
import type { Facts, JitFacts } from '../../src/diagnosis/facts';
import { FixRefusal } from '../../src/fixes/fix';
import { jitRequestAccess } from '../../src/fixes/jit-request-access';
import { NOW, SOURCE, VM_ID, healthyFacts, ok } from '../fixtures/facts';
import { FakeAzure, PROPOSAL_ID, SUBSCRIPTION_ID, executionContext, inputsFor, planFor } from './support';

const POLICY_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-security/providers/Microsoft.Security/locations/northeurope/jitNetworkAccessPolicies/default`;

function jitFacts(port: Partial<NonNullable<JitFacts['policy']>['ports'][number]> = {}): Facts {
  const facts = healthyFacts();
  facts.jit = ok({
    policy: {
      id: POLICY_ID,
      name: 'default',
      ports: [
        {
          number: 3389,
          protocol: '*',
          allowedSourceAddressPrefixes: ['*'],
          maxRequestAccessDuration: 'PT3H',
          ...port,
        },
      ],
    },
    requests: [],
  });
  return facts;
}

describe('jit-request-access', () => {
  describe('inputs', () => {
    it('asks for the source and the minutes, capped by the policy', () => {
      const inputs = inputsFor(jitRequestAccess, jitAccessNotRequested, jitFacts());
      expect(inputs.map((i) => [i.name, i.initial])).toEqual([
        ['source', SOURCE],
        ['durationMinutes', '60'],
      ]);
      expect(inputs[1].hint).toContain('at most 180 minutes');
    });

    it('offers the policy maximum when it is under an hour', () => {
      const inputs = inputsFor(
        jitRequestAccess,
        jitAccessNotRequested,
        jitFacts({ maxRequestAccessDuration: 'PT30M' }),
      );
      expect(inputs[1].initial).toBe('30');
    });
  });

  describe('plan', () => {
    it('requests the typed minutes for the source', () => {
      const plan = planFor(jitRequestAccess, jitAccessNotRequested, jitFacts(), {
        source: SOURCE,
        durationMinutes: '90',
      });
      expect(plan).toEqual({
        params: {
          policyId: POLICY_ID,
          policyName: 'default',
          port: 3389,
          source: SOURCE,
          durationMinutes: 90,
        },
        description:
          'Request Just-In-Time access to TCP 3389 on vm-web-01 from 203.0.113.10 for 90 minutes under JIT policy default.',
      });
    });

    it('defaults to an hour, or the policy maximum when smaller', () => {
      expect(
        planFor(jitRequestAccess, jitAccessNotRequested, jitFacts(), { source: SOURCE }).params
          .durationMinutes,
      ).toBe(60);
      const short = jitFacts({ maxRequestAccessDuration: 'PT15M' });
      expect(
        planFor(jitRequestAccess, jitAccessNotRequested, short, { source: SOURCE }).params.durationMinutes,
      ).toBe(15);
    });

    it.each([
      ['240', 'JIT policy default allows at most 3 hours (PT3H) on TCP 3389: type 180 minutes or fewer.'],
      ['0', '"0" is not a number of minutes: type a whole number from 1 to 180.'],
      ['1.5', '"1.5" is not a number of minutes: type a whole number from 1 to 180.'],
      ['an hour', '"an hour" is not a number of minutes: type a whole number from 1 to 180.'],
    ])('refuses %s minutes', (durationMinutes, message) => {
      expect(() =>
        planFor(jitRequestAccess, jitAccessNotRequested, jitFacts(), { source: SOURCE, durationMinutes }),
      ).toThrow(new FixRefusal(message));
    });

    it('refuses a source the NSG guard refuses, even when the policy allows any', () => {
      expect(() => planFor(jitRequestAccess, jitAccessNotRequested, jitFacts(), { source: '*' })).toThrow(
        /would open RDP to the whole internet/,
      );
    });

    it('refuses a source outside the ranges the policy grants', () => {
      const facts = jitFacts({ allowedSourceAddressPrefixes: ['198.51.100.0/24'] });
      expect(() => planFor(jitRequestAccess, jitAccessNotRequested, facts, { source: SOURCE })).toThrow(
        new FixRefusal(
          'JIT policy default grants TCP 3389 only to 198.51.100.0/24: 203.0.113.10 is outside, so type an address inside those ranges.',
        ),
      );
    });

    it('refuses a maximum it cannot read rather than guess', () => {
      const facts = jitFacts({ maxRequestAccessDuration: 'three hours' });
      expect(() => planFor(jitRequestAccess, jitAccessNotRequested, facts, { source: SOURCE })).toThrow(
        /states its longest request for TCP 3389 as "three hours", which is not an ISO 8601 duration/,
      );
    });
  });

  describe('execute', () => {
    it('initiates the request on the policy, ending the typed minutes after now', async () => {
      const facts = jitFacts();
      const plan = planFor(jitRequestAccess, jitAccessNotRequested, facts, {
        source: SOURCE,
        durationMinutes: '90',
      });
      const fake = new FakeAzure();
      const outcome = await jitRequestAccess.execute(executionContext(fake, facts, plan.params));
      expect(fake.calls).toEqual([
        {
          method: 'jitNetworkAccessPolicies.initiate',
          args: [
            'rg-security',
            'northeurope',
            'default',
            {
              virtualMachines: [
                {
                  id: VM_ID,
                  ports: [
                    {
                      number: 3389,
                      endTimeUtc: new Date(Date.parse(NOW) + 90 * 60_000),
                      allowedSourceAddressPrefix: SOURCE,
                    },
                  ],
                },
              ],
              justification: `rdp-doctor proposal ${PROPOSAL_ID}: RDP for U0PROPOSER from 203.0.113.10, approved by U0APPROVER`,
            },
          ],
        },
      ]);
      expect(outcome).toEqual({
        summary: 'JIT opened TCP 3389 on vm-web-01 for 203.0.113.10 until 13:30 UTC (90 minutes).',
        correlationId: 'corr-1',
      });
    });

    it('refuses when the policy was tightened below the approved minutes since the proposal', async () => {
      const plan = planFor(jitRequestAccess, jitAccessNotRequested, jitFacts(), {
        source: SOURCE,
        durationMinutes: '120',
      });
      const fake = new FakeAzure();
      const fresh = jitFacts({ maxRequestAccessDuration: 'PT1H' });
      await expect(jitRequestAccess.execute(executionContext(fake, fresh, plan.params))).rejects.toThrow(
        'JIT policy default allows at most 1 hour (PT1H) on TCP 3389: type 60 minutes or fewer.',
      );
      expect(fake.calls).toEqual([]);
    });

    it('guards a stored source again', async () => {
      const facts = jitFacts();
      const plan = planFor(jitRequestAccess, jitAccessNotRequested, facts, { source: SOURCE });
      const fake = new FakeAzure();
      await expect(
        jitRequestAccess.execute(executionContext(fake, facts, { ...plan.params, source: 'Internet' })),
      ).rejects.toBeInstanceOf(FixRefusal);
      expect(fake.calls).toEqual([]);
    });
  });
});
