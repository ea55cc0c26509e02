/** 演示审批表单: the form of the demo approval task (workflows/demo-approval.ts). */
import { registerForm } from './index';

export const demoApprovalForm = registerForm({
  key: 'demo-approval',
  title: '审批',
  schema: {
    type: 'object',
    required: ['decision'],
    additionalProperties: false,
    properties: {
      decision: { type: 'string', title: '审批意见', enum: ['approve', 'reject'] },
      comment: { type: 'string', title: '说明', maxLength: 500 },
    },
    // Rejecting needs a reason the applicant can act on.
    if: { properties: { decision: { const: 'reject' } } },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword if/then
    then: { required: ['comment'], properties: { comment: { minLength: 2 } } },
  },
  uiSchema: {
    decision: { 'ui:widget': 'radio', 'ui:enumNames': ['同意', '不同意'] },
    comment: { 'ui:widget': 'textarea', 'ui:placeholder': '不同意时请写明理由' },
  },
});
