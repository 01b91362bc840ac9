import { closestVms, TargetError, parseTarget, resolveVm } from '../../src/azure/resolve-vm';
import { replay, type Route } from './arm-replay';

const SUB_A = '00000000-0000-0000-0000-00000000000a';
const SUB_B = '00000000-0000-0000-0000-00000000000b';
const OTHER = '00000000-0000-0000-0000-0000000000ff';

// Shapes from VirtualMachine_ListBySubscription_ByLocation.json and VirtualMachine_Get.json (2024-07-01).
function vm(subscription: string, resourceGroup: string, name: string, location = 'westeurope') {
  return {
    id: `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${name}`,
    name,
    type: 'Microsoft.Compute/virtualMachines',
    location,
    properties: {
      hardwareProfile: { vmSize: 'Standard_D2s_v5' },
      storageProfile: { osDisk: { osType: 'Windows', name: `${name}-os`, createOption: 'FromImage' } },
      provisioningState: 'Succeeded',
    },
  };
}

function listAll(subscription: string, vms: object[]): Route {
  return {
    method: 'GET',
    path: `/subscriptions/${subscription}/providers/Microsoft.Compute/virtualMachines`,
    body: { value: vms },
  };
}

function get(subscription: string, resourceGroup: string, name: string, location?: string): Route {
  return {
    method: 'GET',
    path: `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${name}`,
    body: vm(subscription, resourceGroup, name, location),
  };
}

const vmIdentity = (name: string) => ({
  id: `/subscriptions/${SUB_A}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${name}`,
  name,
  resourceGroup: 'rg',
  subscriptionId: SUB_A,
  location: 'westeurope',
});

async function targetError(promise: Promise<unknown>): Promise<TargetError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TargetError) return err;
    throw err;
  }
  throw new Error('expected a TargetError');
}

describe('parseTarget', () => {
  it.each([
    ['vm-web-01', { kind: 'name', name: 'vm-web-01' }],
    ['  web_01.prod  ', { kind: 'name', name: 'web_01.prod' }],
    ['rg-prod/vm-web-01', { kind: 'group', resourceGroup: 'rg-prod', name: 'vm-web-01' }],
    ['Rg(Prod).1/VM1', { kind: 'group', resourceGroup: 'Rg(Prod).1', name: 'VM1' }],
    ['группа-1/vm1', { kind: 'group', resourceGroup: 'группа-1', name: 'vm1' }],
    ['a/b', { kind: 'group', resourceGroup: 'a', name: 'b' }],
    ['v', { kind: 'name', name: 'v' }],
    ['v'.repeat(64), { kind: 'name', name: 'v'.repeat(64) }],
    ['web.01_x', { kind: 'name', name: 'web.01_x' }],
    [
      `/subscriptions/${SUB_A.toUpperCase()}/resourcegroups/rg-prod/providers/microsoft.compute/virtualmachines/vm-web-01/`,
      { kind: 'id', subscriptionId: SUB_A, resourceGroup: 'rg-prod', name: 'vm-web-01' },
    ],
  ])('reads %j', (target, parsed) => {
    expect(parseTarget(target)).toEqual(parsed);
  });

  it.each([
    ['', /is not a VM name/],
    ['vm web', /is not a VM name/],
    ['vm;rm -rf', /is not a VM name/],
    ["vm' or '1'='1", /is not a VM name/],
    ['x'.repeat(65), /is not a VM name: it is 65 characters long; Azure allows at most 64/],
    ['.', /'\.' is not a VM name: it starts with '\.'/],
    ['..', /'\.\.' is not a VM name: it starts with '\.'/],
    ['rg/.', /is not a VM name: it starts with '\.'/],
    ['rg/..', /is not a VM name: it starts with '\.'/],
    ['../vm', /is not a resource group name: it ends with '\.'/],
    ['%2e%2e', /is not a VM name: it contains '%' \(U\+0025\)/],
    ['rg/%2e%2e', /is not a VM name: it contains '%'/],
    ['_vm', /it must start with a letter or digit/],
    ['vm-', /it cannot end with '\.' or '-'/],
    ['vm.', /it cannot end with '\.' or '-'/],
    ['сервер', /is not a VM name: it contains 'с' \(U\+0441\)/],
    ['vm\u200b', /is not a VM name: it contains U\+200B/],
    ['rg\u0000/vm', /is not a resource group name: it contains U\+0000/],
    ['rg 1/vm', /is not a resource group name: it contains U\+0020/],
    [
      `${'r'.repeat(91)}/vm`,
      /is not a resource group name: it is 91 characters long; Azure allows at most 90/,
    ],
    [
      `/subscriptions/${SUB_A}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/..`,
      /is not a VM resource id: it has a '\.\.' segment/,
    ],
    [
      `/subscriptions/${SUB_A}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/../other`,
      /is not a VM resource id: it has a '\.\.' segment/,
    ],
    [
      `/subscriptions/${SUB_A}/resourceGroups/./providers/Microsoft.Compute/virtualMachines/vm`,
      /is not a VM resource id: it has a '\.' segment/,
    ],
    ['rg/', /is not a VM name/],
    ['rg./vm', /is not a resource group name/],
    ['a/b/c', /give a name, resource-group\/name, or a resource id/],
    [
      `/subscriptions/${SUB_A}/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic`,
      /is not a VM resource id/,
    ],
    [
      `/subscriptions/${SUB_A}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/extensions/x`,
      /is not a VM resource id/,
    ],
    [
      '/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm',
      /is not a subscription id/,
    ],
  ])('refuses %j', (target, message) => {
    let error: unknown;
    try {
      parseTarget(target);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TargetError);
    expect((error as TargetError).code).toBe('invalid-target');
    expect((error as TargetError).message).toMatch(message);
  });
});

