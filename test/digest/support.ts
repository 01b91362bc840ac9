import type { JitRow, MachineRow, NetworkRow, RouteRow, SecurityRuleRow } from '../../src/azure/fleet-rows';
import { fleetJoiner } from '../../src/digest/inventory';
import type { FleetMachine } from '../../src/digest/machine';
import type { RiskContext, RiskFinding, RiskRule } from '../../src/digest/risk';
import type { MetricSeries } from '../../src/diagnosis/facts';

// Fleet machines built the way the inventory builds them: Resource Graph rows through the real join.

export const NOW = '2026-03-04T09:00:00.000Z';
export const SUB = '00000000-0000-0000-0000-000000000001';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-web`;
export const VM_ID = `${RG}/providers/Microsoft.Compute/virtualMachines/vm-web-01`;
export const VNET_ID = `${RG}/providers/Microsoft.Network/virtualNetworks/vnet-web`;
export const SUBNET_ID = `${VNET_ID}/subnets/snet-app`;
export const NIC_NSG_ID =
  `${RG}/providers/Microsoft.Network/networkSecurityGroups/vm-web-01-nsg`.toLowerCase();
export const SUBNET_NSG_ID =
  `${RG}/providers/Microsoft.Network/networkSecurityGroups/snet-app-nsg`.toLowerCase();
export const OFFICE = '203.0.113.0/24';
export const ROUTE_TABLE_ID = `${RG}/providers/Microsoft.Network/routeTables/rt-web`.toLowerCase();

export function ruleRow(rule: {
  name: string;
  priority: number;
  access: 'Allow' | 'Deny';
  source: string | string[];
  port: string;
  protocol?: string;
  direction?: 'Inbound' | 'Outbound';
  /** The destination address as written; ARM's rules always carry one. */
  destination?: string;
}): SecurityRuleRow {
  return {
    name: rule.name,
    properties: {
      priority: rule.priority,
      direction: rule.direction ?? 'Inbound',
      access: rule.access,
      protocol: rule.protocol ?? 'Tcp',
      ...(Array.isArray(rule.source)
        ? { sourceAddressPrefixes: rule.source }
        : { sourceAddressPrefix: rule.source }),
      destinationAddressPrefix: rule.destination ?? '*',
      destinationPortRange: rule.port,
    },
  };
}

export const officeRdp = () =>
  ruleRow({ name: 'Allow-RDP-FromOffice', priority: 300, access: 'Allow', source: OFFICE, port: '3389' });

/** A running Windows VM in the guide's baseline: no public IP, RDP from the office range only. */
export function healthyRow(): MachineRow {
  return {
    id: VM_ID,
    name: 'vm-web-01',
    resourceGroup: 'rg-web',
    subscriptionId: SUB,
    location: 'westeurope',
    tags: {},
    osType: 'Windows',
    powerState: 'PowerState/running',
    bootDiagnostics: true,
    nicId: `${RG}/providers/Microsoft.Network/networkInterfaces/vm-web-01-nic`.toLowerCase(),
    privateIp: '10.1.0.4',
    subnetId: SUBNET_ID,
    nicNsgId: NIC_NSG_ID,
    nicNsgRules: [officeRdp()],
    publicIpId: '',
    publicIpName: '',
    publicIpAddress: '',
    publicIpAllocation: '',
    publicIpFqdn: '',
  };
}

export function withPublicIp(row: MachineRow, allocation: 'Static' | 'Dynamic' = 'Static'): MachineRow {
  return {
    ...row,
    publicIpId: `${RG}/providers/Microsoft.Network/publicIPAddresses/vm-web-01-pip`.toLowerCase(),
    publicIpName: 'vm-web-01-pip',
    publicIpAddress: '198.51.100.20',
    publicIpAllocation: allocation,
  };
}

export interface Surroundings {
  subnetNsgRules?: SecurityRuleRow[];
  bastion?: boolean;
  jitPorts?: number[];
  /** The routes of the subnet's route table (ROUTE_TABLE_ID); none attached when absent. */
  routes?: RouteRow[];
  /** What the machine's instance view says of its agent; a running machine's is ready unless given. */
  agent?: FleetMachine['agent'];
}

const READY_AGENT: FleetMachine['agent'] = {
  status: 'ready',
  message: 'GuestAgent is running and processing the extensions.',
};

export function machineFrom(row: MachineRow, around: Surroundings = {}): FleetMachine {
  const network: NetworkRow[] = [
    {
      kind: 'subnet',
      id: SUBNET_ID.toLowerCase(),
      vnetId: VNET_ID.toLowerCase(),
      addressPrefixes: ['10.1.0.0/16'],
      nsgId: around.subnetNsgRules ? SUBNET_NSG_ID : '',
      routeTableId: around.routes ? ROUTE_TABLE_ID : '',
    },
  ];
  if (around.routes) network.push({ kind: 'route-table', id: ROUTE_TABLE_ID, routes: around.routes });
  if (around.subnetNsgRules)
    network.push({ kind: 'subnet-nsg', id: SUBNET_NSG_ID, rules: around.subnetNsgRules });
  if (around.bastion) {
    network.push({
      kind: 'bastion',
      id: `${RG}/providers/microsoft.network/bastionhosts/bas-web`,
      name: 'bas-web',
      vnetId: VNET_ID.toLowerCase(),
    });
  }
  const jit: JitRow[] = around.jitPorts
    ? [{ id: VM_ID.toLowerCase(), ports: around.jitPorts.map((number) => ({ number })) }]
    : [];
  const machine = fleetJoiner(network, jit)(row);
  return {
    ...machine,
    agent: around.agent ?? (machine.powerState === 'running' ? READY_AGENT : machine.agent),
  };
}

export const healthyMachine = () => machineFrom(healthyRow());

export const CONTEXT: RiskContext = { now: NOW, previous: null };

/** An hourly series over the last day, oldest first. */
export function hourly(name: string, values: (number | null)[]): MetricSeries {
  const end = Date.parse(NOW);
  return {
    name,
    unit: name.includes('Bytes') ? 'Bytes' : 'Percent',
    points: values.map((average, i) => ({
      time: new Date(end - (values.length - i) * 3_600_000).toISOString(),
      average,
    })),
  };
}

export interface FiringCase {
  name: string;
  machine: FleetMachine;
  context?: RiskContext;
  /** Substrings the evidence must hold, each in some line. */
  evidence: string[];
  fix?: RiskFinding['fix'];
  advice?: string;
}

export interface QuietCase {
  name: string;
  machine: FleetMachine;
  context?: RiskContext;
}

/** The risk rule's twin: machines that must trip it, with the evidence they must show, and machines that must not. */
export function testRiskRule(rule: RiskRule, table: { fires: FiringCase[]; quiet: QuietCase[] }): void {
  describe(rule.id, () => {
    it.each(table.fires)('fires: $name', (row) => {
      const detection = rule.detect(row.machine, row.context ?? CONTEXT);
      expect(detection).not.toBeNull();
      if (!detection) return;
      for (const text of row.evidence) {
        expect(detection.evidence).toEqual(expect.arrayContaining([expect.stringContaining(text)]));
      }
      expect(detection.fix ?? null).toBe(row.fix ?? null);
      expect(detection.fix !== undefined || detection.advice !== undefined).toBe(true);
      if (row.advice !== undefined) expect(detection.advice).toContain(row.advice);
    });

    it.each(table.quiet)('stays quiet: $name', (row) => {
      expect(rule.detect(row.machine, row.context ?? CONTEXT)).toBeNull();
    });
  });
}
