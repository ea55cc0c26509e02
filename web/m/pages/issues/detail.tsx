/** 问题详情 (phone, M-4): the issue, its photos and history; 去办理 opens my task for it. */
import { Button, Card, ErrorBlock, Image, ImageViewer, NavBar, Rate, SpinLoading, Tag } from 'antd-mobile';
import { useCallback, useEffect, useState } from 'react';
import { COMPLEXITY_LABELS, fmtDateTime, type IssueDetail, issuesApi, SOURCE_LABELS, STEP_LABELS } from '../../../pc/pages/issues/api';
import { fetchInbox, type TaskView } from '../../../shared/forms/tasks-api';
import { navigate } from '../../../shared/router';
import IssueSteps from './IssueSteps';
import './issues.css';

export default function IssueDetailMobile({ issueNo }: { issueNo: string }) {
  const [d, setD] = useState<IssueDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [task, setTask] = useState<TaskView | null>(null);

  const load = useCallback(async () => {
    try {
      const [detail, inbox] = await Promise.all([
        issuesApi.detail(issueNo),
        fetchInbox({ type: 'issue', pageSize: 100 }).catch(() => null),
      ]);
      setD(detail);
      setTask(inbox?.items.find((t) => t.bizId === issueNo && (t.status === 'open' || t.status === 'claimed')) ?? null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [issueNo]);

  useEffect(() => {
    void load();
  }, [load]);

  // Just reported: the workflow records the first step a moment after the issue is created.
  useEffect(() => {
    if (!d || d.timeline.length > 0) return;
    const timer = setTimeout(() => void load(), 1500);
    return () => clearTimeout(timer);
  }, [d, load]);

  const nav = (
    <NavBar onBack={() => navigate('/m/issues')} className="mt-nav">
      问题详情
    </NavBar>
  );
  if (error)
    return (
      <div>
        {nav}
        <ErrorBlock status="default" title="无法查看该问题" description={error} />
      </div>
    );
  if (!d)
    return (
      <div>
        {nav}
        <div style={{ textAlign: 'center', paddingTop: '30vh' }}>
          <SpinLoading color="primary" />
        </div>
      </div>
    );

  return (
    <div className="mi-page" data-testid="m-issue-detail">
      {nav}
      <Card
        className="m-card"
        title={<span className="mi-item-title">{d.title}</span>}
        extra={<Tag color="primary">{STEP_LABELS[d.step] ?? d.step}</Tag>}
      >
        <div className="mi-kv">
          <span>编号</span>
          <b className="mono">{d.issueNo}</b>
          <span>来源</span>
          <b>{SOURCE_LABELS[d.source] ?? d.source}</b>
          <span>类别</span>
          <b>
            {d.categoryName ?? '未分类'}（{COMPLEXITY_LABELS[d.complexity] ?? d.complexity}）
          </b>
          <span>承办</span>
          <b>{d.holderName ?? d.gridName}</b>
          <span>时限</span>
          <b style={d.overdue ? { color: '#e0837c' } : undefined}>{fmtDateTime(d.handlingDeadline)}</b>
          <span>位置</span>
          <b>{d.location ? `${d.location.lng.toFixed(5)}, ${d.location.lat.toFixed(5)}` : '未标注'}</b>
          {d.address ? (
            <>
              <span>地址</span>
              <b>{d.address}</b>
            </>
          ) : null}
          <span>描述</span>
          <b>{d.description}</b>
          {d.internalRating ? (
            <>
              <span>核查评价</span>
              <b>
                <Rate readOnly value={d.internalRating} style={{ '--star-size': '16px' }} />
              </b>
            </>
          ) : null}
          {d.externalRating ? (
            <>
              <span>居民评价</span>
              <b>
                <Rate readOnly value={d.externalRating} style={{ '--star-size': '16px' }} />
              </b>
            </>
          ) : null}
        </div>
        {d.attachments.length ? (
          <div className="mi-block mi-photos">
            {d.attachments.map((a, i) => (
              <Image
                key={a.fileId}
                src={`/api/files/${a.fileId}`}
                width={76}
                height={76}
                fit="cover"
                style={{ borderRadius: 8 }}
                onClick={() => ImageViewer.Multi.show({ images: d.attachments.map((x) => `/api/files/${x.fileId}`), defaultIndex: i })}
              />
            ))}
          </div>
        ) : null}
      </Card>
      {task ? (
        <div className="mi-actions">
          <Button block color="primary" size="large" onClick={() => navigate(`/m/tasks/${task.id}`)} data-testid="m-issue-handle">
            去办理（{STEP_LABELS[String(task.data.kind)] ?? '办理'}）
          </Button>
        </div>
      ) : null}
      <Card className="m-card" title="处置过程">
        <IssueSteps timeline={d.timeline} unitNames={Object.fromEntries(d.dispatches.map((x) => [x.dept.id, x.dept.name]))} />
      </Card>
    </div>
  );
}
