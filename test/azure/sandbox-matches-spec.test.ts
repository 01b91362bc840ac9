import fs from 'node:fs';
import path from 'node:path';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { AzureClients } from '../../src/azure/clients';
import { azureFleetReader } from '../../src/azure/fleet';
import { readChanges } from '../../src/azure/watch-changes';
import type { CauseId, FixId } from '../../src/diagnosis/ids';
import { fleetJoiner } from '../../src/digest/inventory';
import { HEALTHY_VM, scenarios } from '@rdp-doctor/azure-sandbox/scenarios';
import { diagnoseScenario, executeFix } from '../sandbox/drive';
import { startHarness, type Harness } from '../sandbox/harness';

// The sandbox cannot drift from Azure without a failing test. Every operation of the REST specs' index
// whose example answers with a body is asked of the sandbox the way the product asks it: its fixes, its
// diagnosis of the healthy machine and of every cause machine, the fleet reader and the change watch, all
// through the real SDK clients, whose wire bodies are recorded (a long-running operation's answer is the
// final body the SDK fetches). Each answer's shape is held to the example's:
// (a) a key path both have holds the same JSON type (null only where the example has null);
// (b) a key path only the sandbox answers is listed below with the spec's reason, and its type;
// (c) every key path the product reads is in the example or listed.
// Arrays compare as the union of their elements' shapes. A listing nothing uses any more fails too.

const FIXTURES = path.join(__dirname, '../fixtures/rest-specs');

interface IndexEntry {
  operationId: string;
  method: string;
  pathTemplate: string;
  specPath: string;
}

const INDEX = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'index.json'), 'utf8')) as IndexEntry[];

// ---------- shapes ----------

type Kind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';
/** Key path (`properties.ipConfigurations[].properties.subnet.id`) → the JSON kinds found there. */
type Shape = Map<string, Set<Kind>>;

function kindOf(value: unknown): Kind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as Kind;
}

interface ShapeOptions {
  /** Key paths of objects whose keys are names (tags), all spelled `*`. */
  maps?: readonly string[];
  /** Key paths of free-form JSON the spec does not model (extension settings): not looked into. */
  opaque?: readonly string[];
}

/** Every key path of `value`, the root as `''`. */
function shapeOf(value: unknown, options: ShapeOptions = {}, at = '', into: Shape = new Map()): Shape {
  const kind = kindOf(value);
  into.set(at, new Set([...(into.get(at) ?? []), kind]));
  if (options.opaque?.includes(at)) return into;
  if (kind === 'array') for (const item of value as unknown[]) shapeOf(item, options, `${at}[]`, into);
  if (kind === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const name = options.maps?.includes(at) ? '*' : key;
      shapeOf(item, options, at === '' ? name : `${at}.${name}`, into);
    }
  }
  return into;
}

/** `at` followed by the rest of a key path (`.name`, `[]…` or a first key). */
function joinPath(at: string, rest: string): string {
  if (rest === '') return at;
  if (at === '') return rest.replace(/^\./, '');
  return /^[.[]/.test(rest) ? `${at}${rest}` : `${at}.${rest}`;
}

/** Copies the key paths of `from` at and below `fromPath` into `into`, at and below `at`. */
function graft(into: Shape, from: Shape, fromPath: string, at: string): void {
  for (const [key, kinds] of from) {
    const below =
      fromPath === '' ||
      key === fromPath ||
      key.startsWith(`${fromPath}.`) ||
      key.startsWith(`${fromPath}[]`);
    if (!below) continue;
    const target = joinPath(at, key.slice(fromPath.length));
    into.set(target, new Set([...(into.get(target) ?? []), ...kinds]));
  }
}

// ---------- the examples ----------

function entryOf(operationId: string): IndexEntry {
  const entry = INDEX.find((e) => e.operationId === operationId);
  if (!entry) throw new Error(`no operation ${operationId} in the index`);
  return entry;
}

function exampleFile(specPath: string) {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, specPath), 'utf8')) as {
    responses: Record<string, { body?: unknown }>;
  };
}

/** The example's answer: the first of 200, 201 and 202 with a body (JIT initiate answers 202 with one). */
function exampleBody(entry: IndexEntry): unknown {
  const { responses } = exampleFile(entry.specPath);
  return ['200', '201', '202'].map((status) => responses[status]?.body).find((body) => body !== undefined);
}

