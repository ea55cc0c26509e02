/** Chinese labels of resident fields, for the detail view and the version diff. */
export const residentFieldLabels: Record<string, string> = {
  name: '姓名',
  formerName: '曾用名',
  hukouAddress: '户籍地址',
  nativePlace: '籍贯',
  healthStatus: '健康状况',
  employmentStatus: '就业状况',
  workUnit: '工作单位',
  emergencyContactName: '紧急联系人',
  emergencyContactRelation: '紧急联系人关系',
  emergencyContactPhone: '紧急联系人电话',
  movedInOn: '迁入日期',
  gender: '性别',
  birthDate: '出生日期',
  age: '年龄',
  ethnicity: '民族',
  idNumber: '公民身份号码',
  phone: '联系电话',
  education: '学历',
  maritalStatus: '婚姻状况',
  politicalStatus: '政治面貌',
  religion: '宗教信仰',
  occupation: '职业',
  employer: '工作单位',
  employment: '就业状况',
  relationToHead: '与户主关系',
  residenceType: '人口类型',
  registrationStatus: '人户状态',
  registeredAddress: '户籍地址',
  currentAddress: '现住址',
  address: '住址',
  emergencyContact: '紧急联系人',
  emergencyPhone: '紧急联系电话',
  vehicles: '车辆',
  pets: '宠物',
  dynamicStatus: '动态状态',
  status: '状态',
  tags: '标签',
  remark: '备注',
  householdId: '所属户',
  houseId: '所属房屋',
  gridId: '所属网格',
};

export const labelOf = (k: string) => residentFieldLabels[k] ?? k;

/** Tags arrive as plain names or as `{ name }` rows with history fields. */
export function tagText(t: unknown): string {
  if (typeof t === 'string') return t;
  if (t && typeof t === 'object') {
    const o = t as Record<string, unknown>;
    return String(o.name ?? o.tag ?? o.label ?? o.code ?? '');
  }
  return String(t);
}
