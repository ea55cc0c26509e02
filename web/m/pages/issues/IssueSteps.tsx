/** The issue's history on the phone: a vertical list of steps, newest last (who, when, what). */
import { Steps } from 'antd-mobile';
import {
  detailLines,
  fmtDateTime,
  RESIDENT_ACTION_LABELS,
  STEP_LABELS,
  TIMELINE_ACTION_LABELS,
  type TimelineEntry,
  visibleTimeline,
} from '../../../pc/pages/issues/api';

export default function IssueSteps({
  timeline,
  resident,
  unitNames,
}: {
  timeline: TimelineEntry[];
  resident?: boolean;
  unitNames?: Record<number, string>;
}) {
  // Residents see the steps of their request, not internal marks, extension requests or reminders.
  const rows = visibleTimeline(timeline).filter((e) => !resident || RESIDENT_ACTION_LABELS[e.action]);
  return (
    <Steps direction="vertical" current={rows.length - 1} className="mi-steps" data-testid="m-issue-timeline">
      {rows.map((e, i) => (
        <Steps.Step
          key={e.id ?? i}
          status={e.action === 'supervision' || e.action === 'verify_fail' || e.action === 'dept_return' ? 'error' : 'finish'}
          title={
            <span>
              {(resident ? RESIDENT_ACTION_LABELS[e.action] : TIMELINE_ACTION_LABELS[e.action]) ?? e.action}
              {resident ? null : <span className="mi-step-tag">{STEP_LABELS[e.step] ?? e.step}</span>}
            </span>
          }
          description={
            <div className="mi-step-desc">
              <div>
                {resident ? '' : `${e.actorName || '系统'} · `}
                {fmtDateTime(e.at)}
              </div>
              {resident
                ? null
                : detailLines(e, unitNames).map((l) => (
                    <div key={l} className="mi-step-line">
                      {l}
                    </div>
                  ))}
            </div>
          }
        />
      ))}
    </Steps>
  );
}
