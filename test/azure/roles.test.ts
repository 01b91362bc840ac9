import fs from 'node:fs';
import path from 'node:path';
import { checkAccess } from '../../src/azure/check-access';
import { TargetError } from '../../src/azure/resolve-vm';
import { azureFleetReader } from '../../src/azure/fleet';
import {
  REQUIRED_ACTIONS,
  ROLE_FILES,
  actionFor,
  resourceGraphReads,
  type RoleName,
} from '../../src/azure/permissions';
import type { CauseId, FixId } from '../../src/diagnosis/ids';
import { fleetJoiner } from '../../src/digest/inventory';
import { scenarios } from '@rdp-doctor/azure-sandbox/scenarios';
import { diagnoseScenario, executeFix } from '../sandbox/drive';
import { startHarness, type Harness } from '../sandbox/harness';

// The custom roles are complete and minimal: every scenario's diagnosis, the fleet digest, check-access
// and every fix run against the sandbox through the real SDK clients; each ARM request they send is mapped
// to the action ARM authorizes it by; the role files must hold exactly those actions.

const ROOT = path.join(__dirname, '../..');
const INDEX = path.join(ROOT, 'test/fixtures/rest-specs/index.json');

interface IndexEntry {
  operationId: string;
  method: string;
  pathTemplate: string;
  requiredRbacAction: string;
  /** The api-version the installed SDK sends for the operation. */
  sentApiVersion: string;
}

interface RoleDefinition {
  Name: string;
  IsCustom: boolean;
  Description: string;
  Actions: string[];
  NotActions: string[];
  DataActions: string[];
  NotDataActions: string[];
  AssignableScopes: string[];
}

function role(name: RoleName): RoleDefinition {
  return JSON.parse(fs.readFileSync(path.join(ROOT, ROLE_FILES[name]), 'utf8')) as RoleDefinition;
}

const lower = (actions: Iterable<string>) => [...new Set([...actions].map((a) => a.toLowerCase()))].sort();

describe('the operation → action table', () => {
  it("names the action the REST specs' index documents for every operation", () => {
    const entries = JSON.parse(fs.readFileSync(INDEX, 'utf8')) as IndexEntry[];
    expect(entries.length).toBeGreaterThan(20);
    for (const entry of entries) {
      const sample = entry.pathTemplate
        .split('?')[0]
        .replace(
          '{resourceUri}',
          'subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1',
        )
        .replace(/\{[^}]+\}/g, 'x1');
      expect({ op: entry.operationId, action: actionFor(entry.method, sample)?.toLowerCase() }).toEqual({
        op: entry.operationId,
        action: entry.requiredRbacAction.toLowerCase(),
      });
    }
  });

  it('knows the permissions list check-access reads, and nothing it was not told', () => {
    expect(
      actionFor('GET', '/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Authorization/permissions'),
    ).toBe('Microsoft.Authorization/permissions/read');
    expect(
      actionFor(
        'DELETE',
        '/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1',
      ),
    ).toBeNull();
  });
});

describe('the role files', () => {
  it.each(Object.keys(ROLE_FILES) as RoleName[])(
    "%s is a custom role definition az accepts, with the table's actions",
    (name) => {
      const definition = role(name);
      expect(Object.keys(definition).sort()).toEqual(
        [
          'Actions',
          'AssignableScopes',
          'DataActions',
          'Description',
          'IsCustom',
          'Name',
          'NotActions',
          'NotDataActions',
        ].sort(),
      );
      expect(definition).toMatchObject({
        Name: name,
        IsCustom: true,
        NotActions: [],
        DataActions: [],
        NotDataActions: [],
      });
      expect(definition.AssignableScopes.length).toBeGreaterThan(0);
      expect(lower(definition.Actions)).toEqual(
        lower(REQUIRED_ACTIONS.filter((required) => required.role === name).map((r) => r.action)),
      );
    },
  );
});

/** The actions of the ARM requests the sandbox answered from `from` on; unknown requests are kept apart. */
function actionsSince(h: Harness, from: number) {
  const actions = new Set<string>();
  const unknown: string[] = [];
  let operations = 0;
  for (const request of h.sandbox.requests.slice(from)) {
    // Polls of a long-running operation and SAS blob downloads are not operations of their own.
    if (request.pollOf !== undefined || request.path.startsWith('/bootdiagnostics/')) continue;
    operations += 1;
    const action = actionFor(request.method, request.path);
    if (!action) {
      unknown.push(`${request.method} ${request.path}`);
      continue;
    }
    actions.add(action);
    if (action === 'Microsoft.ResourceGraph/resources/read') {
      const query = (request.body as { query?: string } | undefined)?.query ?? '';
      for (const read of resourceGraphReads(query)) actions.add(read);
    }
  }
  return { actions, unknown, operations };
}

