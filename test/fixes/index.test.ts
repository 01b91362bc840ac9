import fs from 'node:fs';
import path from 'node:path';
import { CAUSE_IDS, FIX_IDS } from '../../src/diagnosis/ids';
import { fixById, fixes } from '../../src/fixes';

// The catalog is DESIGN.md's table: one module per fix id, in the table's order, and each fix lists
// exactly the causes whose rules offer it.

const CAUSES_DIR = path.join(__dirname, '..', '..', 'src', 'diagnosis', 'causes');

/** Which fix ids each cause module offers, read from its `fixes: [...]` lines. */
function offeredByCauses(): Map<string, Set<string>> {
  const offered = new Map<string, Set<string>>();
  for (const layer of fs.readdirSync(CAUSES_DIR, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of fs.readdirSync(path.join(CAUSES_DIR, layer.name)).filter((f) => f !== 'index.ts')) {
      const source = fs.readFileSync(path.join(CAUSES_DIR, layer.name, file), 'utf8');
      const cause = file.replace(/\.ts$/, '');
      for (const line of source.split('\n').filter((l) => /^\s*fixes: /.test(l))) {
        for (const [, id] of line.matchAll(/'([a-z-]+)'/g)) {
          if (!offered.has(id)) offered.set(id, new Set());
          offered.get(id)!.add(cause);
        }
      }
    }
  }
  return offered;
}

function camelCase(id: string): string {
  return id.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

describe('the fix catalog', () => {
  it('holds one fix per contract id, in the order of the table', () => {
    expect(fixes.map((f) => f.id)).toEqual([...FIX_IDS]);
  });

  it.each([...FIX_IDS])('%s lives in its own module, exported under its camelCase name', async (id) => {
    const module = (await import(`../../src/fixes/${id}`)) as Record<string, unknown>;
    expect(module[camelCase(id)]).toBe(fixById(id));
  });

  it('finds fixes by id and nothing else', () => {
    expect(fixById('start-vm')?.title).toBe('Start the VM');
    expect(fixById('format-disk')).toBeUndefined();
  });

  it('lists exactly the causes whose rules offer each fix', () => {
    const offered = offeredByCauses();
    for (const fix of fixes) {
      for (const cause of fix.causes) expect(CAUSE_IDS).toContain(cause);
      expect([...fix.causes].sort()).toEqual([...(offered.get(fix.id) ?? [])].sort());
    }
  });

  it('gives every fix a distinct button title', () => {
    const titles = fixes.map((f) => f.title);
    expect(new Set(titles).size).toBe(titles.length);
    for (const title of titles) expect(title.length).toBeLessThanOrEqual(75);
  });
});
