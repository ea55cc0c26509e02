/**
 * Dictionaries of the demo city: Karamay's real districts and streets (街道/乡镇) near their real
 * locations, name pools by ethnicity, and the descriptive values element rows take.
 */
import type { Prng } from './prng';

export interface StreetDef {
  name: string;
  /** Communities per street in the `city` size; rural towns have villages (村). */
  communities: number;
  rural?: boolean;
}

export interface DistrictDef {
  name: string;
  /** GB/T 2260 area code, also the first 6 digits of locals' ID numbers. */
  areaCode: string;
  /** Approximate centre [lon, lat] and the box the demo district covers [width, height] in degrees. */
  center: [number, number];
  size: [number, number];
  roads: string[];
  streets: StreetDef[];
}

export const DISTRICTS: readonly DistrictDef[] = [
  {
    name: '克拉玛依区',
    areaCode: '650203',
    center: [84.87, 45.6],
    size: [0.2, 0.14],
    roads: [
      '准噶尔路',
      '友谊路',
      '迎宾路',
      '胜利路',
      '昆仑路',
      '天山路',
      '银河路',
      '塔河路',
      '世纪大道',
      '长征路',
      '油建路',
      '宝石路',
      '南新路',
      '北新路',
      '跃进路',
      '和平路',
    ],
    streets: [
      { name: '昆仑路街道', communities: 18 },
      { name: '胜利路街道', communities: 18 },
      { name: '银河路街道', communities: 18 },
      { name: '天山路街道', communities: 18 },
      { name: '迎宾街道', communities: 18 },
      { name: '小拐乡', communities: 8, rural: true },
    ],
  },
  {
    name: '独山子区',
    areaCode: '650202',
    center: [84.89, 44.33],
    size: [0.12, 0.08],
    roads: ['大庆东路', '大庆西路', '金山路', '西宁路', '北京路', '天伦路', '独山子大道', '乌鲁木齐路', '第一大街'],
    streets: [
      { name: '金山路街道', communities: 9 },
      { name: '西宁路街道', communities: 9 },
      { name: '新北区街道', communities: 9 },
      { name: '那仁苏拉乡', communities: 5, rural: true },
    ],
  },
  {
    name: '白碱滩区',
    areaCode: '650204',
    center: [85.13, 45.69],
    size: [0.1, 0.07],
    roads: ['中兴路', '平北路', '百口泉路', '建设路', '康宁路', '金龙路'],
    streets: [
      { name: '中兴路街道', communities: 11 },
      { name: '三平镇', communities: 6, rural: true },
    ],
  },
  {
    name: '乌尔禾区',
    areaCode: '650205',
    center: [85.69, 46.09],
    size: [0.09, 0.06],
    roads: ['柳树街', '魔鬼城路', '白杨路', '和谐路', '艾里克湖路'],
    streets: [
      { name: '柳树街街道', communities: 6 },
      { name: '乌尔禾镇', communities: 5, rural: true },
    ],
  },
];

export const COMMUNITY_NAMES = [
  '友谊',
  '幸福',
  '和平',
  '团结',
  '长征',
  '光明',
  '朝阳',
  '红星',
  '金龙',
  '油城',
  '石化',
  '振兴',
  '康乐',
  '阳光',
  '绿园',
  '碧水',
  '雅园',
  '文化',
  '北湖',
  '南湖',
  '东湖',
  '西苑',
  '百花',
  '世纪',
  '准噶尔',
  '九龙潭',
  '白杨',
  '胡杨',
  '红柳',
  '黑油山',
  '春晖',
  '锦绣',
  '华山',
  '金星',
  '火炬',
  '油建',
  '钻井',
  '采油',
  '前进',
  '建设',
  '育才',
  '杏花',
  '新华',
  '紫荆',
  '南苑',
  '北苑',
  '泉水',
  '银杏',
  '恒信',
  '龙湖',
];
export const VILLAGE_NAMES = ['团结', '胜利', '红旗', '丰收', '新光', '先锋', '幸福', '和谐', '前进', '光明', '东风', '民族'];

