// The api-versions each emulated API accepts: the ones the installed SDKs send, and real earlier ones so a
// caller pinned to an older version is served too. Anything else is refused the way ARM refuses it.

export const API_VERSIONS = {
  compute: [
    '2026-03-01',
    '2025-04-01',
    '2024-11-01',
    '2024-07-01',
    '2024-03-01',
    '2023-09-01',
    '2023-07-01',
    '2023-03-01',
    '2022-11-01',
    '2022-08-01',
  ],
  network: [
    '2025-05-01',
    '2025-01-01',
    '2024-10-01',
    '2024-07-01',
    '2024-05-01',
    '2024-03-01',
    '2024-01-01',
    '2023-11-01',
    '2023-09-01',
    '2023-06-01',
    '2023-05-01',
    '2023-04-01',
    '2023-02-01',
  ],
  jit: ['2020-01-01', '2015-06-01-preview'],
  metrics: ['2018-01-01', '2019-07-01', '2021-05-01', '2023-10-01', '2024-02-01'],
  activityLog: ['2015-04-01'],
  resourceGraph: ['2021-06-01-preview', '2021-03-01', '2022-10-01', '2024-04-01'],
  authorization: ['2022-04-01'],
} as const satisfies Record<string, readonly string[]>;
