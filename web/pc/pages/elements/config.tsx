/**
 * One explicit entry per element type: what its list shows and filters by, how its fields are
 * named on the detail page and in the change history, whether it has tags and a map position.
 * The list, detail and edit pages are the same for every type and read only this.
 */
import { Tag } from 'antd';
import type { ReactNode } from 'react';
import { SUB_KINDS_OF } from '../../../../forms/elements/grid-worker';
import type { TagTarget } from '../../list/tag-filter';
import type { ElementListItem, ElementType } from './api';
import type { DependentChoice } from './form-data';

export interface ElementColumn {
  key: string;
  title: string;
  width?: number;
  /** Phones and codes: monospace. */
  mono?: boolean;
  /** Short dictionary values shown as a tag. */
  tag?: boolean;
}

export interface ElementTypeConfig {
  type: ElementType;
  /** 商户, 企业 … */
  label: string;
  /** The tag target of this type; none: the type has no tags (no tag filter). */
  tagTarget?: TagTarget;
  searchPlaceholder: string;
  /** The list's columns after the name. */
  columns: ElementColumn[];
  /** 状态 filter of the list (`status=`); none: the type has no status. */
  statuses?: string[];
  /** Detail fields in order, with their Chinese names (also used by the change history). */
  fields: [key: string, label: string][];
  /** Codes stored in English (grid worker kinds …) and their Chinese names. */
  valueLabels?: Record<string, Record<string, string>>;
  /** Has a map position (G-4); houses sit in their building. */
  hasLocation: boolean;
  /** A choice of the form that depends on another field. */
  dependentChoice?: DependentChoice;
}

const WORKER_VALUES: Record<string, Record<string, string>> = {
  kind: { full_time: '专职网格员', part_time: '兼职网格员', exclusive: '专属网格员' },
  subKind: { leader: '网格长', member: '网格员', in_system: '体制内', out_system: '体制外' },
  status: { active: '在岗', leave: '请假', left: '离岗' },
};