/** Government departments (职能部门) beside the tree, at city level. */
export const DEPARTMENTS: readonly [string, string][] = [
  ['gaj', '克拉玛依市公安局'],
  ['mzj', '克拉玛依市民政局'],
  ['scjgj', '克拉玛依市市场监督管理局'],
  ['wjw', '克拉玛依市卫生健康委员会'],
  ['rsj', '克拉玛依市人力资源和社会保障局'],
  ['jyj', '克拉玛依市教育局'],
  ['zrzyj', '克拉玛依市自然资源局'],
  ['zjj', '克拉玛依市住房和城乡建设局'],
  ['xfj', '克拉玛依市信访局'],
];

export type Ethnicity = '汉族' | '维吾尔族' | '哈萨克族' | '回族' | '蒙古族' | '满族' | '锡伯族';
export const ETHNICITY_WEIGHTS: readonly [Ethnicity, number][] = [
  ['汉族', 76],
  ['维吾尔族', 14],
  ['哈萨克族', 4],
  ['回族', 3.5],
  ['蒙古族', 1.2],
  ['满族', 0.8],
  ['锡伯族', 0.5],
];

const HAN_SURNAMES =
  '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文'.split(
    '',
  );
const HUI_SURNAMES = '马马马白丁杨李金穆海沙哈纳'.split('');
const XIBE_SURNAMES = '关吴佟何韩安'.split('');
const HAN_MALE = '伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国志新海峰亮成东文博晨睿轩'.split('');
const HAN_FEMALE = '芳娜敏静丽艳娟霞秀玲燕红梅琳雪婷颖慧莉萍倩洁佳欣怡悦璐晶蕾薇琪瑶涵梦雅萱欢月兰'.split('');
const UY_MALE = [
  '艾力',
  '买买提',
  '阿不都',
  '艾尔肯',
  '吐尔逊',
  '依明',
  '肉孜',
  '努尔买买提',
  '阿迪力',
  '伊力哈木',
  '麦麦提',
  '热合曼',
  '阿布来提',
  '艾克拜尔',
  '吾买尔',
  '亚森',
  '卡德尔',
  '塔依尔',
  '阿里木',
  '艾合买提',
];
const UY_FEMALE = [
  '古丽',
  '阿依古丽',
  '热依拉',
  '帕提古丽',
  '迪丽努尔',
  '米热古丽',
  '阿依努尔',
  '努尔古丽',
  '祖丽胡玛尔',
  '古再丽努尔',
  '再努尔',
  '阿孜古丽',
  '哈丽旦',
  '玛依拉',
  '布海丽且姆',
];
const KZ_MALE = [
  '叶尔兰',
  '努尔兰',
  '别克',
  '哈那提',
  '叶尔江',
  '阿斯哈尔',
  '达吾列提',
  '马合沙提',
  '加恩斯',
  '阿依登',
  '吾拉孜别克',
  '叶尔波拉提',
  '胡安德克',
  '赛力克',
];
const KZ_FEMALE = ['古丽娜尔', '阿娜尔', '加娜尔', '阿克玛拉', '巴合提古丽', '努尔加玛丽', '沙吾列', '阿依达娜', '哈孜拉', '玛尔江'];
const MN_MALE = ['巴特尔', '额尔敦', '那仁', '苏和', '宝音', '孟和', '巴图', '朝鲁'];
const MN_FEMALE = ['其其格', '乌兰', '格日勒', '斯琴', '图雅', '萨仁', '娜仁', '高娃'];

/** Patronymic naming (维吾尔族, 哈萨克族): given name · father's given name. */
export function isPatronymic(e: Ethnicity): boolean {
  return e === '维吾尔族' || e === '哈萨克族';
}

export interface FamilyName {
  /** Surname (Han style) or the father's given name (patronymic), or '' for single names. */
  family: string;
  ethnicity: Ethnicity;
}

