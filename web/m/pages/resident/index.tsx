/** 我的诉求 (I-6): what I have submitted, with its progress; 我要反映 starts a new one. */
import { Button, DotLoading, ErrorBlock, List, PullToRefresh, Tag } from 'antd-mobile';
import { AddOutline } from 'antd-mobile-icons';
import { useCallback, useEffect, useState } from 'react';
import { fmtDateTime, type IssueListItem, issuesApi, RESIDENT_STEP_LABELS } from '../../../pc/pages/issues/api';
import { navigate } from '../../../shared/router';
import '../issues/issues.css';

export default function ResidentHomePage() {
  const [items, setItems] = useState<IssueListItem[] | null>(null);
  const load = useCallback(async () => setItems((await issuesApi.myList()).items), []);
  useEffect(() => {
    void load().catch(() => setItems([]));
  }, [load]);

  return (
    <div className="mi-page" data-testid="m-resident">
      <div className="mi-head">
        <h2>我的诉求</h2>
        <Button size="small" color="primary" onClick={() => navigate('/m/r/new')} data-testid="m-resident-new">
          <AddOutline /> 我要反映
        </Button>
      </div>
      <PullToRefresh onRefresh={load}>
        {items === null ? (
          <div style={{ textAlign: 'center', padding: 32 }}>
            <DotLoading color="primary" />
          </div>
        ) : items.length === 0 ? (
          <ErrorBlock status="empty" title="还没有反映过问题" description="身边有需要社区帮忙解决的事，点右上角“我要反映”" />
        ) : (
          <List className="m-card">
            {items.map((i) => {
              const done = ['verify', 'archive', 'archived'].includes(i.step);
              return (
                <List.Item key={i.issueNo} clickable onClick={() => navigate(`/m/r/${i.issueNo}`)} data-testid="m-resident-item">
                  <div className="mi-item-title">{i.title}</div>
                  <div className="mi-item-sub">
                    <Tag color={done ? 'success' : i.step === 'invalid' ? 'default' : 'primary'} fill="outline">
                      {RESIDENT_STEP_LABELS[i.step] ?? i.step}
                    </Tag>
                    <span>{fmtDateTime(i.createdAt)}</span>
                  </div>
                </List.Item>
              );
            })}
          </List>
        )}
      </PullToRefresh>
    </div>
  );
}