// ---------- what Azure answers beyond the examples ----------

/**
 * The JSON kind the spec gives a key path, and why Azure answers it. Shorthands: `string[]` an array of
 * strings; `{id}` a reference (SubResource: an object with an `id`); `{id}[]` an array of references.
 */
type Allowance = [kind: Kind | 'string[]' | '{id}' | '{id}[]', why: string];
type Allowances = Record<string, Allowance>;

interface Expectation extends ShapeOptions {
  /** Parts of other examples answering the same spec model, merged in: [at, operationId, key path there]. */
  sameModel?: [at: string, operationId: string, from: string][];
  /** Key paths the sandbox may answer though the example lacks them. */
  allow?: Allowances;
  /** Key paths the product reads from the answer (src/azure, src/fixes, src/digest). */
  reads: string[];
}

function under(prefix: string, allowances: Allowances): Allowances {
  return Object.fromEntries(Object.entries(allowances).map(([key, value]) => [`${prefix}${key}`, value]));
}

// The spec models' properties the examples leave out, where several operations answer the same model.
const VIRTUAL_MACHINE: Allowances = {
  'properties.storageProfile.osDisk.deleteOption': [
    'string',
    'OSDisk.deleteOption: Azure answers Delete or Detach',
  ],
  'properties.osProfile.windowsConfiguration.patchSettings': ['object', 'WindowsConfiguration.patchSettings'],
  'properties.osProfile.windowsConfiguration.patchSettings.patchMode': ['string', 'PatchSettings.patchMode'],
  'properties.osProfile.linuxConfiguration': [
    'object',
    'OSProfile.linuxConfiguration: the example is Windows',
  ],
  'properties.osProfile.linuxConfiguration.disablePasswordAuthentication': ['boolean', 'LinuxConfiguration'],
  'properties.osProfile.linuxConfiguration.provisionVMAgent': ['boolean', 'LinuxConfiguration'],
  'properties.osProfile.allowExtensionOperations': ['boolean', 'OSProfile.allowExtensionOperations'],
  'properties.osProfile.requireGuestProvisionSignal': ['boolean', 'OSProfile.requireGuestProvisionSignal'],
  'properties.networkProfile.networkInterfaces[].properties': [
    'object',
    'NetworkInterfaceReference.properties',
  ],
  'properties.networkProfile.networkInterfaces[].properties.primary': [
    'boolean',
    'NetworkInterfaceReferenceProperties.primary: the example omits it',
  ],
};

const SECURITY_RULE: Allowances = {
  type: ['string', 'SecurityRule.type; the examples omit it'],
  'properties.sourceAddressPrefixes': [
    'string[]',
    'SecurityRulePropertiesFormat: ARM answers the plural forms too',
  ],
  'properties.sourcePortRanges': [
    'string[]',
    'SecurityRulePropertiesFormat: ARM answers the plural forms too',
  ],
  'properties.destinationAddressPrefixes': [
    'string[]',
    'SecurityRulePropertiesFormat: ARM answers the plural forms too',
  ],
  'properties.destinationPortRanges': [
    'string[]',
    'SecurityRulePropertiesFormat: ARM answers the plural forms too',
  ],
};

const RULE_READS = [
  'name',
  'properties.priority',
  'properties.access',
  'properties.direction',
  'properties.protocol',
  'properties.sourceAddressPrefix',
  'properties.sourceAddressPrefixes',
  'properties.destinationAddressPrefix',
  'properties.destinationAddressPrefixes',
  'properties.destinationPortRange',
  'properties.destinationPortRanges',
];

