import { z } from 'zod';

// The contract of the one Run Command probe's stdout (DESIGN.md, "guest facts"). A sub-probe that failed
// leaves its field null and says why in `errors`, so every field below may be null; a field that is
// missing altogether reads as null too (an older probe), so one absent field cannot void the rest.
const num = z.number();

export const guestFactsSchema = z.object({
  schemaVersion: z.literal(1),
  collectedAt: z.string(),
  os: z
    .object({
      caption: z.string().nullable().default(null),
      version: z.string().nullable().default(null),
      lastBootUpTime: z.string().nullable().default(null),
      domainJoined: z.boolean(),
      domain: z.string().nullable().default(null),
      secureChannelOk: z.boolean().nullable().default(null),
    })
    .nullable()
    .default(null),
  rdp: z
    .object({
      termService: z.object({ status: z.string(), startType: z.string() }).nullable().default(null),
      fDenyTSConnections: z
        .union([z.literal(0), z.literal(1)])
        .nullable()
        .default(null),
      portNumber: z.number().int().nullable().default(null),
      listening: z.boolean().nullable().default(null),
      userAuthentication: z
        .union([z.literal(0), z.literal(1)])
        .nullable()
        .default(null),
      securityLayer: z.number().int().nullable().default(null),
      certificate: z
        .object({
          thumbprint: z.string().nullable().default(null),
          present: z.boolean(),
          notAfter: z.string().nullable().default(null),
        })
        .nullable()
        .default(null),
      firewall: z
        .object({
          rdpRulesEnabled: z.boolean(),
          portAllowed: z.boolean(),
          defaultInboundAction: z.enum(['Block', 'Allow']),
        })
        .nullable()
        .default(null),
      rdsh: z
        .object({
          installed: z.boolean(),
          licensingMode: z.number().int().nullable().default(null),
          licenseServers: z.array(z.string()).default([]),
          graceDaysLeft: z.number().int().nullable().default(null),
        })
        .nullable()
        .default(null),
      credssp: z
        .object({ allowEncryptionOracle: z.number().int().nullable().default(null) })
        .nullable()
        .default(null),
      singleSessionPerUser: z
        .union([z.literal(0), z.literal(1)])
        .nullable()
        .default(null),
      sessions: z
        .array(z.object({ id: z.number().int(), user: z.string(), state: z.string() }))
        .nullable()
        .default(null),
    })
    .nullable()
    .default(null),
  updates: z
    .object({
      lastHotfixes: z
        .array(z.object({ id: z.string(), installedOn: z.string().nullable().default(null) }))
        .default([]),
      rebootPending: z.boolean(),
      servicingActive: z.boolean(),
    })
    .nullable()
    .default(null),
  resources: z
    .object({
      systemDrive: z.object({ freeBytes: num, sizeBytes: num }).nullable().default(null),
      memory: z.object({ totalBytes: num, freeBytes: num }).nullable().default(null),
      topProcesses: z
        .array(z.object({ name: z.string(), pid: z.number().int(), workingSetBytes: num }))
        .default([]),
    })
    .nullable()
    .default(null),
  accounts: z
    .array(
      z.object({
        name: z.string(),
        enabled: z.boolean(),
        lockedOut: z.boolean(),
        passwordExpired: z.boolean(),
        rdpAllowed: z.boolean(),
      }),
    )
    .nullable()
    .default(null),
  events: z
    .array(
      z.object({
        log: z.string(),
        id: z.number().int(),
        time: z.string(),
        provider: z.string(),
        data: z.record(z.string(), z.string()),
      }),
    )
    .nullable()
    .default(null),
  errors: z.array(z.object({ probe: z.string(), message: z.string() })).default([]),
});

export type GuestFacts = z.infer<typeof guestFactsSchema>;
export type GuestEvent = NonNullable<GuestFacts['events']>[number];
