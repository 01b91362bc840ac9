import { API_VERSIONS } from '../arm/api-versions';
import { badRequest, objectBody, ok } from '../arm/respond';
import type { Route, RouteContext } from '../arm/router';
import { instanceViewJson, vmJson } from '../views/compute';
import { nicJson, nsgJson, publicIpJson } from '../views/network';
import type { ArmResource, World } from '../world';

// Azure Resource Graph (POST /providers/Microsoft.ResourceGraph/resources), minimally: it understands the
// `type =~ '…'` / `type in~ (…)` filters of a `Resources` query and answers every other clause with the
// unfiltered rows, in ARG's objectArray shape with `$skipToken` paging. Enough for a fleet inventory.

interface Row {
  resource: ArmResource;
  type: string;
  properties: unknown;
}

function rows(world: World): Row[] {
  const now = world.now();
  return [
    ...[...world.vms.values()].map((vm) => {
      const properties = vmJson(vm).properties;
      const powerState = instanceViewJson(vm, now).statuses[1];
      return {
        resource: vm,
        type: 'microsoft.compute/virtualmachines',
        properties: { ...properties, extended: { instanceView: { powerState } } },
      };
    }),
    ...[...world.nics.values()].map((nic) => ({
      resource: nic,
      type: 'microsoft.network/networkinterfaces',
      properties: nicJson(world, nic).properties,
    })),
    ...[...world.nsgs.values()].map((nsg) => ({
      resource: nsg,
      type: 'microsoft.network/networksecuritygroups',
      properties: nsgJson(world, nsg).properties,
    })),
    ...[...world.publicIps.values()].map((ip) => ({
      resource: ip,
      type: 'microsoft.network/publicipaddresses',
      properties: publicIpJson(ip).properties,
    })),
  ];
}

/** The resource types a query's `type =~ 'x'`, `type == 'x'` or `type in~ ('x', 'y')` clauses name. */
function typesIn(query: string): string[] {
  const single = [...query.matchAll(/\btype\s*(?:=~|==)\s*['"]([^'"]+)['"]/gi)].map((m) => m[1]);
  const lists = [...query.matchAll(/\btype\s+in~?\s*\(([^)]*)\)/gi)].flatMap((m) =>
    [...m[1].matchAll(/['"]([^'"]+)['"]/g)].map((item) => item[1]),
  );
  return [...single, ...lists].map((type) => type.toLowerCase());
}

function query(ctx: RouteContext) {
  const body = objectBody(ctx.body);
  if (typeof body.query !== 'string' || body.query.trim() === '') {
    throw badRequest('BadRequest', 'The request needs a query.');
  }
  const options = body.options === undefined ? {} : objectBody(body.options);
  if (options.resultFormat === 'table') {
    throw badRequest('BadRequest', "The sandbox's Resource Graph answers in resultFormat objectArray only.");
  }
  const subscriptions = Array.isArray(body.subscriptions)
    ? body.subscriptions.map((id) => String(id).toLowerCase())
    : ctx.world.subscriptionIds.map((id) => id.toLowerCase());
  const types = typesIn(body.query);
  const data = rows(ctx.world)
    .filter((row) => subscriptions.includes(row.resource.subscriptionId.toLowerCase()))
    .filter((row) => types.length === 0 || types.includes(row.type))
    .map(({ resource, type, properties }) => ({
      id: resource.id,
      name: resource.name,
      type,
      tenantId: ctx.world.tenantId,
      kind: '',
      location: resource.location,
      resourceGroup: resource.resourceGroup.toLowerCase(),
      subscriptionId: resource.subscriptionId,
      managedBy: '',
      sku: null,
      plan: null,
      properties,
      tags: {},
      identity: null,
      zones: null,
      extendedLocation: null,
    }));
  const top = Math.min(1000, Number(options.$top ?? 100) || 100);
  const token =
    typeof options.$skipToken === 'string'
      ? Number(Buffer.from(options.$skipToken, 'base64url').toString())
      : 0;
  // A continuation token carries the position; $skip only applies to the first page.
  const offset = token || Number(options.$skip ?? 0) || 0;
  const pageRows = data.slice(offset, offset + top);
  const more = offset + top < data.length;
  return ok({
    totalRecords: data.length,
    count: pageRows.length,
    resultTruncated: 'false',
    ...(more ? { $skipToken: Buffer.from(String(offset + top)).toString('base64url') } : {}),
    data: pageRows,
    facets: [],
  });
}

export const resourceGraphRoutes: Route[] = [
  {
    method: 'POST',
    path: '/providers/Microsoft.ResourceGraph/resources',
    apiVersions: API_VERSIONS.resourceGraph,
    handle: query,
  },
];
