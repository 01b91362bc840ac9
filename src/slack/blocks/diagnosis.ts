// The diagnosis surface of the Slack app, as pure renderers: data in, Block Kit out.

export { diagnosisDetails } from './diagnosis-details';
export { diagnosisMessage, SYMPTOM_ACTION_ID } from './diagnosis-message';
export { fixActionId, type FixButtonValue } from './fix-buttons';
export { errorMessage, helpMessage } from './help';
export { didYouMean, PICK_VM_ACTION_ID, vmPicker, type PickVmValue, type VmCandidate } from './vm-picker';
