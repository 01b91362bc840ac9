import { parseResourceId } from '../../src/azure/resource-id';

// A resource id with an empty, `.` or `..` segment names nothing: URL resolution would drop or collapse the
// segment and the request would reach another resource, so such an id does not parse.

const NIC =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces';

test.each([`${NIC}/..`, `${NIC}/.`, `${NIC}/nic/ipConfigurations/..`, `${NIC}//nic`])('refuses %s', (id) => {
  expect(parseResourceId(id)).toBeNull();
});

test('reads a well-formed id with children', () => {
  expect(parseResourceId(`${NIC}/nic.1/ipConfigurations/ipconfig1`)).toMatchObject({
    resourceGroup: 'rg',
    type: 'Microsoft.Network/networkInterfaces',
    name: 'nic.1',
    children: [['ipConfigurations', 'ipconfig1']],
  });
});
