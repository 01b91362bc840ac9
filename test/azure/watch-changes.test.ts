import fs from 'node:fs';
import path from 'node:path';
import { readChanges } from '../../src/azure/watch-changes';
import { SUBSCRIPTION, replay } from './arm-replay';

// The watch's activity-log read, through the real SDK client: the whole subscription, and, where the
// identity may read only its own resource groups (ARM answers 403 for the subscription's log), those
// groups one by one. Events are GetActivityLogsFiltered.json's (2015-04-01), as stored.

const EXAMPLE = path.join(
  __dirname,
  '../fixtures/rest-specs/specification/monitor/resource-manager/Microsoft.Insights/stable/2015-04-01/examples/GetActivityLogsFiltered.json',
);
const logPath = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Insights/eventtypes/management/values`;
// The example's one event on a rule (its `resourceId`, which the model has and the example leaves out, set
// to an NSG rule), without its placeholder nextLink.
const example = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as {
  responses: { 200: { body: { value: Record<string, unknown>[] } } };
};
const RULE_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-hub/providers/Microsoft.Network/networkSecurityGroups/nsg-hub/securityRules/Deny-RDP`;
const events = {
  value: example.responses[200].body.value.map((event) => ({ ...event, resourceId: RULE_ID })),
};
const forbidden = {
  error: {
    code: 'AuthorizationFailed',
    message: `The client 'rdp-doctor' does not have authorization to perform action 'Microsoft.Insights/eventtypes/values/read' over scope '/subscriptions/${SUBSCRIPTION}'.`,
  },
};
const since = new Date('2015-01-21T00:00:00Z');
const until = new Date('2015-01-22T00:00:00Z');

describe('readChanges', () => {
  it("reads the whole subscription's log, not only the watched groups", async () => {
    const arm = replay([{ method: 'GET', path: logPath, body: events }]);
    const read = await readChanges(arm.clients, [SUBSCRIPTION], ['rg-web'], since, until);
    expect(read.changes).toEqual([
      expect.objectContaining({
        caller: 'admin@contoso.com',
        resourceId: RULE_ID,
        time: '2015-01-21T22:14:26.979Z',
      }),
    ]);
    expect(arm.sent).toHaveLength(1);
    expect(arm.sent[0].url.searchParams.get('$filter')).not.toContain('resourceGroupName');
  });

  it('falls back to the watched groups one by one when the subscription’s log is forbidden', async () => {
    const arm = replay([
      { method: 'GET', path: logPath, query: { $filter: /resourceGroupName eq 'rg-web'/ }, body: events },
      {
        method: 'GET',
        path: logPath,
        query: { $filter: /resourceGroupName eq 'rg-data'/ },
        body: { value: [] },
      },
      { method: 'GET', path: logPath, status: 403, body: forbidden },
    ]);
    const read = await readChanges(arm.clients, [SUBSCRIPTION], ['rg-web', 'rg-data'], since, until);
    expect(read.changes.map((change) => change.caller)).toEqual(['admin@contoso.com']);
    expect(
      arm.sent.map(
        (request) =>
          /resourceGroupName eq '([^']+)'/.exec(request.url.searchParams.get('$filter') ?? '')?.[1] ??
          'whole',
      ),
    ).toEqual(['whole', 'rg-web', 'rg-data']);
    expect(read.calls).toBe(3);
  });

  it('says the 403 when the watch has no groups of its own to fall back to', async () => {
    const arm = replay([{ method: 'GET', path: logPath, status: 403, body: forbidden }]);
    await expect(readChanges(arm.clients, [SUBSCRIPTION], [], since, until)).rejects.toThrow(
      /AuthorizationFailed|authorization/,
    );
  });
});
