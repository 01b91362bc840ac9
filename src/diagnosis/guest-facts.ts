import { z } from 'zod';

// The contract of the one Run Command probe's stdout (DESIGN.md, "guest facts"). A sub-probe that failed
// leaves its field null and says why in `errors`, so every field below may be null.
const num = z.number();

export const guestFactsSchema = z.object({
  schemaVersion: z.literal(1),
  collectedAt: z.string(),
  os: z
    .object({
      caption: z.string().nullable(),
      version: z.string().nullable(),
      lastBootUpTime: z.string().nullable(),
      domainJoined: z.boolean(),
      domain: z.string().nullable(),
      secureChannelOk: z.boolean().nullable(),
    })
    .nullable(),
  rdp: z
    .object({
      termService: z.object({ status: z.string(), startType: z.string() }).nullable(),
      fDenyTSConnections: z.union([z.literal(0), z.literal(1)]).nullable(),
      portNumber: z.number().int().nullable(),
      listening: z.boolean().nullable(),
      userAuthentication: z.union([z.literal(0), z.literal(1)]).nullable(),
      securityLayer: z.number().int().nullable(),
      certificate: z
        .object({ thumbprint: z.string().nullable(), present: z.boolean(), notAfter: z.string().nullable() })
        .nullable(),
      firewall: z
        .object({
          rdpRulesEnabled: z.boolean(),
          portAllowed: z.boolean(),
          defaultInboundAction: z.enum(['Block', 'Allow']),
        })
        .nullable(),
      rdsh: z
        .object({
          installed: z.boolean(),
          licensingMode: z.number().int().nullable(),
          licenseServers: z.array(z.string()),
          graceDaysLeft: z.number().int().nullable(),
        })
        .nullable(),
      credssp: z.object({ allowEncryptionOracle: z.number().int().nullable() }).nullable(),
      singleSessionPerUser: z.union([z.literal(0), z.literal(1)]).nullable(),
      sessions: z.array(z.object({ id: z.number().int(), user: z.string(), state: z.string() })).nullable(),
    })
    .nullable(),
  updates: z
    .object({
      lastHotfixes: z.array(z.object({ id: z.string(), installedOn: z.string().nullable() })),
      rebootPending: z.boolean(),
      servicingActive: z.boolean(),
    })
    .nullable(),
  resources: z
    .object({
      systemDrive: z.object({ freeBytes: num, sizeBytes: num }).nullable(),
      memory: z.object({ totalBytes: num, freeBytes: num }).nullable(),
      topProcesses: z.array(z.object({ name: z.string(), pid: z.number().int(), workingSetBytes: num })),
    })
    .nullable(),
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
    .nullable(),
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
    .nullable(),
  errors: z.array(z.object({ probe: z.string(), message: z.string() })),
});

export type GuestFacts = z.infer<typeof guestFactsSchema>;
export type GuestEvent = NonNullable<GuestFacts['events']>[number];