const EXPECTATIONS: Record<string, Expectation> = {
  VirtualMachines_Get: {
    // The index's note: the example expands userData; the instance view's model answers in its own example.
    sameModel: [['properties.instanceView', 'VirtualMachines_InstanceView', '']],
    maps: ['tags', 'resources[].tags'],
    opaque: ['resources[].properties.settings'],
    allow: VIRTUAL_MACHINE,
    reads: [
      'id',
      'name',
      'location',
      'properties.storageProfile.osDisk.osType',
      'properties.networkProfile.networkInterfaces[].id',
      'properties.networkProfile.networkInterfaces[].properties.primary',
      'properties.provisioningState',
      'properties.hardwareProfile.vmSize',
      'properties.diagnosticsProfile.bootDiagnostics.enabled',
      'properties.instanceView.statuses[].code',
      'properties.instanceView.vmAgent.vmAgentVersion',
      'properties.instanceView.vmAgent.statuses[].code',
      'properties.instanceView.vmAgent.statuses[].displayStatus',
      'properties.instanceView.vmAgent.statuses[].message',
    ],
  },
  VirtualMachines_ListAll: {
    // VirtualMachineListResult.value holds VirtualMachine, the model Get answers; the list example is minimal.
    sameModel: [['value[]', 'VirtualMachines_Get', '']],
    maps: ['value[].tags', 'value[].resources[].tags'],
    opaque: ['value[].resources[].properties.settings'],
    allow: under('value[].', VIRTUAL_MACHINE),
    reads: ['value[].id', 'value[].name', 'value[].location'],
  },
  VirtualMachines_RetrieveBootDiagnosticsData: {
    reads: ['consoleScreenshotBlobUri', 'serialConsoleLogBlobUri'],
  },
  VirtualMachines_RunCommand: { reads: ['value[].code', 'value[].message'] },
  VirtualMachineExtensions_CreateOrUpdate: {
    // The example is the generated minimum; a VM's `resources` are the same VirtualMachineExtension model.
    sameModel: [['', 'VirtualMachines_Get', 'resources[]']],
    maps: ['tags'],
    opaque: ['properties.settings'],
    reads: [],
  },
  VirtualMachineExtensions_List: {
    opaque: ['value[].properties.settings'],
    maps: ['value[].tags'],
    reads: ['value[].name', 'value[].properties.publisher', 'value[].properties.type'],
  },
  VirtualMachineExtensions_Get: {
    opaque: ['properties.settings'],
    maps: ['tags'],
    reads: [],
  },
  NetworkInterfaces_Get: {
    allow: {
      'properties.ipConfigurations[].type': ['string', 'NetworkInterfaceIPConfiguration.type'],
      'properties.nicType': ['string', 'NetworkInterfacePropertiesFormat.nicType: Standard or Elastic'],
    },
    reads: [
      'id',
      'name',
      'properties.primary',
      'properties.ipConfigurations[].properties.primary',
      'properties.ipConfigurations[].properties.privateIPAddress',
      'properties.ipConfigurations[].properties.subnet.id',
      'properties.ipConfigurations[].properties.publicIPAddress.id',
      'properties.networkSecurityGroup.id',
    ],
  },
  NetworkInterfaces_ListEffectiveNetworkSecurityGroups: {
    allow: {
      'value[].tagMap': [
        'string',
        'EffectiveNetworkSecurityGroup.tagMap: a JSON text mapping tags to prefixes',
      ],
      'value[].effectiveSecurityRules[].expandedSourceAddressPrefix': [
        'string[]',
        'EffectiveNetworkSecurityRule: a rule whose source is a service tag (the example has none)',
      ],
      'value[].effectiveSecurityRules[].sourceAddressPrefixes': ['string[]', 'EffectiveNetworkSecurityRule'],
      'value[].effectiveSecurityRules[].destinationAddressPrefixes': [
        'string[]',
        'EffectiveNetworkSecurityRule',
      ],
      'value[].effectiveSecurityRules[].destinationPortRanges': ['string[]', 'EffectiveNetworkSecurityRule'],
    },
    reads: [
      'value[].networkSecurityGroup.id',
      'value[].association.subnet',
      'value[].association.networkInterface',
      ...[
        'name',
        'priority',
        'access',
        'direction',
        'protocol',
        'sourceAddressPrefix',
        'sourceAddressPrefixes',
        'expandedSourceAddressPrefix',
        'destinationAddressPrefix',
        'destinationAddressPrefixes',
        'expandedDestinationAddressPrefix',
        'destinationPortRange',
        'destinationPortRanges',
      ].map((key) => `value[].effectiveSecurityRules[].${key}`),
    ],
  },
  NetworkInterfaces_GetEffectiveRouteTable: {
    allow: {
      'value[].name': ['string', 'EffectiveRoute.name: a user-defined route names itself'],
      'value[].disableBgpRoutePropagation': ['boolean', 'EffectiveRoute.disableBgpRoutePropagation'],
      'value[].nextHopIpAddress[]': [
        'string',
        "EffectiveRoute.nextHopIpAddress: the example's lists are empty",
      ],
    },
    reads: [
      'value[].source',
      'value[].state',
      'value[].addressPrefix',
      'value[].nextHopType',
      'value[].nextHopIpAddress',
    ],
  },
  NetworkWatchers_ListAll: { reads: ['value[].id', 'value[].name', 'value[].location'] },
  NetworkWatchers_VerifyIPFlow: { reads: ['access', 'ruleName'] },
  NetworkWatchers_GetNextHop: { reads: ['nextHopType', 'nextHopIpAddress', 'routeTableId'] },
  PublicIPAddresses_Get: {
    // The Get example is a Basic dynamic IP; the PUT example answers the same PublicIPAddress model with a SKU.
    sameModel: [['', 'PublicIPAddresses_CreateOrUpdate', '']],
    allow: {
      'properties.ipAddress': [
        'string',
        'PublicIPAddressPropertiesFormat.ipAddress: the examples are unassigned',
      ],
      'properties.dnsSettings': ['object', 'PublicIPAddressPropertiesFormat.dnsSettings'],
      'properties.dnsSettings.domainNameLabel': ['string', 'PublicIPAddressDnsSettings.domainNameLabel'],
      'properties.dnsSettings.fqdn': ['string', 'PublicIPAddressDnsSettings.fqdn'],
    },
    reads: [
      'id',
      'name',
      'sku.name',
      'properties.ipAddress',
      'properties.publicIPAllocationMethod',
      'properties.dnsSettings.fqdn',
    ],
  },
  PublicIPAddresses_CreateOrUpdate: {
    sameModel: [['', 'PublicIPAddresses_Get', '']],
    allow: {
      'properties.ipAddress': [
        'string',
        'PublicIPAddressPropertiesFormat.ipAddress: the example is unassigned',
      ],
    },
    reads: ['properties.ipAddress'],
  },
  SecurityRules_CreateOrUpdate: {
    sameModel: [['', 'NetworkSecurityGroups_Get', 'properties.defaultSecurityRules[]']],
    allow: SECURITY_RULE,
    reads: [],
  },
  SecurityRules_Get: {
    sameModel: [['', 'NetworkSecurityGroups_Get', 'properties.defaultSecurityRules[]']],
    allow: SECURITY_RULE,
    reads: [],
  },
  NetworkSecurityGroups_Get: {
    // Custom and default rules are both SecurityRule.
    sameModel: [
      ['properties.securityRules[]', 'NetworkSecurityGroups_Get', 'properties.defaultSecurityRules[]'],
    ],
    allow: {
      ...under('properties.securityRules[].', SECURITY_RULE),
      ...under('properties.defaultSecurityRules[].', SECURITY_RULE),
      'properties.networkInterfaces': [
        '{id}[]',
        'NetworkSecurityGroupPropertiesFormat.networkInterfaces: the NICs it is on',
      ],
      'properties.subnets': ['{id}[]', 'NetworkSecurityGroupPropertiesFormat.subnets: the subnets it is on'],
    },
    reads: [],
  },
  Subnets_Get: {
    allow: {
      type: ['string', 'Subnet.type'],
      'properties.networkSecurityGroup': [
        '{id}',
        'SubnetPropertiesFormat.networkSecurityGroup: the example has none',
      ],
      'properties.routeTable': ['{id}', 'SubnetPropertiesFormat.routeTable: the example has none'],
      'properties.ipConfigurations': [
        '{id}[]',
        'SubnetPropertiesFormat.ipConfigurations: the NIC IP configurations in it',
      ],
      'properties.delegations': ['array', 'SubnetPropertiesFormat.delegations: [] when none'],
      'properties.privateEndpointNetworkPolicies': ['string', 'SubnetPropertiesFormat'],
      'properties.privateLinkServiceNetworkPolicies': ['string', 'SubnetPropertiesFormat'],
    },
    reads: ['properties.networkSecurityGroup.id'],
  },
  JitNetworkAccessPolicies_ListByResourceGroup: {
    sameModel: [['value[].properties.requests[]', 'JitNetworkAccessPolicies_Initiate', '']],
    allow: {
      'value[].properties.virtualMachines[].ports[].allowedSourceAddressPrefixes': [
        'string[]',
        'JitNetworkAccessPortRule.allowedSourceAddressPrefixes: the example uses the singular form',
      ],
      'value[].properties.requests[].virtualMachines[].ports[].allowedSourceAddressPrefixes': [
        'string[]',
        'JitNetworkAccessRequestPort.allowedSourceAddressPrefixes: the example uses the singular form',
      ],
    },
    reads: [
      'value[].id',
      'value[].name',
      'value[].properties.virtualMachines[].id',
      'value[].properties.virtualMachines[].ports[].number',
      'value[].properties.virtualMachines[].ports[].protocol',
      'value[].properties.virtualMachines[].ports[].allowedSourceAddressPrefix',
      'value[].properties.virtualMachines[].ports[].allowedSourceAddressPrefixes',
      'value[].properties.virtualMachines[].ports[].maxRequestAccessDuration',
      'value[].properties.requests[].startTimeUtc',
      'value[].properties.requests[].requestor',
      'value[].properties.requests[].virtualMachines[].id',
      'value[].properties.requests[].virtualMachines[].ports[].number',
      'value[].properties.requests[].virtualMachines[].ports[].allowedSourceAddressPrefix',
      'value[].properties.requests[].virtualMachines[].ports[].allowedSourceAddressPrefixes',
      'value[].properties.requests[].virtualMachines[].ports[].endTimeUtc',
      'value[].properties.requests[].virtualMachines[].ports[].status',
    ],
  },
  JitNetworkAccessPolicies_List: {
    sameModel: [['value[].properties.requests[]', 'JitNetworkAccessPolicies_Initiate', '']],
    reads: ['value[].properties.virtualMachines[].id', 'value[].properties.virtualMachines[].ports[].number'],
  },
  JitNetworkAccessPolicies_Initiate: { reads: [] },
  Metrics_List: {
    allow: { 'value[].errorCode': ['string', "Metric.errorCode: 'Success' for a metric that answered"] },
    reads: [
      'value[].name.value',
      'value[].unit',
      'value[].timeseries[].data[].timeStamp',
      'value[].timeseries[].data[].average',
    ],
  },
  ActivityLogs_List: {
    allow: { 'value[].resourceId': ['string', 'EventData.resourceId; the example omits it'] },
    reads: [
      'value[].operationName.value',
      'value[].resourceId',
      'value[].eventTimestamp',
      'value[].caller',
      'value[].status.value',
      'value[].correlationId',
      'value[].eventDataId',
    ],
  },
  Resources: {
    // The example's rows hold its own query's columns; each answer's rows are held to its query's (below).
    // Both rule columns hold NSG rules as ARM writes them, the SecurityRule model.
    sameModel: [
      ['data[].nicNsgRules[]', 'NetworkSecurityGroups_Get', 'properties.defaultSecurityRules[]'],
      ['data[].rules[]', 'NetworkSecurityGroups_Get', 'properties.defaultSecurityRules[]'],
    ],
    maps: ['data[].tags'],
    allow: {
      ...under('data[].nicNsgRules[].', SECURITY_RULE),
      ...under('data[].rules[].', SECURITY_RULE),
      'data[].addressPrefixes': [
        'string[]',
        'AddressSpace.addressPrefixes of the virtual network (no example stored)',
      ],
      // No route table example is stored; the shape is the ARM model's (RouteTable.properties.routes).
      'data[].routes': ['array', 'RouteTablePropertiesFormat.routes'],
      'data[].routes[]': ['object', 'Route'],
      'data[].routes[].name': ['string', 'Route.name'],
      'data[].routes[].properties': ['object', 'Route.properties'],
      'data[].routes[].properties.addressPrefix': ['string', 'RoutePropertiesFormat.addressPrefix'],
      'data[].routes[].properties.nextHopType': ['string', 'RoutePropertiesFormat.nextHopType'],
      'data[].routes[].properties.nextHopIpAddress': [
        'string',
        'RoutePropertiesFormat.nextHopIpAddress, for a VirtualAppliance hop',
      ],
    },
    reads: [
      'resultTruncated',
      '$skipToken',
      'data',
      ...[
        'id',
        'name',
        'resourceGroup',
        'subscriptionId',
        'location',
        'tags',
        'osType',
        'powerState',
        'bootDiagnostics',
        'nicId',
        'privateIp',
        'subnetId',
        'nicNsgId',
        'publicIpId',
        'publicIpName',
        'publicIpAddress',
        'publicIpAllocation',
        'publicIpFqdn',
        'kind',
        'vnetId',
        'addressPrefixes',
        'subnetCount',
        'nsgId',
        'routeTableId',
        'routes',
      ].map((column) => `data[].${column}`),
      ...['name', 'properties.addressPrefix', 'properties.nextHopType', 'properties.nextHopIpAddress'].map(
        (key) => `data[].routes[].${key}`,
      ),
      ...RULE_READS.map((key) => `data[].nicNsgRules[].${key}`),
      ...RULE_READS.map((key) => `data[].rules[].${key}`),
    ],
  },
  VirtualMachines_InstanceView: { reads: [] },
};

