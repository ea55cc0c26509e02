/**
 * Inbox forms of the IssueWorkflow, one per task kind (issue.<kind>). Each has an `action` chosen
 * from the task's allowedActions plus the fields that action needs (if/then rules, checked by ajv
 * on the server and by react-jsonschema-form in the browser).
 */
import { registerForm } from '../index';

type Schema = Record<string, unknown>;

/** Action codes → Chinese labels, as the users speak them. */
export const ACTION_LABELS: Record<string, string> = {
  report: '核实上报',
  self_handle: '自行处置',
  invalid: '无效件',
  handle: '社区办结',
  escalate: '上报街道',
  transfer: '转派',
  accept: '受理',
  dispatch: '派单',
  redispatch: '重新派单',
  close_self: '自办结',
  mark: '信件标记',
  sub_dispatch: '二次调度',
  return: '退单',
  request_extension: '申请延期',
  feedback: '办理反馈',
  approve: '同意延期',
  reject: '不同意延期',
  pass: '核查通过',
  fail: '核查不通过',
  archive: '结案归档',
  return_feedback: '退回反馈',
  acknowledge: '已阅',
};

export const LETTER_MARKS = ['重复件', '咨询件', '表扬件', '建议件', '不属实', '其他'];

const text = (title: string, max = 2000) => ({ type: 'string', title, minLength: 1, maxLength: max });
const attachments = {
  type: 'array',
  title: '附件（照片等）',
  maxItems: 9,
  items: {
    type: 'object',
    required: ['name', 'fileId'],
    properties: { name: { type: 'string', maxLength: 200 }, fileId: { type: 'string', maxLength: 100 } },
  },
};
const orgId = (title: string) => ({ type: 'integer', title, minimum: 1 });
const when = (action: string | string[], required: string[]) => ({
  if: { properties: { action: Array.isArray(action) ? { enum: action } : { const: action } }, required: ['action'] },
  then: { required },
});

function actionForm(key: string, title: string, actions: string[], properties: Schema, rules: Schema[]) {
  return registerForm({
    key,
    title,
    schema: {
      type: 'object',
      required: ['action'],
      additionalProperties: false,
      properties: { action: { type: 'string', title: '处理方式', enum: actions }, ...properties },
      allOf: rules,
    },
    uiSchema: {
      'ui:order': ['action', '*'],
      action: { 'ui:widget': 'radio', 'ui:enumNames': actions.map((a) => ACTION_LABELS[a]) },
      result: { 'ui:widget': 'textarea' },
      reason: { 'ui:widget': 'textarea' },
      comment: { 'ui:widget': 'textarea' },
    },
  });
}

export const gridVerifyForm = actionForm(
  'issue.grid_verify',
  '网格核实上报',
  ['report', 'self_handle', 'invalid'],
  { comment: text('核实情况', 1000), result: text('处置结果'), reason: text('无效原因', 500), attachments },
  [when('self_handle', ['result']), when('invalid', ['reason'])],
);

export const communityForm = actionForm(
  'issue.community',
  '社区接报',
  ['handle', 'escalate', 'transfer'],
  { result: text('办结情况'), reason: text('原因说明', 500), targetOrgId: orgId('转派至社区'), attachments },
  [when('handle', ['result']), when('escalate', ['reason']), when('transfer', ['targetOrgId', 'reason'])],
);

export const streetForm = actionForm(
  'issue.street',
  '街乡吹哨',
  ['accept', 'dispatch', 'redispatch', 'close_self', 'transfer', 'mark'],
  {
    complexity: { type: 'string', title: '问题类型', enum: ['general', 'complex'] },
    deptIds: { type: 'array', title: '派单部门', minItems: 1, maxItems: 10, uniqueItems: true, items: { type: 'integer', minimum: 1 } },
    comment: text('派单意见', 1000),
    result: text('办结情况'),
    targetOrgId: orgId('转办至街道（乡镇）'),
    reason: text('原因说明', 500),
    mark: { type: 'string', title: '信件标记', enum: LETTER_MARKS },
    attachments,
  },
  [
    when(['dispatch', 'redispatch'], ['deptIds']),
    when('close_self', ['result']),
    when('transfer', ['targetOrgId', 'reason']),
    when('mark', ['mark']),
  ],
);

export const departmentForm = actionForm(
  'issue.department',
  '部门报到',
  ['accept', 'sub_dispatch', 'return', 'request_extension', 'feedback'],
  {
    targetOrgId: orgId('调度至下属单位'),
    reason: text('原因说明', 500),
    workingDays: { type: 'integer', title: '延期工作日数', minimum: 1, maximum: 10 },
    result: text('办理结果'),
    attachments,
  },
  [
    when('sub_dispatch', ['targetOrgId']),
    when('return', ['reason']),
    when('request_extension', ['workingDays', 'reason']),
    when('feedback', ['result']),
  ],
);

export const extensionReviewForm = actionForm(
  'issue.extension_review',
  '延期审核',
  ['approve', 'reject'],
  { workingDays: { type: 'integer', title: '批准延期工作日数', minimum: 1, maximum: 10 }, reason: text('审核意见', 500) },
  [when('reject', ['reason'])],
);

export const verifyForm = actionForm(
  'issue.verify',
  '核查评价',
  ['pass', 'fail'],
  {
    stars: { type: 'integer', title: '评价（星级）', minimum: 1, maximum: 5 },
    comment: text('评价意见', 500),
    reason: text('不通过原因', 500),
    attachments,
  },
  [when('pass', ['stars']), when('fail', ['reason'])],
);

export const archiveForm = actionForm(
  'issue.archive',
  '归档',
  ['archive', 'return_feedback', 'mark'],
  { reason: text('退回原因', 500), mark: { type: 'string', title: '信件标记', enum: LETTER_MARKS } },
  [when('return_feedback', ['reason']), when('mark', ['mark'])],
);

export const supervisionNoticeForm = actionForm(
  'issue.supervision_notice',
  '督办提醒',
  ['acknowledge'],
  { comment: text('批示意见', 500) },
  [],
);
