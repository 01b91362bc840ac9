import fs from 'node:fs';
import path from 'node:path';
import { fleetQueries } from '../../src/azure/fleet';

// The fleet queries read only what Resource Graph documents: each `Table | where type =~ 'x'` leg names a
// type the table holds, every property path resolves in that type's REST spec example (Resource Graph
// returns the ARM body) or is a documented field (test/fixtures/resource-graph/schema.json, with sources),
// and every mv-expand sets a limit within the documented maximum.

interface Schema {
  limits: { mvExpandMax: number; unionLegs: number };
  tables: Record<string, string[]>;
  types: Record<string, { examples: string[]; documentedPaths: Record<string, string> }>;
}

const schema = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../fixtures/resource-graph/schema.json'), 'utf8'),
) as Schema;
const SPECS = path.join(__dirname, '../fixtures/rest-specs/specification');

function exampleBodies(type: string): unknown[] {
  return schema.types[type].examples.map((file) => {
    const responses = (
      JSON.parse(fs.readFileSync(path.join(SPECS, file), 'utf8')) as {
        responses: Record<string, { body: unknown }>;
      }
    ).responses;
    return responses['200'].body;
  });
}

/** Whether `path` (dots, `[0]`, `[*]`) leads to a value in `body`. */
function resolves(body: unknown, pathText: string): boolean {
  const steps = pathText
    .replace(/\[(\d+|\*)\]/g, '.[$1]')
    .split('.')
    .filter(Boolean);
  let values: unknown[] = [body];
  for (const step of steps) {
    values = values.flatMap((value) => {
      if (step === '[*]') return Array.isArray(value) ? value : [];
      const index = /^\[(\d+)\]$/.exec(step);
      if (index)
        return Array.isArray(value) && value.length > Number(index[1]) ? [value[Number(index[1])]] : [];
      return value !== null && typeof value === 'object' && step in value
        ? [(value as Record<string, unknown>)[step]]
        : [];
    });
  }
  return values.length > 0;
}

interface Leg {
  table: string;
  type: string;
  text: string;
}

/** The query's legs: from each table name to the next one. */
function legs(query: string): Leg[] {
  const starts = [
    ...query.matchAll(
      /\b(Resources|HealthResources|SecurityResources)\b\s*\n\s*\|\s*where type =~ '([^']+)'/g,
    ),
  ];
  return starts.map((match, i) => ({
    table: match[1].toLowerCase(),
    type: match[2].toLowerCase(),
    text: query.slice(match.index, starts[i + 1]?.index ?? query.length),
  }));
}

/** Property paths a leg reads, with `extend x = path` and `mv-expand x = path` aliases written out. */
function paths(text: string): string[] {
  const aliases = new Map<string, string>();
  for (const m of text.matchAll(/(?:extend|mv-expand)\s+(\w+)\s*=\s*([\w.[\]]+)/g)) {
    const target = m[2].replace(/^(\w+)/, (head) => aliases.get(head) ?? head);
    aliases.set(m[1], text.includes(`mv-expand ${m[1]} =`) ? `${target}[*]` : target);
  }
  const found = [...text.matchAll(/\b(properties|\w+)((?:\.\w+|\[\d+\])+)/g)]
    .filter((m) => m[1] === 'properties' || aliases.has(m[1]))
    .map((m) => (m[1] === 'properties' ? `properties${m[2]}` : `${aliases.get(m[1])}${m[2]}`));
  return [...new Set(found)];
}

const scope = { subscriptions: ['s'], resourceGroups: [], tags: [] };
const queries = {
  machines: fleetQueries.machines(scope),
  'touched machines': fleetQueries.machines(scope, {
    id: ['/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm'],
    nicId: [],
    nicNsgId: [
      "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/networksecuritygroups/o'brien",
    ],
    subnetId: [],
    publicIpId: [],
    resourceGroup: ['rg'],
  }),
  network: fleetQueries.network(),
};

describe.each(Object.entries(queries))('the %s query', (_name, query) => {
  it('reads each type from a table that documents it', () => {
    const found = legs(query);
    expect(found.length).toBeGreaterThan(0);
    for (const leg of found)
      expect({ type: leg.type, in: schema.tables[leg.table] ?? [] }).toEqual({
        type: leg.type,
        in: expect.arrayContaining([leg.type]),
      });
  });

  it('reads only property paths the spec examples or the documented fields hold', () => {
    const unresolved = legs(query).flatMap((leg) => {
      const known = schema.types[leg.type];
      const bodies = exampleBodies(leg.type);
      return paths(leg.text)
        .filter((p) => !(p in known.documentedPaths) && !bodies.some((body) => resolves(body, p)))
        .map((p) => `${leg.type}: ${p}`);
    });
    expect(unresolved).toEqual([]);
  });

  it('limits every mv-expand within what Resource Graph allows', () => {
    for (const m of query.matchAll(/mv-expand[^\n]*/g)) {
      const limit = /\blimit (\d+)/.exec(m[0]);
      expect({
        line: m[0],
        limited: limit !== null && Number(limit[1]) <= schema.limits.mvExpandMax,
      }).toEqual({
        line: m[0],
        limited: true,
      });
    }
  });
});

it('narrows the touched machines by columns the machines query projects, every value a quoted literal', () => {
  const line = queries['touched machines'].split('\n').find((l) => l.startsWith('| where id in~'));
  expect(line).toBe(
    "| where id in~ ('/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm') or " +
      "nicNsgId in~ ('/subscriptions/s/resourcegroups/rg/providers/microsoft.network/networksecuritygroups/o\\'brien') or " +
      "resourceGroup in~ ('rg')",
  );
  expect(queries['touched machines'].indexOf(line!)).toBeGreaterThan(
    queries['touched machines'].lastIndexOf(') on nicNsgId'),
  );
});

it('unions no more legs than Resource Graph allows', () => {
  const legsAfterUnion = (query: string) =>
    (/\| union ([\s\S]*)$/.exec(query)?.[1].match(/^\s*Resources$/gm) ?? []).length;
  expect(legsAfterUnion(queries.network)).toBeLessThanOrEqual(schema.limits.unionLegs);
  expect(legsAfterUnion(queries.network)).toBe(3);
});

it('reads the Bastion virtual network both ways: Developer SKU by virtualNetwork, the others by ipConfigurations', () => {
  const [developer, standard] = exampleBodies('microsoft.network/bastionhosts').reverse();
  expect(resolves(developer, 'properties.virtualNetwork.id')).toBe(true);
  expect(resolves(standard, 'properties.ipConfigurations[0].properties.subnet.id')).toBe(true);
  expect(queries.network).toContain('properties.virtualNetwork.id');
  expect(queries.network).toContain('properties.ipConfigurations[0].properties.subnet.id');
});