/** Index operations whose example answers with a body that the sandbox is not asked, and why. */
const NOT_ASKED: Record<string, string> = {
  BastionHosts_Get:
    'the product never GETs a Bastion host and the sandbox serves none: Bastion hosts reach the product as rows of the fleet-network query, compared under Resources',
};

// ---------- Resource Graph: the columns a query projects ----------

interface ResourceGraphSchema {
  types: Record<string, { examples: string[] }>;
}

const GRAPH_SCHEMA = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../fixtures/resource-graph/schema.json'), 'utf8'),
) as ResourceGraphSchema;

/** The Resources table's own columns (Resource Graph's documented table schema). */
const TABLE_COLUMNS: Record<string, Kind> = {
  id: 'string',
  name: 'string',
  type: 'string',
  location: 'string',
  resourceGroup: 'string',
  subscriptionId: 'string',
  tags: 'object',
};

/** Splits at the commas outside parentheses and quotes. */
function topLevelItems(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'" && text[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && c === '(') depth += 1;
    else if (!quoted && c === ')') depth -= 1;
    else if (!quoted && depth === 0 && c === ',') {
      items.push(text.slice(start, i));
      start = i + 1;
    }
  }
  items.push(text.slice(start));
  return items.map((item) => item.trim()).filter(Boolean);
}

