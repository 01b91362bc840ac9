import { formatBytes, heaviestProcess } from '../diagnosis/causes/guest-probe';
import { FixRefusal, type FixDefinition } from './fix';
import { runGuestFix } from './guest-script';
import { numberParam, textParam } from './params';
import { guestOf, reachableGuest } from './target';
import { positiveInteger, processName } from './validate';

// Stops the one runaway process the diagnosis names (never one Windows cannot live without). A pid can be
// reused between the diagnosis and the approval, so the name behind it is checked again: by stillApplies
// on fresh guest facts, and by the script itself just before it stops anything.

export const stopProcess: FixDefinition = {
  id: 'stop-process',
  title: 'Stop the runaway process',
  causes: ['memory-exhausted', 'cpu-saturated'],
  inputs: () => [],
  plan({ facts }) {
    const vm = reachableGuest(facts);
    const top = heaviestProcess(guestOf(facts));
    if (!top) throw new FixRefusal(`The diagnosis listed no process on ${vm.name} that is safe to stop.`);
    const name = processName(top.name);
    return {
      params: { pid: top.pid, processName: name },
      description:
        `Stop ${name} (pid ${top.pid}, ${formatBytes(top.workingSetBytes)} working set) on ${vm.name}, through Run ` +
        `Command, after checking that pid ${top.pid} still runs ${name}.`,
    };
  },
  stillApplies(facts, params) {
    if (facts.guest.status !== 'ok') return null;
    const pid = Number(params.pid);
    const name = String(params.processName);
    const running = facts.guest.value.resources?.topProcesses.find((p) => p.pid === pid);
    if (!running) return `${name} (pid ${pid}) is no longer among the heaviest processes.`;
    if (running.name.toLowerCase() !== name.toLowerCase())
      return `pid ${pid} now runs ${running.name}, not ${name}.`;
    return null;
  },
  execute: async (ctx) =>
    runGuestFix(ctx, 'stop-process', {
      ProcessId: String(positiveInteger(numberParam(ctx.params, 'pid'), 'a process id')),
      ExpectedName: processName(textParam(ctx.params, 'processName')),
    }),
};
