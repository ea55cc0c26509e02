/** The issue task forms show the fields of the chosen action only. */
import { describe, expect, it } from 'vitest';
import { communityForm, departmentForm, streetForm, verifyForm } from '../../../forms/issue/actions';
import { fieldsOfOtherActions } from './action-fields';

describe('fields of other actions (Q-1)', () => {
  it('Q-1 street 派单 shows 派单部门 and hides what 自办结, 转办 and 信件标记 need; nothing chosen hides them all', () => {
    const hidden = fieldsOfOtherActions(streetForm.schema, 'dispatch');
    expect(hidden).not.toContain('deptIds');
    expect(hidden).toEqual(expect.arrayContaining(['result', 'targetOrgId', 'reason', 'mark']));
    expect(fieldsOfOtherActions(streetForm.schema, 'redispatch')).not.toContain('deptIds');
    expect(fieldsOfOtherActions(streetForm.schema, undefined)).toEqual(
      expect.arrayContaining(['deptIds', 'result', 'targetOrgId', 'mark']),
    );
    // Fields no rule claims (派单意见, 附件, 问题类型) are never hidden.
    expect(fieldsOfOtherActions(streetForm.schema, undefined)).not.toEqual(expect.arrayContaining(['comment']));
  });

  it('Q-1 community 转派 needs the target community and a reason; 上报街道 only the reason', () => {
    expect(fieldsOfOtherActions(communityForm.schema, 'transfer')).toEqual(['result']);
    expect(fieldsOfOtherActions(communityForm.schema, 'escalate').sort()).toEqual(['result', 'targetOrgId']);
  });

  it('Q-5 核查通过 asks for stars, 核查不通过 for the reason; department 受理 needs nothing', () => {
    expect(fieldsOfOtherActions(verifyForm.schema, 'pass')).toEqual(['reason']);
    expect(fieldsOfOtherActions(verifyForm.schema, 'fail')).toEqual(['stars']);
    expect(fieldsOfOtherActions(departmentForm.schema, 'accept').sort()).toEqual(['reason', 'result', 'targetOrgId', 'workingDays']);
  });
});