/**
 * The rows' shape a fleet query makes Resource Graph answer: every column its `project` clauses name (but
 * those `project-away` drops), typed by the function that makes it (tostring, tolower, coalesce and string
 * literals give strings, tobool booleans, array_length numbers), by the Resources table for its own columns,
 * and, for a property projected as it is, by that resource type's spec examples.
 */
function projectedRows(query: string): Shape {
  const rows: Shape = new Map([['data[]', new Set<Kind>(['object'])]]);
  const dropped = new Set(
    [...query.matchAll(/\|\s*project-away\s+([^\n]+)/g)].flatMap((m) => topLevelItems(m[1])),
  );
  for (const clause of query.matchAll(/\|\s*project\s+([\s\S]*?)(?=\n\s*[|)]|$)/g)) {
    const legType = [...query.slice(0, clause.index).matchAll(/type =~ '([^']+)'/g)].pop()?.[1];
    for (const item of topLevelItems(clause[1])) {
      const [, column, expression] = /^(\w+)(?:\s*=\s*([\s\S]+))?$/.exec(item) ?? [];
      if (!column || dropped.has(column)) continue;
      const at = `data[].${column}`;
      const set = (kind: Kind) => rows.set(at, new Set([kind]));
      const named = expression ?? column;
      if (named in TABLE_COLUMNS) set(TABLE_COLUMNS[named]);
      else if (expression === undefined) continue;
      else if (/^(tostring|tolower|coalesce)\(|^'/.test(expression)) set('string');
      else if (expression.startsWith('tobool(')) set('boolean');
      else if (expression.startsWith('array_length(')) set('number');
      else if (/^properties(\.\w+)+$/.test(expression) && legType) {
        for (const file of GRAPH_SCHEMA.types[legType]?.examples ?? [])
          graft(rows, shapeOf(exampleFile(`specification/${file}`).responses['200'].body), expression, at);
      }
    }
  }
  return rows;
}

// ---------- the reference an answer is held to ----------

/** The example's shape, with the parts of other examples that answer the same spec model. */
function referenceFor(operationId: string, expectation: Expectation, answer: Answer): Shape {
  const shape = shapeOf(exampleBody(entryOf(operationId)), expectation);
  if (operationId === 'Resources') {
    for (const key of [...shape.keys()]) if (key.startsWith('data[].')) shape.delete(key);
    const query = (answer.request.requestBody as { query?: unknown } | undefined)?.query;
    if (typeof query !== 'string') throw new Error('a Resource Graph request without a query');
    graft(shape, projectedRows(query), '', '');
  }
  for (const [at, other, from] of expectation.sameModel ?? [])
    graft(shape, shapeOf(exampleBody(entryOf(other)), EXPECTATIONS[other]), from, at);
  return shape;
}

/** An allowance's key paths and kinds, its shorthand written out. */
function allowedPaths(key: string, kind: Allowance[0]): [string, Kind][] {
  switch (kind) {
    case 'string[]':
      return [
        [key, 'array'],
        [`${key}[]`, 'string'],
      ];
    case '{id}':
      return [
        [key, 'object'],
        [`${key}.id`, 'string'],
      ];
    case '{id}[]':
      return [
        [key, 'array'],
        [`${key}[]`, 'object'],
        [`${key}[].id`, 'string'],
      ];
    default:
      return [[key, kind]];
  }
}

interface Comparison {
  /** Key paths both the example and the sandbox have. */
  compared: Set<string>;
  problems: string[];
  /** Listed key paths an answer or a read needed. */
  used: Set<string>;
}

function compare(operationId: string, expectation: Expectation, answers: readonly Answer[]): Comparison {
  const allowances = Object.entries(expectation.allow ?? {});
  const allowed = new Map(allowances.flatMap(([key, [kind]]) => allowedPaths(key, kind)));
  const compared = new Set<string>();
  const used = new Set<string>();
  const problems = new Set<string>();
  const references: Shape = new Map();
  for (const answer of answers) {
    const reference = referenceFor(operationId, expectation, answer);
    graft(references, reference, '', '');
    for (const [key, kinds] of shapeOf(answer.body, expectation)) {
      if (key === '') continue;
      const spec = reference.get(key);
      const extra = allowed.get(key);
      if (spec) compared.add(key);
      else if (extra) used.add(key);
      else {
        problems.add(
          `${key}: answered (${[...kinds].join('|')}), but the example has no such key and nothing here says why Azure answers it`,
        );
        continue;
      }
      const permitted = new Set<Kind>(spec ?? [extra as Kind]);
      const wrong = [...kinds].filter((kind) => !permitted.has(kind));
      if (wrong.length > 0)
        problems.add(`${key}: answered ${wrong.join('|')} where the spec has ${[...permitted].join('|')}`);
    }
  }
  for (const key of expectation.reads) {
    if (references.has(key)) continue;
    if (allowed.has(key)) used.add(key);
    else problems.add(`${key}: the product reads it, and neither the example nor the list here has it`);
  }
  for (const [key, [kind]] of allowances) {
    const paths = allowedPaths(key, kind).map(([p]) => p);
    if (paths.some((p) => references.has(p))) problems.add(`${key}: listed, but the example has it`);
    else if (!paths.some((p) => used.has(p)))
      problems.add(`${key}: listed, but neither the sandbox nor the product uses it`);
  }
  return { compared, problems: [...problems], used };
}

// ---------- the sandbox's answers, as the SDK received them ----------

interface Exchange {
  method: string;
  url: URL;
  requestBody: unknown;
  status: number;
  location: string | null;
  body: unknown;
}

const parsed = (text: string | null | undefined): unknown =>
  text ? (JSON.parse(text) as unknown) : undefined;

/** Records every exchange of the clients' pipelines: the wire bodies, before the SDK maps them. */
function recordExchanges(clients: AzureClients, subscriptionId: string): Exchange[] {
  const exchanges: Exchange[] = [];
  const policy: PipelinePolicy = {
    name: 'record-exchanges',
    async sendRequest(request, next) {
      const response = await next(request);
      exchanges.push({
        method: request.method,
        url: new URL(request.url),
        requestBody: typeof request.body === 'string' ? parsed(request.body) : undefined,
        status: response.status,
        location: response.headers.get('location') ?? null,
        body: parsed(response.bodyAsText),
      });
      return response;
    },
  };
  const sub = clients.forSubscription(subscriptionId);
  for (const client of [clients.resourceGraph, sub.compute, sub.network, sub.security, sub.monitor])
    client.pipeline.addPolicy(policy);
  return exchanges;
}

/** An index path template as a pattern: `{name}` one segment, `{resourceUri}` several; the query ignored. */
function templatePattern(template: string): RegExp {
  const pattern = template
    .split('?')[0]
    .split(/(\{[^}]+\})/)
    .map((part) => {
      if (part === '{resourceUri}') return '.+';
      if (part.startsWith('{')) return '[^/]+';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${pattern}$`, 'i');
}

interface Answer {
  operationId: string;
  /** The request that asked: for a long-running operation, the one that started it. */
  request: Exchange;
  body: unknown;
}

/**
 * Each index operation's answers: a 2xx body to the request itself, or, for a long-running operation, the
 * body its `Location` URL answers once the operation ended (the final body the SDK returns).
 */
function answersOf(exchanges: readonly Exchange[]): Answer[] {
  const patterns = INDEX.map((entry) => ({ entry, pattern: templatePattern(entry.pathTemplate) }));
  const started = new Map<string, Answer['request'] & { operationId: string }>();
  const answers: Answer[] = [];
  for (const exchange of exchanges) {
    const origin = started.get(exchange.url.href);
    const operationId =
      origin?.operationId ??
      patterns.find(
        ({ entry, pattern }) => entry.method === exchange.method && pattern.test(exchange.url.pathname),
      )?.entry.operationId;
    if (!operationId) continue;
    if (exchange.location)
      started.set(new URL(exchange.location).href, { ...(origin ?? exchange), operationId });
    if (exchange.status >= 200 && exchange.status < 300 && exchange.body !== undefined)
      answers.push({ operationId, request: origin ?? exchange, body: exchange.body });
  }
  return answers;
}

// ---------- the product's requests ----------

// The fixes whose answers come with a body, each on the machine that demonstrates a cause it answers. They
// run first, so that the diagnoses after them read a JIT request, a static IP and a VMAccess extension.
const FIXES: [FixId, CauseId][] = [
  ['nsg-allow-rdp-from-source', 'nsg-denies-rdp'],
  ['make-public-ip-static', 'public-ip-dynamic'],
  ['vmaccess-reset', 'password-rejected'],
  ['jit-request-access', 'jit-access-not-requested'],
];

const ASKED = Object.keys(EXPECTATIONS);

let h: Harness;
const answers = new Map<string, Answer[]>();

beforeAll(async () => {
  h = await startHarness();
  const exchanges = recordExchanges(h.clients, h.sandbox.subscriptionId);
  for (const [fixId, cause] of FIXES) await executeFix(h, fixId, cause);
  // The healthy machine and one per cause: the failure scenarios are about errors, not shapes.
  const machines = scenarios.filter((s) => s.cause !== null || s.name === HEALTHY_VM).map((s) => s.name);
  for (const machine of machines) await diagnoseScenario(h, machine);
  const scope = { subscriptions: [h.sandbox.subscriptionId], resourceGroups: [], tags: [] };
  const reader = azureFleetReader(h.clients, fleetJoiner);
  const inventory = await reader.inventory(scope);
  await reader.metrics(inventory.machines.slice(0, 2), new Date());
  const now = new Date();
  await readChanges(h.clients, scope.subscriptions, [], new Date(now.getTime() - 86_400_000), now);

  // What the sandbox serves though the product never asks it: every NSG and rule, each machine's instance view.
  const { network, compute } = h.sub;
  for (const nsg of h.sandbox.state.nsgs.values()) {
    if (nsg.subscriptionId !== h.sandbox.subscriptionId) continue;
    const read = await network.networkSecurityGroups.get(nsg.resourceGroup, nsg.name);
    for (const rule of read.securityRules ?? [])
      await network.securityRules.get(nsg.resourceGroup, nsg.name, rule.name ?? '');
  }
  for (const machine of machines) {
    const vm = inventory.machines.find((m) => m.name === machine);
    if (vm) await compute.virtualMachines.instanceView(vm.resourceGroup, vm.name);
  }

  for (const answer of answersOf(exchanges))
    answers.set(answer.operationId, [...(answers.get(answer.operationId) ?? []), answer]);
}, 120_000);

afterAll(() => h.sandbox.stop());

it('asks every operation whose example answers with a body, or says why not', () => {
  const withBody = INDEX.filter((entry) => exampleBody(entry) !== undefined).map((e) => e.operationId);
  expect([...ASKED, ...Object.keys(NOT_ASKED)].sort()).toEqual([...withBody].sort());
});

it.each(ASKED)('%s answers in the shape of its spec example', (operationId) => {
  const got = answers.get(operationId) ?? [];
  expect(got.length).toBeGreaterThan(0);
  const { compared, problems } = compare(operationId, EXPECTATIONS[operationId], got);
  expect(problems).toEqual([]);
  expect(compared.size).toBeGreaterThan(0);
});