describe('resolveVm', () => {
  it('finds a bare name across the configured subscriptions, ignoring case', async () => {
    const fake = replay([
      listAll(SUB_A, [vm(SUB_A, 'rg-prod', 'vm-db-01')]),
      listAll(SUB_B, [vm(SUB_B, 'RG-WEB', 'VM-WEB-01', 'West Europe')]),
    ]);
    expect(await resolveVm(fake.clients, 'vm-web-01', [SUB_A, SUB_B])).toEqual({
      id: `/subscriptions/${SUB_B}/resourceGroups/RG-WEB/providers/Microsoft.Compute/virtualMachines/VM-WEB-01`,
      name: 'VM-WEB-01',
      resourceGroup: 'RG-WEB',
      subscriptionId: SUB_B,
      location: 'West Europe',
    });
  });

  it('lists a subscription once for names asked for at the same time, and one asker giving up fails no other', async () => {
    const fake = replay([listAll(SUB_A, [vm(SUB_A, 'rg', 'vm-a'), vm(SUB_A, 'rg', 'vm-b')])]);
    const lists = () =>
      fake.sent.filter((r) => r.method === 'GET' && /\/virtualMachines$/i.test(r.url.pathname)).length;
    const gaveUp = new AbortController();
    const asks = [
      resolveVm(fake.clients, 'vm-a', [SUB_A]),
      resolveVm(fake.clients, 'vm-b', [SUB_A], gaveUp.signal),
      resolveVm(fake.clients, 'VM-B', [SUB_A]),
    ];
    gaveUp.abort();
    const [a, abandoned, b] = await Promise.allSettled(asks);
    expect(a).toMatchObject({ status: 'fulfilled', value: { name: 'vm-a' } });
    expect(abandoned).toMatchObject({ status: 'rejected', reason: { name: 'AbortError' } });
    expect(b).toMatchObject({ status: 'fulfilled', value: { name: 'vm-b' } });
    expect(lists()).toBe(1);
    // Nothing is kept once the list is answered: the next name is looked up afresh.
    await resolveVm(fake.clients, 'vm-a', [SUB_A]);
    expect(lists()).toBe(2);
  });

  it('returns every candidate when a name is ambiguous', async () => {
    const fake = replay([
      listAll(SUB_A, [vm(SUB_A, 'rg-prod', 'web'), vm(SUB_A, 'rg-test', 'web')]),
      listAll(SUB_B, [vm(SUB_B, 'rg-dr', 'web')]),
    ]);
    const error = await targetError(resolveVm(fake.clients, 'web', [SUB_A, SUB_B]));
    expect(error.code).toBe('ambiguous-vm');
    expect(error.candidates.map((c) => [c.subscriptionId, c.resourceGroup, c.name])).toEqual([
      [SUB_A, 'rg-prod', 'web'],
      [SUB_A, 'rg-test', 'web'],
      [SUB_B, 'rg-dr', 'web'],
    ]);
    expect(error.message).toMatch(
      /^3 VMs are named web: rg-prod\/web \(subscription .*\)\. Name one as resource-group\/name or by resource id$/,
    );
  });

  it('says which subscriptions it searched when nothing matches', async () => {
    const fake = replay([listAll(SUB_A, [])]);
    const error = await targetError(resolveVm(fake.clients, 'ghost', [SUB_A]));
    expect(error.code).toBe('vm-not-found');
    expect(error.message).toBe(
      'rdp-doctor cannot see a VM named ghost in its subscriptions. If the VM exists, ask whoever runs rdp-doctor to add its subscription.',
    );
    expect(error.message).not.toMatch(/AZURE_/);
    expect(error.adminDetail).toMatch(
      new RegExp(`searched subscriptions: ${SUB_A}; .*AZURE_SUBSCRIPTION_IDS`),
    );
  });

  it('suggests at most three of the closest names it can see, nearest first, across subscriptions', async () => {
    const fake = replay([
      listAll(SUB_A, [
        vm(SUB_A, 'rg-prod', 'vm-web-01'),
        vm(SUB_A, 'rg-prod', 'vm-web-02'),
        vm(SUB_A, 'rg-prod', 'vm-db-01'),
        vm(SUB_A, 'rg-prod', 'jumpbox'),
      ]),
      listAll(SUB_B, [vm(SUB_B, 'rg-dr', 'vm-web-11')]),
    ]);
    const error = await targetError(resolveVm(fake.clients, 'vm-webb-01', [SUB_A, SUB_B]));
    expect(error.code).toBe('vm-not-found');
    expect(error.suggestions.map((c) => [c.subscriptionId, c.name])).toEqual([
      [SUB_A, 'vm-web-01'],
      [SUB_A, 'vm-web-02'],
      [SUB_B, 'vm-web-11'],
    ]);
    expect(error.message).toMatch(/Did you mean vm-web-01, vm-web-02, vm-web-11\?/);
  });

  it('suggests nothing that is not near enough to be a typo', () => {
    const seen = [vmIdentity('jumpbox'), vmIdentity('sql-01')];
    expect(closestVms('vm-web-01', seen)).toEqual([]);
    expect(closestVms('SQL-02', seen).map((v) => v.name)).toEqual(['sql-01']);
  });

  it('finds rg/name in the one subscription that has it', async () => {
    const fake = replay([get(SUB_B, 'rg-prod', 'vm-web-01')]);
    const identity = await resolveVm(fake.clients, 'rg-prod/vm-web-01', [SUB_A, SUB_B]);
    expect([identity.subscriptionId, identity.resourceGroup, identity.name]).toEqual([
      SUB_B,
      'rg-prod',
      'vm-web-01',
    ]);
  });

  it('reads a resource id in a configured subscription', async () => {
    const fake = replay([get(SUB_A, 'rg-prod', 'vm-web-01')]);
    const id = `/subscriptions/${SUB_A}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm-web-01`;
    expect((await resolveVm(fake.clients, id, [SUB_A])).id).toBe(id);
    expect(fake.sent).toHaveLength(1);
  });

  it('refuses a resource id in a subscription it was not given, without asking Azure', async () => {
    const fake = replay([get(OTHER, 'rg-prod', 'vm-web-01')]);
    const id = `/subscriptions/${OTHER}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm-web-01`;
    const error = await targetError(resolveVm(fake.clients, id, [SUB_A, SUB_B]));
    expect(error.code).toBe('subscription-not-allowed');
    expect(error.message).toMatch(/ask whoever runs rdp-doctor to add it$/);
    expect(error.adminDetail).toMatch(/AZURE_SUBSCRIPTION_IDS/);
    expect(fake.sent).toHaveLength(0);
  });

  // The SDK's paging keeps ARM's error code of a list that fails but not its message.
  it('passes on the status and ARM code when Azure could not answer, with what to do', async () => {
    const fake = replay([
      {
        method: 'GET',
        path: `/subscriptions/${SUB_A}/providers/Microsoft.Compute/virtualMachines`,
        status: 403,
        body: { error: { code: 'AuthorizationFailed', message: 'The client does not have authorization.' } },
      },
    ]);
    await expect(resolveVm(fake.clients, 'vm-web-01', [SUB_A])).rejects.toThrow(
      /^Compute answered 403 AuthorizationFailed; the identity rdp-doctor runs as lacks a role/,
    );
  });
});
