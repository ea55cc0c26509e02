/**
 * 五方责任清单, the default tree: problem category → responsible parties. A party names a
 * department kind (matched against department org units by name within the issue's district, then
 * the city), so the list works for any district. Admins edit it on the 责任清单 page.
 */
export interface CategorySeed {
  code: string;
  name: string;
  complexity?: 'general' | 'complex';
  /** 主责 first, then 配合. */
  parties?: { party: '主责部门' | '配合部门' | '属地街道' | '属地社区' | '网格'; dept?: string }[];
  children?: CategorySeed[];
}

const lead = (dept: string, ...helpers: string[]) => [
  { party: '主责部门' as const, dept },
  ...helpers.map((d) => ({ party: '配合部门' as const, dept: d })),
  { party: '属地街道' as const },
  { party: '属地社区' as const },
  { party: '网格' as const },
];

export const DEFAULT_ISSUE_CATEGORIES: CategorySeed[] = [
  {
    code: 'CG',
    name: '城市管理',
    children: [
      { code: 'CG01', name: '市容环境卫生', parties: lead('城管') },
      { code: 'CG02', name: '违章搭建', parties: lead('城管', '自然资源'), complexity: 'complex' },
      { code: 'CG03', name: '占道经营', parties: lead('城管', '市监') },
      { code: 'CG04', name: '园林绿化', parties: lead('住建') },
    ],
  },
  {
    code: 'SZ',
    name: '市政设施',
    children: [
      { code: 'SZ01', name: '道路破损', parties: lead('住建') },
      { code: 'SZ02', name: '路灯故障', parties: lead('住建') },
      { code: 'SZ03', name: '供水供热', parties: lead('住建'), complexity: 'complex' },
      { code: 'SZ04', name: '井盖缺失', parties: lead('住建', '城管') },
    ],
  },
  {
    code: 'WY',
    name: '住房物业',
    children: [
      { code: 'WY01', name: '物业服务纠纷', parties: lead('住建') },
      { code: 'WY02', name: '老旧小区改造', parties: lead('住建', '发改'), complexity: 'complex' },
      { code: 'WY03', name: '电梯故障', parties: lead('市监', '住建') },
    ],
  },
  {
    code: 'AQ',
    name: '安全隐患',
    children: [
      { code: 'AQ01', name: '消防隐患', parties: lead('消防', '应急') },
      { code: 'AQ02', name: '燃气安全', parties: lead('住建', '应急') },
      { code: 'AQ03', name: '食品安全', parties: lead('市监') },
      { code: 'AQ04', name: '生产安全', parties: lead('应急'), complexity: 'complex' },
    ],
  },
  {
    code: 'MD',
    name: '矛盾纠纷',
    children: [
      { code: 'MD01', name: '邻里纠纷', parties: lead('司法') },
      { code: 'MD02', name: '劳资纠纷', parties: lead('人社'), complexity: 'complex' },
      { code: 'MD03', name: '婚姻家庭纠纷', parties: lead('司法', '妇联') },
      { code: 'MD04', name: '信访诉求', parties: lead('信访'), complexity: 'complex' },
    ],
  },
  {
    code: 'ZA',
    name: '社会治安',
    children: [
      { code: 'ZA01', name: '治安隐患', parties: lead('公安') },
      { code: 'ZA02', name: '电信诈骗防范', parties: lead('公安') },
    ],
  },
  {
    code: 'MS',
    name: '民生服务',
    children: [
      { code: 'MS01', name: '社会救助', parties: lead('民政') },
      { code: 'MS02', name: '养老服务', parties: lead('民政', '卫健') },
      { code: 'MS03', name: '就业帮扶', parties: lead('人社') },
      { code: 'MS04', name: '医疗卫生', parties: lead('卫健') },
      { code: 'MS05', name: '教育入学', parties: lead('教育') },
    ],
  },
  {
    code: 'HB',
    name: '生态环境',
    children: [
      { code: 'HB01', name: '噪声扰民', parties: lead('生态环境', '公安') },
      { code: 'HB02', name: '油烟污染', parties: lead('生态环境', '城管') },
    ],
  },
];

/**
 * How a department kind in the list is recognised among department org units: the short name the
 * users speak, or words of the full official name (住建 → 克拉玛依市住房和城乡建设局).
 */
export const DEPARTMENT_KEYWORDS: Record<string, string[]> = {
  住建: ['住建', '住房和城乡建设'],
  城管: ['城管', '城市管理'],
  市监: ['市监', '市场监督'],
  卫健: ['卫健', '卫生健康'],
  人社: ['人社', '人力资源和社会保障'],
  自然资源: ['自然资源'],
  公安: ['公安'],
  民政: ['民政'],
  教育: ['教育'],
  信访: ['信访'],
  应急: ['应急'],
  消防: ['消防'],
  司法: ['司法'],
  妇联: ['妇联', '妇女联合会'],
  发改: ['发改', '发展和改革'],
  生态环境: ['生态环境'],
};
