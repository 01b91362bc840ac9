import { jitGatherer } from '../../../src/azure/gatherers/jit';
import { context, replay, vmFacts } from '../arm-replay';

// GetJitNetworkAccessPoliciesResourceGroupLocation_example.json (2020-01-01); listing by resource group
// answers with the same body.
const SUB = '20ff7fc3-e762-44dd-bd96-b71116dcdc23';
const VM1 = `/subscriptions/${SUB}/resourceGroups/myRg1/providers/Microsoft.Compute/virtualMachines/vm1`;
const policies = {
  value: [
    {
      kind: 'Basic',
      properties: {
        virtualMachines: [
          {
            id: VM1,
            ports: [
              {
                number: 22,
                protocol: '*',
                allowedSourceAddressPrefix: '*',
                maxRequestAccessDuration: 'PT3H',
              },
              {
                number: 3389,
                protocol: '*',
                allowedSourceAddressPrefix: '*',
                maxRequestAccessDuration: 'PT3H',
              },
            ],
          },
        ],
        requests: [
          {
            virtualMachines: [
              {
                id: VM1,
                ports: [
                  {
                    number: 3389,
                    allowedSourceAddressPrefix: '192.127.0.2',
                    endTimeUtc: '2018-05-17T09:06:45.5691611Z',
                    status: 'Initiated',
                    statusReason: 'UserRequested',
                  },
                ],
              },
            ],
            startTimeUtc: '2018-05-17T08:06:45.5691611Z',
            requestor: 'barbara@contoso.com',
            justification: 'testing a new version of the product',
          },
        ],
        provisioningState: 'Succeeded',
      },
      id: `/subscriptions/${SUB}/resourceGroups/myRg1/providers/Microsoft.Security/locations/westeurope/jitNetworkAccessPolicies/default`,
      name: 'default',
      type: 'Microsoft.Security/locations/jitNetworkAccessPolicies',
      location: 'westeurope',
    },
  ],
};

const listPath =
  /^\/subscriptions\/[^/]+\/resourceGroups\/myRg1\/providers\/Microsoft\.Security\/jitNetworkAccessPolicies$/;

describe('jitGatherer', () => {
  it("finds the policy naming the VM (ids compared without case) and this VM's requests", async () => {
    const fake = replay([{ method: 'GET', path: listPath, body: policies }]);
    const vm = vmFacts({ id: VM1.toLowerCase(), name: 'vm1', resourceGroup: 'myRg1' });
    const facts = await jitGatherer.gather(context(fake, {}, vm));
    expect(facts).toEqual({
      policy: {
        id: policies.value[0].id,
        name: 'default',
        ports: [
          {
            number: 22,
            protocol: '*',
            allowedSourceAddressPrefixes: ['*'],
            maxRequestAccessDuration: 'PT3H',
          },
          {
            number: 3389,
            protocol: '*',
            allowedSourceAddressPrefixes: ['*'],
            maxRequestAccessDuration: 'PT3H',
          },
        ],
      },
      requests: [
        {
          startTimeUtc: '2018-05-17T08:06:45.569Z',
          requestor: 'barbara@contoso.com',
          ports: [
            {
              number: 3389,
              allowedSourceAddressPrefixes: ['192.127.0.2'],
              endTimeUtc: '2018-05-17T09:06:45.569Z',
              status: 'Initiated',
            },
          ],
        },
      ],
    });
    expect(fake.sent[0].url.searchParams.get('api-version')).toBe('2020-01-01');
  });

  it('reports no policy when none names the VM', async () => {
    const fake = replay([{ method: 'GET', path: listPath, body: policies }]);
    const vm = vmFacts({ resourceGroup: 'myRg1' });
    expect(await jitGatherer.gather(context(fake, {}, vm))).toEqual({ policy: null, requests: [] });
  });
});
