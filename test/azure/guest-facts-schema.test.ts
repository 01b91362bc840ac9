import { guestFactsSchema } from '../../src/diagnosis/guest-facts';

// The probe's JSON is validated at the edge; a field a probe left out reads as unknown (null), like a
// sub-probe that failed, instead of voiding every other guest fact.

describe('guestFactsSchema', () => {
  it('reads missing sub-objects and lists as unknown rather than rejecting the whole document', () => {
    const parsed = guestFactsSchema.parse({
      schemaVersion: 1,
      collectedAt: '2026-11-27T12:00:00Z',
      rdp: { termService: { status: 'Stopped', startType: 'Disabled' }, fDenyTSConnections: 0 },
    });
    expect(parsed.rdp?.termService).toEqual({ status: 'Stopped', startType: 'Disabled' });
    expect(parsed.rdp?.listening).toBeNull();
    expect(parsed.os).toBeNull();
    expect(parsed.events).toBeNull();
    expect(parsed.errors).toEqual([]);
  });

  it('still rejects a document of another schema version or with wrong types', () => {
    expect(guestFactsSchema.safeParse({ schemaVersion: 2, collectedAt: 'x' }).success).toBe(false);
    expect(
      guestFactsSchema.safeParse({ schemaVersion: 1, collectedAt: 'x', rdp: { fDenyTSConnections: 'yes' } })
        .success,
    ).toBe(false);
  });
});