export function familyNameFor(rng: Prng, ethnicity: Ethnicity): FamilyName {
  switch (ethnicity) {
    case '回族':
      return { family: rng.pick(HUI_SURNAMES), ethnicity };
    case '锡伯族':
      return { family: rng.pick(XIBE_SURNAMES), ethnicity };
    case '维吾尔族':
      return { family: rng.pick(UY_MALE), ethnicity };
    case '哈萨克族':
      return { family: rng.pick(KZ_MALE), ethnicity };
    case '蒙古族':
      return { family: '', ethnicity };
    default:
      return { family: rng.pick(HAN_SURNAMES), ethnicity };
  }
}

/** A person's full name in a family; `given` alone is returned too (patronymics of children). */
export function personName(rng: Prng, fam: FamilyName, male: boolean): { name: string; given: string } {
  const e = fam.ethnicity;
  if (isPatronymic(e)) {
    const pool = e === '维吾尔族' ? (male ? UY_MALE : UY_FEMALE) : male ? KZ_MALE : KZ_FEMALE;
    const given = rng.pick(pool);
    return { name: `${given}·${fam.family}`, given };
  }
  if (e === '蒙古族') {
    const given = rng.pick(male ? MN_MALE : MN_FEMALE);
    return { name: given, given };
  }
  const pool = male ? HAN_MALE : HAN_FEMALE;
  const given = rng.chance(0.7) ? rng.pick(pool) + rng.pick(pool) : rng.pick(pool);
  return { name: fam.family + given, given };
}

export const RESIDENTIAL_NAMES = [
  '石油花园',
  '天山小区',
  '友谊小区',
  '金龙小区',
  '银河小区',
  '油建小区',
  '南湖小区',
  '锦绣家园',
  '阳光花园',
  '世纪花园',
  '碧水云天',
  '白杨小区',
  '胡杨小区',
  '幸福家园',
  '和谐家园',
  '康乐小区',
  '绿洲花园',
  '雅苑',
  '明园',
  '文化小区',
];

export const MERCHANT_KINDS: readonly [string, string[]][] = [
  ['餐饮', ['牛肉面馆', '拌面馆', '烤肉店', '火锅店', '抓饭馆', '馕坑', '包子铺', '饺子馆', '快餐店']],
  ['零售', ['超市', '便利店', '百货店', '烟酒店', '水果店', '蔬菜店']],
  ['美容美发', ['美发店', '美容院', '理发店']],
  ['维修', ['汽修店', '家电维修部', '修鞋店', '开锁店']],
  ['医药', ['大药房', '诊所']],
  ['服装', ['服装店', '鞋店', '裁缝铺']],
  ['五金建材', ['五金店', '建材店', '灯具店']],
  ['教育培训', ['培训中心', '书画室', '琴行']],
  ['住宿', ['宾馆', '招待所']],
  ['快递物流', ['快递站', '物流点']],
];
export const SHOP_PREFIXES = [
  '惠民',
  '老王',
  '阿里木',
  '金牌',
  '鑫源',
  '平安',
  '好运来',
  '丝路',
  '天山',
  '油城',
  '红星',
  '顺达',
  '福满多',
  '喜来',
  '巴扎',
  '家家乐',
  '新疆味',
  '老城',
  '古丽',
  '兴旺',
];

export const ENTERPRISE_INDUSTRIES = [
  '石油开采',
  '石油化工',
  '油田技术服务',
  '建筑施工',
  '交通运输',
  '信息技术',
  '批发零售',
  '餐饮住宿',
  '物业管理',
  '新能源',
  '农业',
  '金融',
];
export const ENTERPRISE_WORDS = [
  '众诚',
  '恒通',
  '油源',
  '准噶尔',
  '天和',
  '新鑫',
  '华油',
  '金戈壁',
  '瑞达',
  '科力',
  '宏远',
  '昆仑',
  '润丰',
  '鼎盛',
  '远航',
  '博达',
];
export const ENTERPRISE_SUFFIXES: readonly [string, string][] = [
  ['石油开采', '石油技术有限公司'],
  ['石油化工', '化工有限公司'],
  ['油田技术服务', '油田技术服务有限公司'],
  ['建筑施工', '建设工程有限公司'],
  ['交通运输', '运输有限公司'],
  ['信息技术', '信息技术有限公司'],
  ['批发零售', '商贸有限公司'],
  ['餐饮住宿', '餐饮管理有限公司'],
  ['物业管理', '物业服务有限公司'],
  ['新能源', '新能源有限公司'],
  ['农业', '农业科技有限公司'],
  ['金融', '小额贷款有限公司'],
];

