// The worker's workflow bundle: every workflow type LeadFlow runs.
export { leadWorkflow } from './lead.workflow';
export { rescoreWorkflow } from './rescore.workflow';
