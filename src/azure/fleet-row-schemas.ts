import { z } from 'zod';
import type { MachineRow, NetworkRow } from './fleet-rows';
import { AzureCallError } from './errors';

// The rows the fleet queries project, checked at the edge: a row of another shape (a renamed column,
// a query edited out of step with the join) stops the inventory with the column it lacks, instead of a
// TypeError deep inside the join.

const securityRule = z.object({
  name: z.string(),
  properties: z.object({
    priority: z.number(),
    direction: z.string(),
    access: z.string(),
    protocol: z.string(),
    sourceAddressPrefix: z.string().optional(),
    sourceAddressPrefixes: z.array(z.string()).optional(),
    destinationAddressPrefix: z.string().optional(),
    destinationAddressPrefixes: z.array(z.string()).optional(),
    destinationPortRange: z.string().optional(),
    destinationPortRanges: z.array(z.string()).optional(),
  }),
});

const rules = z.array(securityRule).nullable();

const machineRow = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  resourceGroup: z.string(),
  subscriptionId: z.string(),
  location: z.string(),
  tags: z.record(z.string(), z.string()).nullable(),
  osType: z.string(),
  powerState: z.string(),
  bootDiagnostics: z.boolean().nullable(),
  nicId: z.string(),
  privateIp: z.string(),
  subnetId: z.string(),
  nicNsgId: z.string(),
  nicNsgRules: rules,
  publicIpId: z.string(),
  publicIpName: z.string(),
  publicIpAddress: z.string(),
  publicIpAllocation: z.string(),
  publicIpFqdn: z.string(),
}) satisfies z.ZodType<MachineRow>;

const networkRow = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('subnet'),
    id: z.string().min(1),
    vnetId: z.string(),
    addressPrefixes: z.array(z.string()).nullable(),
    nsgId: z.string(),
    routeTableId: z.string().optional(),
    subnetCount: z.number().nullable().optional(),
  }),
  z.object({ kind: z.literal('subnet-nsg'), id: z.string().min(1), rules }),
  z.object({
    kind: z.literal('route-table'),
    id: z.string().min(1),
    routes: z
      .array(
        z.object({
          name: z.string(),
          properties: z.object({
            addressPrefix: z.string(),
            nextHopType: z.string(),
            nextHopIpAddress: z.string().optional(),
          }),
        }),
      )
      .nullable(),
  }),
  z.object({ kind: z.literal('bastion'), id: z.string().min(1), name: z.string(), vnetId: z.string() }),
]) satisfies z.ZodType<NetworkRow>;

export const FLEET_ROWS = { machines: machineRow, network: networkRow } as const;

export type FleetQuery = keyof typeof FLEET_ROWS;
export type FleetRow<K extends FleetQuery> = z.output<(typeof FLEET_ROWS)[K]>;

function describeIssue(issue: z.core.$ZodIssue, row: unknown): string {
  const column = issue.path.map(String).join('.') || 'the row';
  const record = row && typeof row === 'object' ? (row as Record<string, unknown>) : {};
  const top = issue.path[0];
  const missing = top !== undefined && !(String(top) in record);
  return missing ? `has no column ${column}` : `has ${column} of the wrong shape (${issue.message})`;
}

/**
 * The rows of one fleet query, each checked against the columns the join reads. Throws an AzureCallError
 * that names the query, the row and the column, so the digest's failure message can say it.
 */
export function parseFleetRows<K extends FleetQuery>(query: K, rows: readonly unknown[]): FleetRow<K>[] {
  // TypeScript cannot narrow the union of schemas by a generic key; the table pairs them by construction.
  const schema = FLEET_ROWS[query] as unknown as z.ZodType<FleetRow<K>>;
  return rows.map((row, index) => {
    const parsed = schema.safeParse(row);
    if (parsed.success) return parsed.data;
    const id =
      row && typeof row === 'object' && 'id' in row ? ` (${String((row as { id: unknown }).id)})` : '';
    throw new AzureCallError(
      `Azure Resource Graph answered the fleet ${query} query with a row that ${describeIssue(parsed.error.issues[0], row)}: ` +
        `row ${index + 1}${id}. The inventory cannot be read until the query and the join agree.`,
      null,
      'UnexpectedRow',
    );
  });
}
