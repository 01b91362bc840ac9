import { jitAccessNotRequested } from '../../../../src/diagnosis/causes/network/jit-access-not-requested';
import type { Facts, JitFacts } from '../../../../src/diagnosis/facts';
import { NOW, SOURCE, factsWith, healthyFacts, ok, testCauseRule } from '../../../fixtures/facts';

const POLICY: NonNullable<JitFacts['policy']> = {
  id: '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-prod/providers/Microsoft.Security/locations/westeurope/jitNetworkAccessPolicies/default',
  name: 'default',
  ports: [
    { number: 3389, protocol: '*', allowedSourceAddressPrefixes: ['*'], maxRequestAccessDuration: 'PT3H' },
    { number: 22, protocol: '*', allowedSourceAddressPrefixes: ['*'], maxRequestAccessDuration: 'PT3H' },
  ],
};

type RequestPort = JitFacts['requests'][number]['ports'][number];

/** A request by alice at 11:30 for one port, active until 14:30 from the source unless `port` says otherwise. */
function request(port: Partial<RequestPort> = {}): JitFacts['requests'][number] {
  return {
    startTimeUtc: '2026-11-27T11:30:00Z',
    requestor: 'alice@contoso.com',
    ports: [
      {
        number: 3389,
        allowedSourceAddressPrefixes: [SOURCE],
        endTimeUtc: '2026-11-27T14:30:00Z',
        status: 'Initiated',
        ...port,
      },
    ],
  };
}

function jit(policy: JitFacts['policy'], ...requests: JitFacts['requests']): Facts {
  const facts = healthyFacts();
  facts.jit = ok({ policy, requests });
  return facts;
}

function from(source: string | null, facts: Facts): Facts {
  facts.request.source = source;
  return facts;
}

testCauseRule(jitAccessNotRequested, {
  fires: [
    {
      name: 'enrolled, never requested',
      facts: jit(POLICY),
      summary: ['JIT policy default', 'TCP 3389', 'vm-web-01', SOURCE],
      evidence: [
        'JIT policy default covers TCP 3389: requests from *, at most PT3H',
        'no JIT request for port 3389',
      ],
      fixes: ['jit-request-access'],
      advice: 'keep the JIT policy',
    },
    {
      name: 'the last request expired',
      facts: jit(POLICY, request({ endTimeUtc: '2026-11-27T11:00:00Z' })),
      summary: ['default'],
      evidence: [
        `request by alice@contoso.com at 2026-11-27T11:30:00Z from ${SOURCE} expired at 2026-11-27T11:00:00Z`,
      ],
      fixes: ['jit-request-access'],
    },
    {
      name: 'the request ends exactly now',
      facts: jit(POLICY, request({ endTimeUtc: NOW })),
      summary: ['default'],
      evidence: [`expired at ${NOW}`],
      fixes: ['jit-request-access'],
    },
    {
      name: 'the request was revoked',
      facts: jit(POLICY, request({ status: 'Revoked' })),
      summary: ['default'],
      evidence: ['is Revoked'],
      fixes: ['jit-request-access'],
    },
    {
      name: 'the active request is for another address',
      facts: jit(POLICY, request({ allowedSourceAddressPrefixes: ['198.51.100.7'] })),
      summary: [SOURCE],
      evidence: [`from 198.51.100.7 does not cover ${SOURCE}`],
      fixes: ['jit-request-access'],
    },
    {
      name: 'the active request is for another port',
      facts: jit(POLICY, request({ number: 22 })),
      summary: ['TCP 3389'],
      evidence: ['no JIT request for port 3389'],
      fixes: ['jit-request-access'],
    },
    {
      name: 'no source given and no active request at all',
      facts: from(null, jit(POLICY, request({ status: 'Revoked' }))),
      summary: ['any source'],
      evidence: ['is Revoked'],
      fixes: ['jit-request-access'],
    },
    {
      name: 'Linux: the policy holds 22 and the request opened only 3389',
      facts: factsWith('vm', (vm) => (vm.osType = 'Linux'), jit(POLICY, request())),
      summary: ['TCP 22'],
      evidence: ['covers TCP 22', 'no JIT request for port 22'],
      fixes: ['jit-request-access'],
    },
  ],
  quiet: [
    { name: 'healthy: no JIT policy', facts: healthyFacts() },
    { name: 'an active request for the source', facts: jit(POLICY, request()) },
    {
      name: 'an active request for a range holding the source',
      facts: jit(POLICY, request({ allowedSourceAddressPrefixes: ['203.0.113.0/24'] })),
    },
    {
      name: 'an active request from any address',
      facts: jit(POLICY, request({ allowedSourceAddressPrefixes: ['*'] })),
    },
    {
      name: 'no source given and some request is active',
      facts: from(null, jit(POLICY, request({ allowedSourceAddressPrefixes: ['198.51.100.7'] }))),
    },
    {
      name: 'an older expired request does not hide the active one',
      facts: jit(POLICY, request({ endTimeUtc: '2026-11-27T09:00:00Z' }), request()),
    },
    { name: 'the policy covers only SSH', facts: jit({ ...POLICY, ports: [POLICY.ports[1]] }) },
  ],
});

describe('confirm', () => {
  it('shows the JIT policy that covers this VM', () => {
    expect(jitAccessNotRequested.confirm(jit(POLICY))).toBe(
      'az security jit-policy show --resource-group rg-prod --location westeurope --name default',
    );
  });

  it('lists the policies of the resource group when none was found', () => {
    expect(jitAccessNotRequested.confirm(healthyFacts())).toBe(
      'az security jit-policy list --resource-group rg-prod --output table',
    );
  });
});
