/**
 * 问题中心 (M-4): report a new issue; the issues of my grid waiting for me (待办) or all of them,
 * newest first. Acting on an issue opens its task in 待办 (the task pages).
 */
import { Button, DotLoading, ErrorBlock, List, PullToRefresh, Tabs, Tag } from 'antd-mobile';
import { AddOutline } from 'antd-mobile-icons';
import { useCallback, useEffect, useState } from 'react';
import { fmtDateTime, type IssueListItem, type IssueTab, issuesApi, STEP_LABELS } from '../../../pc/pages/issues/api';
import { navigate } from '../../../shared/router';
import './issues.css';

export default function IssueCentrePage({ canReport }: { canReport: boolean }) {
  const [tab, setTab] = useState<IssueTab>('todo');
  const [items, setItems] = useState<IssueListItem[] | null>(null);
  const [total, setTotal] = useState(0);

  const load = useCallback(async () => {
    const r = await issuesApi.list({ tab, pageSize: 50 });
    setItems(r.items);
    setTotal(r.total);
  }, [tab]);

  useEffect(() => {
    setItems(null);
    void load().catch(() => setItems([]));
  }, [load]);

  return (
    <div className="mi-page" data-testid="m-issues">
      <div className="mi-head">
        <h2>问题中心</h2>
        {canReport ? (
          <Button size="small" color="primary" onClick={() => navigate('/m/issues/new')} data-testid="m-issue-new">
            <AddOutline /> 上报问题
          </Button>
        ) : null}
      </div>
      <Tabs activeKey={tab} onChange={(k) => setTab(k as IssueTab)}>
        <Tabs.Tab key="todo" title="待我办理" />
        <Tabs.Tab key="in_progress" title="办理中" />
        <Tabs.Tab key="all" title="本网格全部" />
      </Tabs>
      <PullToRefresh onRefresh={load}>
        {items === null ? (
          <div style={{ textAlign: 'center', padding: 32 }}>
            <DotLoading color="primary" />
          </div>
        ) : items.length === 0 ? (
          <ErrorBlock status="empty" title="暂无问题" description={tab === 'todo' ? '没有等待您办理的问题' : '本网格还没有问题'} />
        ) : (
          <List className="m-card" header={`共 ${total} 件`}>
            {items.map((i) => (
              <List.Item key={i.issueNo} clickable onClick={() => navigate(`/m/issues/${i.issueNo}`)} data-testid="m-issue-item">
                <div className="mi-item-title">{i.title}</div>
                <div className="mi-item-sub">
                  <Tag color={i.step === 'archived' ? 'success' : 'primary'} fill="outline">
                    {STEP_LABELS[i.step] ?? i.step}
                  </Tag>
                  {i.overdue ? <Tag color="danger">已超期</Tag> : null}
                  <span>{i.categoryName ?? '未分类'}</span>
                  <span>{fmtDateTime(i.createdAt)}</span>
                </div>
              </List.Item>
            ))}
          </List>
        )}
      </PullToRefresh>
    </div>
  );
}
