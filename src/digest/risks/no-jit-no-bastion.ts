import { exposure } from '../exposure';
import type { RiskRule } from '../risk';

export const noJitNoBastion: RiskRule = {
  id: 'no-jit-no-bastion',
  title: 'Reached over a public RDP rule, with neither JIT nor Bastion',
  guide: 'How to prevent the next RDP outage',
  severity: 'warning',
  detect(machine) {
    const open = exposure(machine);
    if (!open || machine.bastion !== null || machine.jitPorts.includes(open.port)) return null;
    return {
      evidence: [
        `TCP ${open.port} reaches ${machine.publicIp?.name ?? 'the public IP'} from ${open.source}: ${open.path}`,
        `no JIT policy holds port ${open.port} and no Bastion host is in the machine's virtual network`,
      ],
      advice:
        'Deploy Azure Bastion in the virtual network (or enable JIT access in Defender for Cloud) and retire the ' +
        'public management rule, so a deleted rule or a changed address is not a lockout.',
    };
  },
};
