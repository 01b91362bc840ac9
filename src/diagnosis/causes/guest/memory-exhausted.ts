import type { CauseRule } from '../../cause';
import { optionalFact } from '../../facts';
import { describePoints, findSeries, metricsCommand, sustainedBelow, SUSTAINED_POINTS } from '../../metrics';
import {
  describeProcess,
  formatBytes,
  formatPercent,
  heaviestProcess,
  runPowerShell,
  windowsOnly,
} from '../guest-probe';

const MIN_FREE_SHARE = 0.05;
const MIN_AVAILABLE_BYTES = 256 * 2 ** 20;
const AVAILABLE_MEMORY = 'Available Memory Bytes';

export const memoryExhausted: CauseRule = {
  id: 'memory-exhausted',
  layer: 'guest',
  title: 'Available memory is near zero',
  label: 'memory',
  guide: 'Layer four: the guest operating system state after sign-in',
  severity: 'critical',
  needs: [],
  uses: ['guest', 'metrics'],
  notApplicable: windowsOnly,
  confirm(facts) {
    if (facts.guest.status !== 'ok' && facts.metrics.status === 'ok')
      return metricsCommand(facts, [AVAILABLE_MEMORY]);
    return runPowerShell(
      facts,
      "Get-CimInstance Win32_OperatingSystem | Select-Object FreePhysicalMemory, TotalVisibleMemorySize; Get-Process | Sort-Object WorkingSet64 -Descending | Select-Object -First 8 Name, Id, @{n='MB';e={[int]($_.WorkingSet64/1MB)}}",
    );
  },
  clean: 'The machine has memory to spare.',
  detect(facts) {
    const guest = optionalFact(facts, 'guest');
    const metrics = optionalFact(facts, 'metrics');
    const evidence: string[] = [];
    const memory = guest?.resources?.memory;
    if (memory && memory.totalBytes > 0 && memory.freeBytes / memory.totalBytes < MIN_FREE_SHARE) {
      evidence.push(
        `Guest free memory: ${formatBytes(memory.freeBytes)} of ${formatBytes(memory.totalBytes)} (${formatPercent(memory.freeBytes, memory.totalBytes)})`,
      );
    }
    const series = metrics && findSeries(metrics, AVAILABLE_MEMORY);
    const low = series && sustainedBelow(series, MIN_AVAILABLE_BYTES);
    if (low) {
      evidence.push(
        `${AVAILABLE_MEMORY} below ${formatBytes(MIN_AVAILABLE_BYTES)} for the last ${SUSTAINED_POINTS} points: ${describePoints(low, formatBytes)}`,
      );
    }
    if (evidence.length === 0) return null;
    const top = heaviestProcess(guest);
    return {
      summary: top
        ? `The machine is out of memory and ${top.name} (pid ${top.pid}) holds ${formatBytes(top.workingSetBytes)}: there is no headroom to start a session's shell, which shows as a black or frozen screen.`
        : "The machine is out of memory: there is no headroom to start a session's shell, which shows as a black or frozen screen.",
      evidence: top ? [...evidence, describeProcess(top)] : evidence,
      fixes: top ? ['stop-process', 'restart-vm'] : ['restart-vm'],
      advice:
        'Relieve the pressure first, then find why the process grew; resize the VM if the workload outgrew it.',
    };
  },
};
