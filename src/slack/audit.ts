import type { Store } from '../store';
import type { DiagnosisService } from './diagnosis-runner';
import { auditMessage } from './blocks/audit';
import { errorMessage } from './blocks/diagnosis';
import type { SlackContext } from './context';
import { describeFailure } from '../pipeline/failure';

/** `/rdp audit <vm>`: the audit trail of the machine's fixes, privately. */
export function auditTrail(
  store: Pick<Store, 'listAudit'>,
  service: DiagnosisService,
): SlackContext['audit'] {
  return {
    async show({ target, respond }) {
      try {
        const identity = await service.locate(target);
        const entries = await store.listAudit({ vmId: identity.id });
        await respond(auditMessage(identity.name, entries));
      } catch (error) {
        await respond(errorMessage(describeFailure(error).message));
      }
    },
  };
}
