import { API_VERSIONS } from '../arm/api-versions';
import { badRequest, ok } from '../arm/respond';
import type { Route, RouteContext } from '../arm/router';
import { parseResourceId } from '../ids';
import type { ActivityRecord, World } from '../world';
import { page } from './lookup';

// The activity log (GET …/providers/Microsoft.Insights/eventtypes/management/values, 2015-04-01): events
// newest first, filtered by the `$filter` grammar the API documents (an `eventTimestamp ge` bound is
// required; `resourceUri`, `resourceGroupName`, `resourceProvider` and `correlationId` narrow it), with
// `$select` projecting top-level fields.

const OPERATION_NAMES: Record<string, string> = {
  'Microsoft.Network/networkSecurityGroups/securityRules/write': 'Create or Update Security Rule',
  'Microsoft.Network/networkSecurityGroups/securityRules/delete': 'Delete Security Rule',
  'Microsoft.Network/routeTables/routes/write': 'Create or Update Route',
  'Microsoft.Network/virtualNetworks/subnets/write': 'Create or Update Subnet',
  'Microsoft.Network/networkInterfaces/write': 'Create or Update Network Interface',
  'Microsoft.Network/publicIPAddresses/delete': 'Delete Public Ip Address',
  'Microsoft.Network/publicIPAddresses/write': 'Create or Update Public Ip Address',
  'Microsoft.Compute/virtualMachines/start/action': 'Start Virtual Machine',
  'Microsoft.Compute/virtualMachines/restart/action': 'Restart Virtual Machine',
  'Microsoft.Compute/virtualMachines/powerOff/action': 'Power Off Virtual Machine',
  'Microsoft.Compute/virtualMachines/deallocate/action': 'Deallocate Virtual Machine',
  'Microsoft.Compute/virtualMachines/extensions/write': 'Create or Update Virtual Machine Extension',
  'Microsoft.Security/locations/jitNetworkAccessPolicies/initiate/action':
    'Initiate JIT Network Access Policy',
};

const localized = (value: string, localizedValue = value) => ({ value, localizedValue });

function eventJson(world: World, record: ActivityRecord) {
  const parsed = parseResourceId(record.resourceId);
  const provider = record.operationName.split('/')[0];
  const ticks = BigInt(record.time) * 10_000n + 621_355_968_000_000_000n;
  return {
    authorization: { action: record.operationName, scope: record.resourceId },
    caller: record.caller,
    channels: 'Operation',
    correlationId: record.correlationId,
    description: '',
    eventDataId: record.eventDataId,
    eventName: localized('EndRequest', 'End request'),
    category: localized('Administrative'),
    httpRequest: {
      clientRequestId: record.correlationId,
      clientIpAddress: '203.0.113.77',
      method: record.httpMethod,
    },
    id: `${record.resourceId}/events/${record.eventDataId}/ticks/${ticks}`,
    level: 'Informational',
    resourceGroupName: parsed?.resourceGroup ?? '',
    resourceProviderName: localized(provider),
    resourceId: record.resourceId,
    resourceType: localized(record.operationName.split('/').slice(0, -1).join('/')),
    operationId: record.correlationId,
    operationName: localized(record.operationName, OPERATION_NAMES[record.operationName]),
    properties: { statusCode: record.httpMethod === 'PUT' ? 'Created' : 'OK' },
    status: localized(record.status),
    subStatus: localized(''),
    eventTimestamp: new Date(record.time).toISOString(),
    submissionTimestamp: new Date(record.time + 15_000).toISOString(),
    subscriptionId: parsed?.subscriptionId ?? '',
    tenantId: world.tenantId,
  };
}

type Clause = { field: string; operator: string; value: string };

function parseFilter(filter: string | null): Clause[] {
  const example = "eventTimestamp ge '2026-01-01T00:00:00Z' and resourceUri eq '/subscriptions/…'";
  if (!filter) {
    throw badRequest('BadRequest', `The $filter query parameter is required, for example: ${example}.`);
  }
  const clauses = filter.split(/\s+and\s+/i).map((text) => {
    const match = /^\s*(\w+)\s+(eq|ge|le|gt|lt)\s+'([^']*)'\s*$/i.exec(text);
    if (!match) {
      throw badRequest(
        'BadRequest',
        `The $filter clause "${text}" is not valid; expected for example: ${example}.`,
      );
    }
    return { field: match[1].toLowerCase(), operator: match[2].toLowerCase(), value: match[3] };
  });
  if (!clauses.some((c) => c.field === 'eventtimestamp' && (c.operator === 'ge' || c.operator === 'gt'))) {
    throw badRequest(
      'BadRequest',
      `The $filter must bound eventTimestamp from below, for example: ${example}.`,
    );
  }
  return clauses;
}

function matches(record: ActivityRecord, clause: Clause): boolean {
  const same = (a: string) => a.toLowerCase() === clause.value.toLowerCase();
  switch (clause.field) {
    case 'eventtimestamp': {
      const difference = record.time - Date.parse(clause.value);
      if (clause.operator === 'ge') return difference >= 0;
      if (clause.operator === 'gt') return difference > 0;
      if (clause.operator === 'le') return difference <= 0;
      if (clause.operator === 'lt') return difference < 0;
      return difference === 0;
    }
    case 'resourceuri':
    case 'resourceid':
      return same(record.resourceId);
    case 'resourcegroupname':
      return same(parseResourceId(record.resourceId)?.resourceGroup ?? '');
    case 'resourceprovider':
      return same(record.operationName.split('/')[0]);
    case 'correlationid':
      return same(record.correlationId);
    default:
      throw badRequest(
        'BadRequest',
        `The $filter field '${clause.field}' is not supported by the activity log.`,
      );
  }
}

function listEvents(ctx: RouteContext) {
  const clauses = parseFilter(ctx.query.get('$filter'));
  const subscription = ctx.params.subscriptionId.toLowerCase();
  const selected = ctx.query
    .get('$select')
    ?.split(',')
    .map((field) => field.trim());
  const events = ctx.world.activity
    .filter((record) => parseResourceId(record.resourceId)?.subscriptionId.toLowerCase() === subscription)
    .filter((record) => clauses.every((clause) => matches(record, clause)))
    .sort((a, b) => b.time - a.time)
    .map((record) => eventJson(ctx.world, record))
    .map((event) =>
      selected ? Object.fromEntries(Object.entries(event).filter(([key]) => selected.includes(key))) : event,
    );
  return ok(page(ctx, events));
}

export const activityLogRoutes: Route[] = [
  {
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/providers/Microsoft.Insights/eventtypes/management/values',
    apiVersions: API_VERSIONS.activityLog,
    handle: listEvents,
  },
];
