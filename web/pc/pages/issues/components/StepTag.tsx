/** An issue's step as a calm coloured tag, plus 超期 / 督办 badges. */
import { Space, Tag } from 'antd';
import { type IssueListItem, STEP_LABELS, SUPERVISION_LABELS } from '../api';

const STEP_COLORS: Record<string, string> = {
  grid_verify: 'default',
  community: 'cyan',
  street: 'geekblue',
  department: 'purple',
  verify: 'gold',
  archive: 'lime',
  archived: 'green',
  invalid: 'default',
};

export function StepTag({ step }: { step: string }) {
  return (
    <Tag color={STEP_COLORS[step] ?? 'default'} data-testid="step-tag">
      {STEP_LABELS[step] ?? step}
    </Tag>
  );
}

export function IssueFlags({ issue }: { issue: Pick<IssueListItem, 'overdue' | 'supervisionLevel' | 'returnCount'> }) {
  return (
    <Space size={4} wrap>
      {issue.overdue ? <Tag color="error">已超期</Tag> : null}
      {issue.supervisionLevel > 0 ? <Tag color="volcano">{SUPERVISION_LABELS[issue.supervisionLevel] ?? '督办'}</Tag> : null}
      {issue.returnCount >= 2 ? <Tag color="orange">疑难 · 退回 {issue.returnCount} 次</Tag> : null}
    </Space>
  );
}
