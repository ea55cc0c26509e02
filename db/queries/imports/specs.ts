/**
 * Column specifications of the Excel import/export per element type (G-7): the template's columns,
 * how each cell is checked (Chinese messages naming row and column), the natural key that makes a
 * re-import idempotent, and how a row is placed: a resident through its 户编号, a house through its
 * 楼栋编码, a household through its house (楼栋编码 + 单元 + 室号), the others through 网格编码.
 *
 * Natural keys: resident ID number and grid-worker mobile phone (both through their blind index,
 * the plain value is never stored), household 户编号, building 楼栋编码, house 楼栋编码 + 单元 + 室号,
 * enterprise / institution 统一社会信用代码, merchant 营业执照号, facility 设施编码. A grid worker is
 * keyed by phone, not by name + grid: names repeat, and a worker moving to another grid is the same
 * person (the import moves them).
 */
import { isValidIdNumber } from '../../sensitive';

export type ImportType =
  | 'resident'
  | 'household'
  | 'building'
  | 'house'
  | 'enterprise'
  | 'merchant'
  | 'institution'
  | 'facility'
  | 'grid_worker';
export const IMPORT_TYPES: readonly ImportType[] = [
  'resident',
  'household',
  'building',
  'house',
  'enterprise',
  'merchant',
  'institution',
  'facility',
  'grid_worker',
];
export const IMPORT_LABELS: Record<ImportType, string> = {
  resident: '居民',
  household: '居民户',
  building: '楼栋',
  house: '房屋',
  enterprise: '企业',
  merchant: '商户',
  institution: '驻区单位',
  facility: '公共设施',
  grid_worker: '网格员',
};

export type CellKind =
  | 'text'
  | 'int'
  | 'signedInt'
  | 'decimal'
  | 'date'
  | 'enum'
  | 'bool'
  | 'idNumber'
  | 'phone'
  | 'creditCode'
  | 'lon'
  | 'lat';

export interface ImportColumn {
  /** Field name in the patch / export row. */
  key: string;
  header: string;
  kind: CellKind;
  required?: boolean;
  max?: number;
  options?: readonly string[];
  /** Database column (plain columns only; sensitive ones are handled by the importer). */
  column?: string;
  /** enum: the stored code of each option (the sheet shows the Chinese option). */
  codes?: Readonly<Record<string, string>>;
  /** An empty cell keeps the column's database default (NOT NULL columns with a default). */
  keepDefault?: boolean;
  note?: string;
}

export interface ImportSpec {
  type: ImportType;
  table: string;
  columns: ImportColumn[];
  /**
   * The natural key: the field(s) that identify a row, and the DB column a single key matches
   * (`blind`: stored as its blind index). The house key (building, unit, room) is looked up by the
   * importer through the building.
   */
  naturalKey: { keys: string[]; column?: string; blind?: boolean };
  /** How the row finds its place: household number, building code, house (building + unit + room) or grid code. */
  placement: 'household' | 'grid' | 'building' | 'house';
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100 unified social credit code: 18 characters with a check character. */
export function isValidCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(code[i]) * USCC_WEIGHTS[i];
  return USCC_CHARS[(31 - (sum % 31)) % 31] === code[17];
}

const GRID: ImportColumn = {
  key: 'gridCode',
  header: '网格编码',
  kind: 'text',
  required: true,
  max: 32,
  note: '所属网格的编码（组织机构中可查）',
};
const LON: ImportColumn = { key: 'lon', header: '经度', kind: 'lon', note: 'WGS-84 经度，如 84.8731' };
const LAT: ImportColumn = { key: 'lat', header: '纬度', kind: 'lat', note: 'WGS-84 纬度，如 45.5959' };