export const INSTITUTION_CATEGORIES: readonly [string, string[]][] = [
  ['学校', ['小学', '中学', '幼儿园', '职业技术学校']],
  ['医院', ['社区卫生服务中心', '人民医院分院', '中医医院门诊部']],
  ['党政机关', ['税务所', '派出所', '司法所', '市场监管所']],
  ['事业单位', ['供水站', '供热站', '文化馆分馆', '图书馆分馆']],
  ['国有企业', ['新疆油田公司作业区', '克拉玛依石化公司分厂', '国网供电所']],
  ['社会组织', ['社工服务站', '志愿者协会', '老年协会']],
];

export const FACILITY_TYPES: readonly [string, string][] = [
  ['消防栓', '消防救援支队'],
  ['路灯', '市政管理处'],
  ['公厕', '环卫处'],
  ['垃圾收集点', '环卫处'],
  ['健身设施', '社区居委会'],
  ['监控探头', '公安分局'],
  ['井盖', '市政管理处'],
  ['充电桩', '国网供电所'],
  ['电动车充电棚', '物业公司'],
  ['应急避难场所', '应急管理局'],
];

export const WORK_UNITS: readonly [string, string[]][] = [
  ['中国石油新疆油田公司', ['采油工', '工程师', '技术员', '管理人员', '钻井工']],
  ['中国石油克拉玛依石化公司', ['操作工', '工程师', '技术员', '管理人员']],
  ['克拉玛依市中心医院', ['医生', '护士', '药剂师']],
  ['克拉玛依市第一中学', ['教师']],
  ['克拉玛依职业技术学院', ['教师', '行政人员']],
  ['社区居委会', ['社区工作者']],
  ['克拉玛依市人民政府', ['公务员']],
  ['个体经营', ['个体户']],
  ['新疆油田建设集团', ['建筑工人', '工程师']],
  ['克拉玛依市公交公司', ['驾驶员']],
  ['物业公司', ['保安', '保洁员', '维修工']],
];

/** ID-number area codes of migrants (流动人口) from elsewhere in Xinjiang and other provinces. */
export const MIGRANT_AREA_CODES = [
  '650102',
  '650104',
  '652301',
  '654002',
  '652801',
  '650402',
  '410102',
  '510104',
  '620102',
  '500101',
  '370102',
  '130102',
  '612301',
  '411302',
];
export const MIGRANT_PLACES: Record<string, string> = {
  '650102': '新疆乌鲁木齐市天山区',
  '650104': '新疆乌鲁木齐市新市区',
  '652301': '新疆昌吉市',
  '654002': '新疆伊宁市',
  '652801': '新疆库尔勒市',
  '650402': '新疆吐鲁番市高昌区',
  '410102': '河南省郑州市',
  '510104': '四川省成都市',
  '620102': '甘肃省兰州市',
  '500101': '重庆市万州区',
  '370102': '山东省济南市',
  '130102': '河北省石家庄市',
  '612301': '陕西省汉中市',
  '411302': '河南省南阳市',
};

export const PART_TIME_TYPES_IN = ['下沉干部'];
export const PART_TIME_TYPES_OUT = ['社会组织', '居民代表', '物业负责人', '业主代表', '联户长', '志愿者'];
export const CADRE_UNITS = ['克拉玛依区人民政府', '区委组织部', '区财政局', '区教育局', '区卫健委', '区住建局', '区民政局', '区人社局'];
