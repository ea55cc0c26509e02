/** 包户 bulk assignment and 包联 care teams (G-6, F-2). */
import { registerForm } from '../index';

export const coverageAssignForm = registerForm({
  key: 'coverage.assign',
  title: '批量包户',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['workerId'],
    oneOf: [{ required: ['buildingId'] }, { required: ['elementType', 'elementIds'] }],
    properties: {
      workerId: { type: 'integer', title: '包户网格员', minimum: 1 },
      buildingId: { type: 'integer', title: '楼栋', minimum: 1 },
      elementType: { type: 'string', title: '要素类型', enum: ['household', 'merchant', 'enterprise', 'institution', 'facility'] },
      elementIds: { type: 'array', title: '要素', minItems: 1, maxItems: 5000, items: { type: 'integer', minimum: 1 } },
    },
  },
});

export const careTeamForm = registerForm({
  key: 'care.team',
  title: '包联小组',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['residentId', 'careType', 'members'],
    properties: {
      residentId: { type: 'integer', title: '包联对象', minimum: 1 },
      careType: { type: 'string', title: '包联类型', enum: ['living_alone', 'solitary_elderly', 'disabled', 'health_color'] },
      healthColor: { type: ['string', 'null'], title: '健康分色', enum: ['红', '黄', '绿', null] },
      members: {
        type: 'array',
        title: '包联成员',
        minItems: 1,
        maxItems: 20,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['workerId', 'role'],
          properties: {
            workerId: { type: 'integer', title: '人员', minimum: 1 },
            role: { type: 'string', title: '角色', enum: ['full_time', 'part_time', 'volunteer'] },
          },
        },
      },
    },
  },
});