export const elementTypes: Record<ElementType, ElementTypeConfig> = {
  house: {
    type: 'house',
    label: '房屋',
    searchPlaceholder: '楼栋名称 / 室号',
    columns: [
      { key: 'unitNo', title: '单元', width: 64 },
      { key: 'floor', title: '楼层', width: 64 },
      { key: 'roomNo', title: '室号', width: 80 },
      { key: 'type', title: '房屋类型', width: 96, tag: true },
      { key: 'use', title: '用途', width: 80 },
      { key: 'status', title: '居住状态', width: 96, tag: true },
      { key: 'area', title: '面积(㎡)', width: 90 },
    ],
    statuses: ['自住', '出租', '空置', '借住', '经营'],
    fields: [
      ['buildingId', '所在楼栋'],
      ['unitNo', '单元'],
      ['floor', '楼层'],
      ['roomNo', '室号'],
      ['type', '房屋类型'],
      ['area', '建筑面积(㎡)'],
      ['use', '房屋用途'],
      ['status', '居住状态'],
      ['propertyRight', '产权性质'],
      ['ownerName', '产权人'],
    ],
    hasLocation: false,
  },
  merchant: {
    type: 'merchant',
    label: '商户',
    tagTarget: 'merchant',
    searchPlaceholder: '商户名称 / 营业执照号 / 手机号',
    columns: [
      { key: 'signName', title: '招牌名称', width: 140 },
      { key: 'industry', title: '所属行业', width: 110, tag: true },
      { key: 'operatorName', title: '经营者', width: 90 },
      { key: 'operatorPhone', title: '联系电话', width: 130, mono: true },
      { key: 'address', title: '地址' },
      { key: 'status', title: '状态', width: 76, tag: true },
    ],
    statuses: ['营业', '停业', '歇业', '注销'],
    fields: [
      ['name', '商户名称'],
      ['signName', '招牌名称'],
      ['industry', '所属行业'],
      ['licenseNo', '营业执照号'],
      ['operatorName', '经营者'],
      ['operatorPhone', '经营者电话'],
      ['address', '经营地址'],
      ['buildingId', '所在楼栋'],
      ['area', '经营面积(㎡)'],
      ['employees', '从业人数'],
      ['openedOn', '开业日期'],
      ['status', '经营状态'],
    ],
    hasLocation: true,
  },
  enterprise: {
    type: 'enterprise',
    label: '企业',
    tagTarget: 'enterprise',
    searchPlaceholder: '企业名称 / 统一社会信用代码 / 手机号',
    columns: [
      { key: 'creditCode', title: '统一社会信用代码', width: 190, mono: true },
      { key: 'enterpriseType', title: '企业类型', width: 100, tag: true },
      { key: 'industry', title: '所属行业', width: 110 },
      { key: 'legalRepresentative', title: '法定代表人', width: 100 },
      { key: 'status', title: '状态', width: 76, tag: true },
    ],
    statuses: ['存续', '在业', '迁出', '注销'],
    fields: [
      ['name', '企业名称'],
      ['creditCode', '统一社会信用代码'],
      ['enterpriseType', '企业类型'],
      ['industry', '所属行业'],
      ['legalRepresentative', '法定代表人'],
      ['contactPhone', '联系电话'],
      ['registeredCapital', '注册资本(万元)'],
      ['employees', '从业人数'],
      ['establishedOn', '成立日期'],
      ['address', '地址'],
      ['buildingId', '所在楼栋'],
      ['status', '经营状态'],
      ['aboveScale', '规上企业'],
    ],
    hasLocation: true,
  },
  institution: {
    type: 'institution',
    label: '驻区单位',
    tagTarget: 'institution',
    searchPlaceholder: '单位名称 / 信用代码 / 手机号',
    columns: [
      { key: 'category', title: '单位类别', width: 110, tag: true },
      { key: 'contactPerson', title: '联系人', width: 90 },
      { key: 'contactPhone', title: '联系电话', width: 130, mono: true },
      { key: 'address', title: '地址' },
      { key: 'coBuilding', title: '共驻共建', width: 90 },
    ],
    fields: [
      ['name', '单位名称'],
      ['category', '单位类别'],
      ['creditCode', '统一社会信用代码'],
      ['contactPerson', '联系人'],
      ['contactPhone', '联系电话'],
      ['address', '地址'],
      ['staffCount', '职工人数'],
      ['partyMembers', '党员人数'],
      ['coBuilding', '共驻共建单位'],
    ],
    hasLocation: true,
  },
  facility: {
    type: 'facility',
    label: '公共设施',
    tagTarget: 'facility',
    searchPlaceholder: '设施名称 / 设施编号',
    columns: [
      { key: 'code', title: '设施编号', width: 150, mono: true },
      { key: 'type', title: '设施类型', width: 110, tag: true },
      { key: 'status', title: '状态', width: 80, tag: true },
      { key: 'address', title: '位置描述' },
      { key: 'managerUnit', title: '管理单位', width: 140 },
      { key: 'lastInspectedOn', title: '最近巡查', width: 110 },
    ],
    statuses: ['正常', '损坏', '维修中', '停用'],
    fields: [
      ['code', '设施编号'],
      ['name', '设施名称'],
      ['type', '设施类型'],
      ['status', '设施状态'],
      ['address', '位置描述'],
      ['managerUnit', '管理单位'],
      ['installedOn', '安装日期'],
      ['lastInspectedOn', '最近巡查日期'],
    ],
    hasLocation: true,
  },
  grid_worker: {
    type: 'grid_worker',
    label: '网格员',
    searchPlaceholder: '姓名 / 手机号',
    columns: [
      { key: 'gender', title: '性别', width: 60 },
      { key: 'phone', title: '联系电话', width: 130, mono: true },
      { key: 'kind', title: '类型', width: 110, tag: true },
      { key: 'subKind', title: '子类型', width: 90 },
      { key: 'partTimeType', title: '兼职类别', width: 100 },
      { key: 'workUnit', title: '所在单位', width: 160 },
      { key: 'status', title: '状态', width: 76, tag: true },
      { key: 'coverageCount', title: '包户数', width: 80 },
    ],
    statuses: ['active', 'leave', 'left'],
    fields: [
      ['name', '姓名'],
      ['gender', '性别'],
      ['phone', '联系电话'],
      ['kind', '网格员类型'],
      ['subKind', '子类型'],
      ['partTimeType', '兼职类别'],
      ['workUnit', '所在单位'],
      ['status', '在岗状态'],
      ['joinedOn', '入职日期'],
      ['coverageCount', '包户数'],
      ['careCount', '包联人数'],
    ],
    valueLabels: WORKER_VALUES,
    hasLocation: false,
    dependentChoice: { field: 'subKind', on: 'kind', options: SUB_KINDS_OF },
  },
};

export const isElementType = (t: string): t is ElementType => Object.hasOwn(elementTypes, t);

/** A field's Chinese name for one type; unknown fields keep their key. */
export function fieldLabel(cfg: ElementTypeConfig, key: string): string {
  const own = cfg.fields.find(([k]) => k === key)?.[1];
  return own ?? cfg.columns.find((c) => c.key === key)?.title ?? COMMON_LABELS[key] ?? key;
}

const COMMON_LABELS: Record<string, string> = {
  name: '名称',
  gridId: '所属网格',
  gridName: '所属网格',
  buildingId: '所在楼栋',
  location: '位置',
  lon: '经度',
  lat: '纬度',
  tags: '标签',
  remark: '备注',
};

/** A value as the users read it: Chinese names for codes, 是/否, — for nothing. */
export function valueText(cfg: ElementTypeConfig, key: string, v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  if (typeof v === 'boolean') return v ? '是' : '否';
  const named = cfg.valueLabels?.[key]?.[String(v)];
  if (named) return named;
  if (Array.isArray(v)) return v.map((x) => valueText(cfg, key, x)).join('、') || '—';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function cellOf(cfg: ElementTypeConfig, c: ElementColumn, row: ElementListItem): ReactNode {
  const text = valueText(cfg, c.key, row[c.key]);
  if (text === '—') return <span className="muted">—</span>;
  if (c.tag) return <Tag variant="filled">{text}</Tag>;
  return c.mono ? <span className="mono">{text}</span> : text;
}
