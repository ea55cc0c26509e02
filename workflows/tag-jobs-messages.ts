/** The contract of the computed-tag schedule shared with the API (no workflow code here). */
export const TAG_JOBS_WORKFLOW_ID = 'tag-jobs';
export const TAG_JOBS_WORKFLOW_TYPE = 'tagJobs';