// One fix per id, each on the machine that demonstrates a cause it answers (distinct machines).
const FIX_CASES: [FixId, CauseId][] = [
  ['nsg-allow-rdp-from-source', 'nsg-denies-rdp'],
  ['jit-request-access', 'jit-access-not-requested'],
  ['start-vm', 'vm-not-running'],
  ['restart-vm', 'cpu-saturated'],
  ['start-termservice', 'termservice-not-running'],
  ['enable-rdp-firewall-rules', 'guest-firewall-blocks-rdp'],
  ['enable-rdp-connections', 'rdp-connections-disabled'],
  ['reset-rdp-port', 'rdp-port-nonstandard'],
  ['reset-listener-certificate', 'listener-certificate-invalid'],
  ['vmaccess-reset', 'password-rejected'],
  ['unlock-account', 'account-locked-out'],
  ['stop-process', 'memory-exhausted'],
  ['logoff-session', 'session-collision'],
  ['make-public-ip-static', 'public-ip-dynamic'],
];

describe('the roles against what the code really sends', () => {
  let h: Harness;
  let diagnosis: ReturnType<typeof actionsSince>;
  let fixes: ReturnType<typeof actionsSince>;
  beforeAll(async () => {
    h = await startHarness();
    // Diagnose role: every scenario, the fleet digest's inventory and metrics, check-access.
    for (const scenario of scenarios) {
      // A scenario whose name is ambiguous on purpose (vm-dup) stops at resolving, which is a read too.
      await diagnoseScenario(h, scenario.name).catch((error: unknown) => {
        if (!(error instanceof TargetError)) throw error;
      });
    }
    const reader = azureFleetReader(h.clients, fleetJoiner);
    const scope = { subscriptions: [h.sandbox.subscriptionId], resourceGroups: [], tags: [] };
    const inventory = await reader.inventory(scope);
    await reader.metrics(inventory.machines.slice(0, 2), new Date());
    const vm = inventory.machines.find((m) => m.name === 'vm-healthy')!;
    await checkAccess({ clients: h.clients, sub: h.sub, vm });
    diagnosis = actionsSince(h, 0);

    // Fix role: each fix planned from its diagnosis, rechecked and executed.
    const fixFrom = h.sandbox.requests.length;
    for (const [fixId, cause] of FIX_CASES) await executeFix(h, fixId, cause);
    fixes = actionsSince(h, fixFrom);
  }, 240_000);
  afterAll(() => h.sandbox.stop());

  it('every action used is in a role, and every role action is used', () => {
    expect([...diagnosis.unknown, ...fixes.unknown]).toEqual([]);
    const diagnoseRole = lower(role('rdp-doctor-diagnose').Actions);
    const fixRole = lower(role('rdp-doctor-fix').Actions);
    // Missing from the role: a diagnosis or fix would answer 403. Never used: the role grants too much.
    expect(lower(diagnosis.actions)).toEqual(diagnoseRole);
    expect(lower([...fixes.actions].filter((a) => !diagnoseRole.includes(a.toLowerCase())))).toEqual(fixRole);
  });

  it('sends each indexed operation at the api-version the index records, and no operation it lacks', () => {
    // An SDK upgrade moves api-versions: this fails until someone re-reads the examples at the new version
    // and records it, so the stored examples never silently describe another version than the one sent.
    const entries = JSON.parse(fs.readFileSync(INDEX, 'utf8')) as IndexEntry[];
    const matchers = entries.map((entry) => ({
      entry,
      path: new RegExp(
        '^' +
          entry.pathTemplate
            .split('?')[0]
            .replace(/[.$]/g, '\\$&')
            .replace('{resourceUri}', '.+')
            .replace(/\{[^}]+\}/g, '[^/]+') +
          '$',
        'i',
      ),
    }));
    const sent = new Map<string, Set<string | null>>();
    const notIndexed = new Set<string>();
    for (const request of h.sandbox.requests) {
      if (request.pollOf !== undefined || request.path.startsWith('/bootdiagnostics/')) continue;
      const match = matchers.find((m) => m.entry.method === request.method && m.path.test(request.path));
      if (!match) {
        notIndexed.add(`${request.method} ${request.path.replace(/\/[^/]+$/, '/…')}`);
        continue;
      }
      const versions = sent.get(match.entry.operationId) ?? new Set();
      versions.add(request.apiVersion);
      sent.set(match.entry.operationId, versions);
    }
    const indexed = Object.fromEntries(
      entries.filter((e) => sent.has(e.operationId)).map((e) => [e.operationId, [e.sentApiVersion]]),
    );
    expect(Object.fromEntries([...sent].map(([op, versions]) => [op, [...versions]]))).toEqual(indexed);
    // check-access's permissions list is the one operation without a stored example: the spec has none
    // (test/fixtures/rest-specs/README.md names the model its shape is read from).
    expect([
      ...new Set([...notIndexed].map((r) => r.replace(/resourceGroups\/[^/]+/, 'resourceGroups/…'))),
    ]).toEqual([
      `GET /subscriptions/${h.sandbox.subscriptionId}/resourceGroups/…/providers/Microsoft.Authorization/…`,
    ]);
  });
});
