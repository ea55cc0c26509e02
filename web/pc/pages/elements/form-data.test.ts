import { describe, expect, it } from 'vitest';
import { gridWorkerForm, SUB_KINDS_OF } from '../../../../forms/elements/grid-worker';
import { merchantForm } from '../../../../forms/elements/merchant';
import {
  changedFields,
  dropDisallowedChoice,
  filledFields,
  formDataFrom,
  formSchema,
  isMasked,
  linkPath,
  narrowChoice,
  patternMessage,
  rebaseEdits,
  type SchemaNode,
} from './form-data';

const schema: SchemaNode = {
  type: 'object',
  required: ['name', 'operatorPhone', 'gridId'],
  minProperties: 1,
  properties: {
    name: { type: 'string', title: '商户名称' },
    operatorPhone: { type: ['string', 'null'], title: '经营者电话' },
    area: { type: ['number', 'null'], title: '面积' },
    openedOn: { type: 'string', format: 'date', title: '开业日期' },
    gridId: { type: 'integer' },
    reason: { type: 'string' },
  },
};

describe('element form data', () => {
  it('G-4 the form leaves grid, reason and version to the page; editing a masked field is optional', () => {
    const create = formSchema(schema, 'create');
    expect(Object.keys(create.properties ?? {})).toEqual(['name', 'operatorPhone', 'area', 'openedOn']);
    expect(create.required).toEqual(['name', 'operatorPhone']);
    expect(create.minProperties).toBeUndefined();
    expect(formSchema(schema, 'edit', ['operatorPhone']).required).toEqual(['name']);
    // The input schema is untouched (it is the shared form module).
    expect(schema.required).toContain('gridId');
  });

  it('G-4 starting values: only form fields, masked and empty values left out, numbers and dates in form types', () => {
    const data = formDataFrom(schema, {
      name: '老王烧烤',
      operatorPhone: '138****0000',
      area: '85.50',
      openedOn: '2021-03-04T00:00:00.000Z',
      gridName: '一网格',
      gridId: 7,
    });
    expect(data).toEqual({ name: '老王烧烤', area: 85.5, openedOn: '2021-03-04' });
    expect(isMasked('138****0000')).toBe(true);
    expect(isMasked('A*B')).toBe(false);
  });

  it('G-4 an edit sends only what changed; emptied fields as null', () => {
    expect(changedFields({ name: '甲', area: 10, openedOn: '2021-03-04' }, { name: '乙', area: 10 })).toEqual({
      name: '乙',
      openedOn: null,
    });
    expect(changedFields({ name: '甲', tags: ['a'] }, { name: '甲', tags: ['a'], operatorPhone: '13900001111' })).toEqual({
      operatorPhone: '13900001111',
    });
    expect(changedFields({ name: '甲' }, { name: '甲', remark: '' })).toEqual({});
    expect(filledFields({ name: '甲', remark: '', area: 0, photos: [] })).toEqual({ name: '甲', area: 0 });
  });

  it('G-1 linked elements open their own pages (building → house → household → resident)', () => {
    expect(linkPath({ type: 'building', id: 3 })).toBe('/buildings/3');
    expect(linkPath({ type: 'household', id: 4 })).toBe('/households/4');
    expect(linkPath({ type: 'resident', id: 5 })).toBe('/residents/5');
    expect(linkPath({ type: 'house', id: 6 })).toBe('/elements/house/6');
    expect(linkPath({ type: 'grid_worker', id: 8 })).toBe('/elements/grid_worker/8');
    expect(linkPath({ type: 'grid', id: 9 })).toBeNull();
    expect(linkPath({ type: 'user', id: 10 })).toBeNull();
  });
});

describe('element edit after a conflict', () => {
  it("G-4 keeps the user's changes on top of what another user saved meanwhile", () => {
    const mine = changedFields({ name: '甲', status: '营业', remark: '旧' }, { name: '甲', status: '停业' });
    expect(mine).toEqual({ status: '停业', remark: null });
    // Someone else renamed the merchant meanwhile: the rename stays, the user's edits apply on top.
    expect(rebaseEdits({ name: '乙', status: '营业', remark: '旧' }, mine)).toEqual({ name: '乙', status: '停业' });
  });
});

describe('element form messages', () => {
  it('G-4 a wrong format names the field and says what it should look like', () => {
    const s = merchantForm.schema as SchemaNode;
    expect(patternMessage(s, '.operatorPhone')).toBe('经营者电话应为 11 位手机号或带区号的固定电话，如 13912345678、0990-6221234');
    expect(patternMessage(s, '.licenseNo')).toBe('营业执照号格式不正确，请检查后重新填写');
    expect(patternMessage(s, '.vehicles.0.plate')).toBe('此项格式不正确，请检查后重新填写');
  });
});

describe('grid worker kind and sub kind', () => {
  const rule = { field: 'subKind', on: 'kind', options: SUB_KINDS_OF };
  it('G-5 a part-time worker is offered 体制内 / 体制外 only, a full-time one 网格长 / 网格员', () => {
    const schema = gridWorkerForm.schema as SchemaNode;
    const ui = gridWorkerForm.uiSchema ?? {};
    const part = narrowChoice(schema, ui, { kind: 'part_time' }, rule);
    expect(part.schema.properties?.subKind.enum).toEqual(['in_system', 'out_system']);
    expect((part.uiSchema.subKind as Record<string, unknown>)['ui:enumNames']).toEqual(['体制内', '体制外']);
    const full = narrowChoice(schema, ui, { kind: 'full_time' }, rule);
    expect(full.schema.properties?.subKind.enum).toEqual(['leader', 'member']);
    // No kind yet: every option; the shared form module is untouched.
    expect(narrowChoice(schema, ui, {}, rule).schema.properties?.subKind.enum).toHaveLength(4);
    expect(schema.properties?.subKind.enum).toHaveLength(4);
  });
  it('G-5 changing the kind empties a sub kind it no longer allows', () => {
    expect(dropDisallowedChoice({ kind: 'part_time', subKind: 'leader', name: '甲' }, rule)).toEqual({ kind: 'part_time', name: '甲' });
    expect(dropDisallowedChoice({ kind: 'full_time', subKind: 'leader' }, rule)).toEqual({ kind: 'full_time', subKind: 'leader' });
  });
});
