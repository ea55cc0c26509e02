/**
 * Building blocks of the element forms (G-1, G-4, G-5): one JSON Schema per element type, used
 * for create (with `required`) and, without `required`, for partial updates. Browser-safe: no
 * server imports (the web app renders these with rjsf).
 */

export const PHONE_PATTERN = '^1[0-9]{10}$|^0[0-9]{2,3}-?[0-9]{7,8}$';
/** 统一社会信用代码: 18 characters (GB 32100; letters I O Z S V excluded). */
export const CREDIT_CODE_PATTERN = '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$';

export const text = (title: string, maxLength = 50) => ({ type: ['string', 'null'], title, maxLength });
export const requiredText = (title: string, maxLength = 50) => ({ type: 'string', title, minLength: 1, maxLength });
export const choice = (title: string, values: readonly string[]) => ({ type: 'string', title, enum: [...values] });
export const optionalChoice = (title: string, values: readonly string[]) => ({
  type: ['string', 'null'],
  title,
  enum: [...values, null],
});
export const phone = (title: string) => ({ type: ['string', 'null'], title, pattern: PHONE_PATTERN, maxLength: 20 });
export const date = (title: string) => ({ type: ['string', 'null'], title, format: 'date' });
export const count = (title: string) => ({ type: ['integer', 'null'], title, minimum: 0, maximum: 10_000_000 });
export const amount = (title: string, maximum = 999_999) => ({ type: ['number', 'null'], title, minimum: 0, maximum });
export const ref = (title: string) => ({ type: ['integer', 'null'], title, minimum: 1 });

/** The grid the element belongs to (its org path is the grid's). */
export const gridId = { type: 'integer', title: '所属网格', minimum: 1 };
/** Map position (EPSG:4326); must lie inside the grid's polygon. */
export const location = {
  type: ['object', 'null'],
  title: '地图位置',
  additionalProperties: false,
  required: ['lon', 'lat'],
  properties: {
    lon: { type: 'number', title: '经度', minimum: -180, maximum: 180 },
    lat: { type: 'number', title: '纬度', minimum: -90, maximum: 90 },
  },
};

/** Update-only keys every element PATCH accepts. */
export const updateMeta = {
  expectedVersion: { type: 'integer', title: '版本号', minimum: 1 },
  reason: { type: 'string', title: '变更原因', maxLength: 200 },
};
