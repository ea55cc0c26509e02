/**
 * Where the Fengqiao issue flow's deadlines and supervision layers are set. Pure data,
 * imported by the workflow; the working-day arithmetic itself runs in an activity.
 */

/** 网格核实上报: a grid worker verifies and reports a resident's or a lead's issue within 1 working day. */
export const GRID_REPORT_WORKING_DAYS = 1;

/** 办理时限: general issues in 3 working days, complex ones in 5, counted from when the community receives it. */
export const HANDLING_WORKING_DAYS = { general: 3, complex: 5 } as const;
export type Complexity = keyof typeof HANDLING_WORKING_DAYS;

/** 延期: at most this many working days per approved extension request. */
export const MAX_EXTENSION_WORKING_DAYS = 10;

/**
 * 三层督办 when the handling deadline passes: each layer fires this many working days after the
 * deadline and notifies the given role at the district of the issue. The third produces a 督办单 PDF.
 */
export const SUPERVISION_LAYERS = [
  { level: 1, afterWorkingDays: 0, role: 'district_manager', label: '行管部门督办' },
  { level: 2, afterWorkingDays: 1, role: 'leader', label: '分管领导督办' },
  { level: 3, afterWorkingDays: 2, role: 'supervisor', label: '纪委监委督办' },
] as const;

/** 外部评价: how long a resident may still rate an archived issue. */
export const RESIDENT_RATING_WINDOW = '7 days';

/** 疑难问题: returned or pushed back this many times or more. */
export const DIFFICULT_RETURN_COUNT = 2;
