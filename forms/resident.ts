/** 居民信息修改 (G-3): the editable fields of a resident; every change writes a version. */
import { registerForm } from './index';

const text = (title: string, maxLength = 50) => ({ type: ['string', 'null'], title, maxLength });

/** The editable fields of a resident (shared by the create and the update form). */
const RESIDENT_FIELDS = {
  name: { type: 'string', title: '姓名', minLength: 1, maxLength: 50 },
  formerName: text('曾用名'),
  gender: { type: 'string', title: '性别', enum: ['男', '女'] },
  birthDate: { type: 'string', title: '出生日期', format: 'date' },
  ethnicity: { type: 'string', title: '民族', minLength: 1, maxLength: 16 },
  idNumber: { type: 'string', title: '身份证号码', pattern: '^[0-9]{17}[0-9Xx]$' },
  phone: { type: ['string', 'null'], title: '联系电话', maxLength: 20 },
  relationToHead: text('与户主关系', 16),
  residenceType: { type: 'string', title: '人口类型', enum: ['户籍人口', '流动人口', '寄住人口', '境外人员'] },
  registrationStatus: { type: 'string', title: '人户状态', enum: ['人户一致', '人在户不在', '户在人不在'] },
  hukouAddress: text('户籍地址', 200),
  nativePlace: text('籍贯'),
  education: text('学历', 16),
  politicalStatus: text('政治面貌', 16),
  maritalStatus: text('婚姻状况', 16),
  religion: text('宗教信仰', 16),
  healthStatus: text('健康状况', 16),
  employmentStatus: text('就业状况', 16),
  workUnit: text('工作单位', 100),
  occupation: text('职业'),
  emergencyContactName: text('紧急联系人'),
  emergencyContactRelation: text('紧急联系人关系', 16),
  emergencyContactPhone: { type: ['string', 'null'], title: '紧急联系人电话', maxLength: 20 },
  vehicles: {
    type: 'array',
    title: '车辆',
    maxItems: 20,
    items: {
      type: 'object',
      required: ['plate'],
      additionalProperties: false,
      properties: {
        plate: { type: 'string', title: '车牌号', minLength: 1, maxLength: 12 },
        type: { type: 'string', maxLength: 16 },
        color: { type: 'string', maxLength: 16 },
      },
    },
  },
  pets: {
    type: 'array',
    title: '宠物',
    maxItems: 20,
    items: {
      type: 'object',
      required: ['kind'],
      additionalProperties: false,
      properties: {
        kind: { type: 'string', title: '种类', minLength: 1, maxLength: 16 },
        name: { type: 'string', maxLength: 20 },
        vaccinated: { type: 'boolean' },
      },
    },
  },
  dynamicStatus: { type: 'string', title: '动态状态', enum: ['在册', '迁出', '死亡', '失联'] },
  movedInOn: { type: ['string', 'null'], title: '迁入日期', format: 'date' },
};

export const residentUpdateForm = registerForm({
  key: 'resident.update',
  title: '修改居民信息',
  schema: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      ...RESIDENT_FIELDS,
      expectedVersion: { type: 'integer', title: '版本号', minimum: 1 },
      reason: { type: 'string', title: '变更原因', maxLength: 200 },
    },
  },
});

/** 新增居民 (G-3): a person moving into a household of the user's area; the ID number is unique. */
export const residentCreateForm = registerForm({
  key: 'resident.create',
  title: '新增居民',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['householdId', 'name', 'gender', 'birthDate', 'ethnicity', 'idNumber', 'residenceType', 'registrationStatus'],
    properties: {
      householdId: { type: 'integer', title: '所在居民户', minimum: 1 },
      ...RESIDENT_FIELDS,
      dynamicStatus: { ...RESIDENT_FIELDS.dynamicStatus, default: '在册' },
      reason: { type: 'string', title: '登记原因', maxLength: 200 },
    },
  },
});