export const SPECS: Record<ImportType, ImportSpec> = {
  resident: {
    type: 'resident',
    table: 'residents',
    naturalKey: { keys: ['idNumber'], column: 'id_number_idx', blind: true },
    placement: 'household',
    columns: [
      { key: 'name', header: '姓名', kind: 'text', required: true, max: 50, column: 'name' },
      { key: 'idNumber', header: '身份证号', kind: 'idNumber', required: true, note: '18 位，末位可为 X；出生日期和性别须与号码一致' },
      { key: 'gender', header: '性别', kind: 'enum', required: true, options: ['男', '女'], column: 'gender' },
      { key: 'birthDate', header: '出生日期', kind: 'date', required: true, column: 'birth_date', note: '格式 YYYY-MM-DD' },
      { key: 'ethnicity', header: '民族', kind: 'text', required: true, max: 16, column: 'ethnicity' },
      {
        key: 'householdNo',
        header: '户编号',
        kind: 'text',
        required: true,
        max: 40,
        note: '居民所在户的户编号（须已登记且在您的管辖范围内）',
      },
      { key: 'relationToHead', header: '与户主关系', kind: 'text', max: 16, column: 'relation_to_head' },
      { key: 'phone', header: '联系电话', kind: 'phone' },
      {
        key: 'residenceType',
        header: '人口类型',
        kind: 'enum',
        required: true,
        options: ['户籍人口', '流动人口', '寄住人口', '境外人员'],
        column: 'residence_type',
      },
      {
        key: 'registrationStatus',
        header: '人户状态',
        kind: 'enum',
        required: true,
        options: ['人户一致', '人在户不在', '户在人不在'],
        column: 'registration_status',
      },
      { key: 'hukouAddress', header: '户籍地址', kind: 'text', max: 200, column: 'hukou_address' },
      { key: 'education', header: '学历', kind: 'text', max: 16, column: 'education' },
      { key: 'politicalStatus', header: '政治面貌', kind: 'text', max: 16, column: 'political_status' },
      { key: 'maritalStatus', header: '婚姻状况', kind: 'text', max: 16, column: 'marital_status' },
      { key: 'healthStatus', header: '健康状况', kind: 'enum', options: ['健康', '慢性病', '残疾', '重病'], column: 'health_status' },
      { key: 'employmentStatus', header: '就业状况', kind: 'text', max: 16, column: 'employment_status' },
      { key: 'workUnit', header: '工作单位', kind: 'text', max: 100, column: 'work_unit' },
    ],
  },
  enterprise: {
    type: 'enterprise',
    table: 'enterprises',
    naturalKey: { keys: ['creditCode'], column: 'credit_code' },
    placement: 'grid',
    columns: [
      { key: 'name', header: '企业名称', kind: 'text', required: true, max: 100, column: 'name' },
      { key: 'creditCode', header: '统一社会信用代码', kind: 'creditCode', required: true, column: 'credit_code' },
      {
        key: 'enterpriseType',
        header: '企业类型',
        kind: 'enum',
        required: true,
        options: ['国有企业', '民营企业', '外资企业', '集体企业', '个人独资企业'],
        column: 'enterprise_type',
      },
      { key: 'industry', header: '所属行业', kind: 'text', required: true, max: 32, column: 'industry' },
      { key: 'legalRepresentative', header: '法定代表人', kind: 'text', required: true, max: 50, column: 'legal_representative' },
      { key: 'registeredCapital', header: '注册资本（万元）', kind: 'decimal', column: 'registered_capital' },
      { key: 'employees', header: '从业人数', kind: 'int', column: 'employees' },
      { key: 'establishedOn', header: '成立日期', kind: 'date', column: 'established_on' },
      { key: 'address', header: '地址', kind: 'text', required: true, max: 200, column: 'address' },
      { key: 'status', header: '经营状态', kind: 'enum', required: true, options: ['存续', '在业', '迁出', '注销'], column: 'status' },
      { key: 'aboveScale', header: '规上企业', kind: 'bool', column: 'above_scale', note: '填“是”或“否”' },
      GRID,
      LON,
      LAT,
    ],
  },
  merchant: {
    type: 'merchant',
    table: 'merchants',
    naturalKey: { keys: ['licenseNo'], column: 'license_no' },
    placement: 'grid',
    columns: [
      { key: 'name', header: '商户名称', kind: 'text', required: true, max: 100, column: 'name' },
      {
        key: 'licenseNo',
        header: '营业执照号',
        kind: 'creditCode',
        required: true,
        column: 'license_no',
        note: '统一社会信用代码（18 位）',
      },
      { key: 'signName', header: '招牌名称', kind: 'text', max: 100, column: 'sign_name' },
      { key: 'industry', header: '所属行业', kind: 'text', required: true, max: 32, column: 'industry' },
      { key: 'operatorName', header: '经营者', kind: 'text', required: true, max: 50, column: 'operator_name' },
      { key: 'address', header: '地址', kind: 'text', required: true, max: 200, column: 'address' },
      { key: 'employees', header: '从业人数', kind: 'int', column: 'employees' },
      { key: 'status', header: '经营状态', kind: 'enum', required: true, options: ['营业', '停业', '歇业', '注销'], column: 'status' },
      GRID,
      LON,
      LAT,
    ],
  },
  institution: {
    type: 'institution',
    table: 'institutions',
    naturalKey: { keys: ['creditCode'], column: 'credit_code' },
    placement: 'grid',
    columns: [
      { key: 'name', header: '单位名称', kind: 'text', required: true, max: 100, column: 'name' },
      { key: 'creditCode', header: '统一社会信用代码', kind: 'creditCode', required: true, column: 'credit_code' },
      { key: 'category', header: '单位类别', kind: 'text', required: true, max: 32, column: 'category' },
      { key: 'contactPerson', header: '联系人', kind: 'text', max: 50, column: 'contact_person' },
      { key: 'address', header: '地址', kind: 'text', required: true, max: 200, column: 'address' },
      { key: 'staffCount', header: '职工人数', kind: 'int', column: 'staff_count' },
      { key: 'coBuilding', header: '共驻共建单位', kind: 'bool', column: 'co_building', note: '填“是”或“否”' },
      GRID,
      LON,
      LAT,
    ],
  },
  facility: {
    type: 'facility',
    table: 'public_facilities',
    naturalKey: { keys: ['code'], column: 'code' },
    placement: 'grid',
    columns: [
      { key: 'code', header: '设施编码', kind: 'text', required: true, max: 40, column: 'code' },
      { key: 'name', header: '设施名称', kind: 'text', required: true, max: 100, column: 'name' },
      { key: 'type', header: '设施类型', kind: 'text', required: true, max: 32, column: 'type' },
      { key: 'status', header: '设施状态', kind: 'enum', required: true, options: ['正常', '损坏', '维修中', '停用'], column: 'status' },
      { key: 'address', header: '地址', kind: 'text', max: 200, column: 'address' },
      { key: 'managerUnit', header: '管理单位', kind: 'text', max: 100, column: 'manager_unit' },
      { key: 'installedOn', header: '安装日期', kind: 'date', column: 'installed_on' },
      GRID,
      LON,
      LAT,
    ],
  },
  building: {
    type: 'building',
    table: 'buildings',
    naturalKey: { keys: ['code'], column: 'code' },
    placement: 'grid',
    columns: [
      { key: 'code', header: '楼栋编码', kind: 'text', required: true, max: 40, column: 'code', note: '全市唯一，如网格编码加三位序号' },
      { key: 'name', header: '楼栋名称', kind: 'text', required: true, max: 100, column: 'name' },
      { key: 'number', header: '楼号', kind: 'text', required: true, max: 20, column: 'number' },
      { key: 'address', header: '地址', kind: 'text', required: true, max: 200, column: 'address' },
      {
        key: 'type',
        header: '楼栋类型',
        kind: 'enum',
        required: true,
        options: ['住宅', '商业楼宇', '商混', '别墅', '车库', '宿舍', '办公', '厂房', '其他'],
        column: 'type',
      },
      { key: 'structure', header: '结构', kind: 'enum', options: ['砖混', '框架', '钢混', '钢结构'], column: 'structure' },
      { key: 'floors', header: '地上层数', kind: 'int', required: true, column: 'floors' },
      { key: 'undergroundFloors', header: '地下层数', kind: 'int', column: 'underground_floors', keepDefault: true, note: '空白为 0' },
      { key: 'units', header: '单元数', kind: 'int', required: true, column: 'units' },
      { key: 'roomsPerFloor', header: '每层户数', kind: 'int', required: true, column: 'rooms_per_floor', note: '每个单元每层的户数' },
      { key: 'builtYear', header: '建成年份', kind: 'int', column: 'built_year' },
      { key: 'propertyCompany', header: '物业公司', kind: 'text', max: 100, column: 'property_company' },
      { key: 'buildingManager', header: '楼栋长', kind: 'text', max: 50, column: 'building_manager' },
      GRID,
      LON,
      LAT,
    ],
  },
  house: {
    type: 'house',
    table: 'houses',
    naturalKey: { keys: ['buildingCode', 'unitNo', 'roomNo'] },
    placement: 'building',
    columns: [
      {
        key: 'buildingCode',
        header: '楼栋编码',
        kind: 'text',
        required: true,
        max: 40,
        note: '房屋所在楼栋（须已登记且在您的管辖范围内）',
      },
      { key: 'unitNo', header: '单元', kind: 'int', required: true, column: 'unit_no', note: '从 1 起，不超过楼栋的单元数' },
      { key: 'floor', header: '楼层', kind: 'signedInt', required: true, column: 'floor', note: '地下层填负数，如 -1' },
      { key: 'roomNo', header: '室号', kind: 'text', required: true, max: 20, column: 'room_no', note: '如 302；同一楼栋同一单元内唯一' },
      {
        key: 'type',
        header: '房屋类型',
        kind: 'enum',
        required: true,
        options: ['住宅', '商业用房', '商混', '别墅', '车库', '宿舍', '办公'],
        column: 'type',
      },
      { key: 'area', header: '建筑面积（㎡）', kind: 'decimal', column: 'area' },
      { key: 'use', header: '用途', kind: 'enum', required: true, options: ['居住', '经营', '办公', '仓储', '闲置'], column: 'use' },
      {
        key: 'status',
        header: '房屋状态',
        kind: 'enum',
        required: true,
        options: ['自住', '出租', '空置', '借住', '经营'],
        column: 'status',
      },
      {
        key: 'propertyRight',
        header: '产权性质',
        kind: 'enum',
        options: ['商品房', '房改房', '公租房', '廉租房', '自建房', '单位产权'],
        column: 'property_right',
      },
      { key: 'ownerName', header: '产权人', kind: 'text', max: 50, column: 'owner_name' },
    ],
  },
  household: {
    type: 'household',
    table: 'households',
    naturalKey: { keys: ['householdNo'], column: 'household_no' },
    placement: 'house',
    columns: [
      { key: 'householdNo', header: '户编号', kind: 'text', required: true, max: 40, column: 'household_no', note: '全市唯一' },
      { key: 'buildingCode', header: '楼栋编码', kind: 'text', required: true, max: 40, note: '该户所住房屋的楼栋' },
      { key: 'unitNo', header: '单元', kind: 'int', required: true },
      { key: 'roomNo', header: '室号', kind: 'text', required: true, max: 20, note: '房屋须已登记（可先导入房屋）' },
      { key: 'type', header: '户类型', kind: 'enum', required: true, options: ['家庭户', '集体户'], column: 'type' },
      { key: 'residenceKind', header: '户类别', kind: 'enum', options: ['户籍户', '流动户', '人户分离'], column: 'residence_kind' },
    ],
  },
  grid_worker: {
    type: 'grid_worker',
    table: 'grid_workers',
    naturalKey: { keys: ['phone'], column: 'phone_idx', blind: true },
    placement: 'grid',
    columns: [
      { key: 'name', header: '姓名', kind: 'text', required: true, max: 50, column: 'name' },
      {
        key: 'phone',
        header: '手机号',
        kind: 'phone',
        required: true,
        note: '用于识别网格员（同一手机号即同一人），重复导入按手机号更新',
      },
      { key: 'gender', header: '性别', kind: 'enum', options: ['男', '女'], column: 'gender' },
      {
        key: 'kind',
        header: '网格员类型',
        kind: 'enum',
        required: true,
        options: ['专职', '兼职', '专属'],
        codes: { 专职: 'full_time', 兼职: 'part_time', 专属: 'exclusive' },
        column: 'kind',
      },
      {
        key: 'subKind',
        header: '岗位/身份',
        kind: 'enum',
        required: true,
        options: ['网格长', '网格员', '体制内', '体制外'],
        codes: { 网格长: 'leader', 网格员: 'member', 体制内: 'in_system', 体制外: 'out_system' },
        column: 'sub_kind',
        note: '专职、专属填网格长或网格员；兼职填体制内或体制外',
      },
      {
        key: 'partTimeType',
        header: '兼职类别',
        kind: 'enum',
        options: ['下沉干部', '社会组织', '居民代表', '物业负责人', '业主代表', '联户长', '志愿者'],
        column: 'part_time_type',
        note: '仅兼职网格员填写',
      },
      { key: 'workUnit', header: '所在单位', kind: 'text', max: 100, column: 'work_unit' },
      {
        key: 'status',
        header: '在岗状态',
        kind: 'enum',
        options: ['在岗', '请假', '离岗'],
        codes: { 在岗: 'active', 请假: 'leave', 离岗: 'left' },
        column: 'status',
        keepDefault: true,
        note: '空白为在岗',
      },
      { key: 'joinedOn', header: '入职日期', kind: 'date', column: 'joined_on', note: '格式 YYYY-MM-DD' },
      { ...GRID, note: '所属网格的编码；专属网格员须属于专属网格' },
    ],
  },
};

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Checks and converts one cell; returns the value or a Chinese message. */
export function parseCell(col: ImportColumn, raw: string): { value: unknown } | { error: string } {
  const v = raw.trim();
  if (!v) return col.required ? { error: `“${col.header}”不能为空` } : { value: null };
  switch (col.kind) {
    case 'text':
      return col.max && v.length > col.max ? { error: `“${col.header}”不能超过 ${col.max} 个字` } : { value: v };
    case 'enum':
      return col.options?.includes(v) ? { value: col.codes?.[v] ?? v } : { error: `“${col.header}”只能填：${col.options?.join('、')}` };
    case 'int':
      return /^\d{1,9}$/.test(v) ? { value: Number(v) } : { error: `“${col.header}”须为整数` };
    case 'signedInt':
      return /^-?\d{1,6}$/.test(v) ? { value: Number(v) } : { error: `“${col.header}”须为整数（地下层填负数）` };
    case 'decimal':
      return /^\d{1,12}(\.\d{1,2})?$/.test(v) ? { value: Number(v) } : { error: `“${col.header}”须为数字（最多两位小数）` };
    case 'date': {
      const ok = DATE_RE.test(v) && !Number.isNaN(Date.parse(v)) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;
      return ok ? { value: v } : { error: `“${col.header}”日期格式不正确，请按 YYYY-MM-DD 填写` };
    }
    case 'bool':
      return v === '是' ? { value: true } : v === '否' ? { value: false } : { error: `“${col.header}”请填“是”或“否”` };
    case 'idNumber': {
      const id = v.toUpperCase();
      return isValidIdNumber(id) ? { value: id } : { error: `“${col.header}”格式或校验位不正确，请核对 18 位号码` };
    }
    case 'phone':
      return /^1\d{10}$|^0\d{2,3}-?\d{7,8}$/.test(v) ? { value: v } : { error: `“${col.header}”请填写 11 位手机号或带区号的固定电话` };
    case 'creditCode': {
      const c = v.toUpperCase();
      return isValidCreditCode(c) ? { value: c } : { error: `“${col.header}”不是有效的 18 位统一社会信用代码，请核对` };
    }
    case 'lon': {
      const n = Number(v);
      return Number.isFinite(n) && n >= 73 && n <= 136 ? { value: n } : { error: `“${col.header}”须为中国境内的 WGS-84 经度（73～136）` };
    }
    case 'lat': {
      const n = Number(v);
      return Number.isFinite(n) && n >= 3 && n <= 54 ? { value: n } : { error: `“${col.header}”须为中国境内的 WGS-84 纬度（3～54）` };
    }
  }
}
