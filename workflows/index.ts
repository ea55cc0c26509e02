/**
 * The platform's workflow bundle: every production process, one export each. Both runtimes
 * (temporal-config/) bundle this file; the workflow type is the export's name.
 */
export { demoApproval } from './demo-approval';
export { issueWorkflow } from './issue';
export { tagJobs } from './tag-jobs';
