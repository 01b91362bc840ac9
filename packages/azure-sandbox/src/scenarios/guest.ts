import { event, guest, scenario } from './define';

// Guest layer: the operating system after sign-in.

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const PROFILE_SERVICE = 'Microsoft-Windows-User Profile Service';
const SESSION_MANAGER = 'Microsoft-Windows-TerminalServices-LocalSessionManager';
const SESSION_LOG = `${SESSION_MANAGER}/Operational`;

export const guestScenarios = [
  scenario({
    name: 'disk-full',
    cause: 'disk-full',
    summary: 'C: has 300 MB free of 127 GB: Windows cannot build a session.',
    request: { symptom: 'black-screen' },
    change(vm) {
      guest(vm).resources.systemDrive = { freeBytes: 300 * MiB, sizeBytes: 127 * GiB };
    },
  }),
  scenario({
    name: 'memory-exhausted',
    cause: 'memory-exhausted',
    summary: 'sqlservr holds 7 GB of 8: about 100 MB available, 2 % free in the guest.',
    request: { symptom: 'black-screen' },
    change(vm) {
      vm.metrics.availableMemoryBytes = 100 * MiB;
      const resources = guest(vm).resources;
      resources.memory = { totalBytes: 8 * GiB, freeBytes: Math.round(8 * GiB * 0.02) };
      resources.topProcesses = [
        { name: 'sqlservr', pid: 2264, workingSetBytes: 7 * GiB },
        ...resources.topProcesses,
      ];
    },
  }),
  scenario({
    name: 'cpu-saturated',
    cause: 'cpu-saturated',
    summary: 'CPU pinned at 99 % for the last hours.',
    request: { symptom: 'black-screen' },
    change(vm) {
      vm.metrics.cpuPercent = 99;
    },
  }),
  scenario({
    name: 'disk-throughput-saturated',
    cause: 'disk-throughput-saturated',
    summary: 'The OS disk runs at its IOPS ceiling.',
    request: { symptom: 'black-screen' },
    change(vm) {
      vm.metrics.osDiskIopsConsumedPercent = 100;
      vm.metrics.osDiskBandwidthConsumedPercent = 97;
    },
  }),
  scenario({
    name: 'update-in-progress',
    cause: 'update-in-progress',
    summary: 'Windows is servicing updates (TiWorker busy) with a reboot pending.',
    request: { symptom: 'black-screen' },
    change(vm) {
      const g = guest(vm);
      g.updates = { ...g.updates, rebootPending: true, servicingActive: true };
      g.resources.topProcesses = [
        { name: 'TiWorker', pid: 5520, workingSetBytes: 900 * MiB },
        ...g.resources.topProcesses,
      ];
    },
  }),
  scenario({
    name: 'session-collision',
    cause: 'session-collision',
    summary: 'bob holds an active session and azureadmin a disconnected one: no room for another.',
    request: { symptom: 'disconnects' },
    change(vm) {
      guest(vm).rdp.sessions = [
        { id: 2, user: 'CONTOSO\\bob', state: 'Active' },
        { id: 3, user: 'azureadmin', state: 'Disc' },
      ];
    },
  }),
  scenario({
    name: 'temporary-profile',
    cause: 'temporary-profile',
    summary: 'The User Profile Service signed bob in with a temporary profile (1511).',
    request: { symptom: 'black-screen' },
    change(vm, at) {
      guest(vm).events.push(event(at, 15, 'Application', 1511, PROFILE_SERVICE, { User: 'CONTOSO\\bob' }));
    },
  }),
  scenario({
    name: 'profile-load-failed',
    cause: 'profile-load-failed',
    summary: "bob's profile cannot be loaded (1500).",
    request: { symptom: 'disconnects' },
    change(vm, at) {
      guest(vm).events.push(event(at, 14, 'Application', 1500, PROFILE_SERVICE, { User: 'CONTOSO\\bob' }));
    },
  }),
  scenario({
    name: 'session-ends-immediately',
    cause: 'session-ends-immediately',
    summary: 'Two sessions in the last half hour ended seconds after logon.',
    request: { symptom: 'disconnects' },
    change(vm, at) {
      const session = (id: string, minutesAgo: number) => {
        const data = { SessionID: id, User: 'CONTOSO\\bob', Address: '203.0.113.10' };
        return [
          event(at, minutesAgo, SESSION_LOG, 21, SESSION_MANAGER, data),
          event(at, minutesAgo - 0.5, SESSION_LOG, 23, SESSION_MANAGER, data),
        ];
      };
      guest(vm).events.push(...session('4', 30), ...session('5', 10));
    },
  }),
  scenario({
    name: 'shell-crash',
    cause: 'shell-crash',
    summary: 'explorer.exe crashed twice in the last hour: the desktop never paints.',
    request: { symptom: 'black-screen' },
    change(vm, at) {
      const crash = (minutesAgo: number) =>
        event(at, minutesAgo, 'Application', 1000, 'Application Error', {
          AppName: 'explorer.exe',
          AppVersion: '10.0.20348.2849',
          ExceptionCode: 'c0000005',
        });
      guest(vm).events.push(crash(50), crash(20));
    },
  }),
];
