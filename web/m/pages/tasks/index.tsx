/**
 * 我的待办 (phone): tasks assigned to me, claimed by me, or claimable by my role in my grid; tabs
 * by type with counts, quick filters (超期 / 今日到期), "load more" paging. Reloads itself when a
 * task was submitted (the detail page calls `onChanged`), so the list never needs a page reload.
 */
import { Badge, Button, DotLoading, ErrorBlock, List, PullToRefresh, Selector, Tabs, Tag, Toast } from 'antd-mobile';
import { useCallback, useEffect, useState } from 'react';
import type { Me } from '../../../shared/auth';
import {
  bizTypeLabel,
  claimTask,
  dueText,
  fetchCounts,
  fetchInbox,
  type InboxCounts,
  type InboxFilter,
  STATUS_TEXT,
  type TaskView,
} from '../../../shared/forms/tasks-api';
import { navigate } from '../../../shared/router';
import './tasks.css';

const PAGE = 20;

export default function TasksPage({ me, version }: { me: Me; version: number }) {
  const [type, setType] = useState('all');
  const [quick, setQuick] = useState<string[]>([]);
  const [items, setItems] = useState<TaskView[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(1);
  const [loading, setLoading] = useState(true);
  const [counts, setCounts] = useState<InboxCounts | null>(null);

  const filter = useCallback(
    (p: number): InboxFilter => ({
      type: type === 'all' ? undefined : type,
      overdue: quick.includes('overdue') ? 'true' : undefined,
      due: quick.includes('today') ? 'today' : undefined,
      page: p,
      pageSize: PAGE,
    }),
    [type, quick],
  );

  const load = useCallback(
    async (p = 1) => {
      setLoading(true);
      try {
        const [r, c] = await Promise.all([fetchInbox(filter(p)), p === 1 ? fetchCounts() : Promise.resolve(null)]);
        setItems((old) => (p === 1 ? r.items : [...old, ...r.items]));
        setTotal(r.total);
        setPage(p);
        if (c) setCounts(c);
      } catch (err) {
        Toast.show({ content: (err as Error).message, icon: 'fail' });
      } finally {
        setLoading(false);
      }
    },
    [filter],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` bumps after a submit elsewhere
  useEffect(() => {
    void load(1);
  }, [load, version]);

  async function claim(t: TaskView) {
    try {
      await claimTask(t.id);
      Toast.show({ content: '已认领，请尽快办理', icon: 'success' });
      navigate(`/m/tasks/${t.id}`);
    } catch (err) {
      Toast.show({ content: (err as Error).message, duration: 3000 });
      void load(1);
    }
  }

  const tabs = [{ key: 'all', title: '全部', count: counts?.total ?? 0 }].concat(
    (counts?.byType ?? []).map((b) => ({ key: b.bizType, title: bizTypeLabel(b.bizType), count: b.count })),
  );

  return (
    <div data-testid="m-tasks" className="mt-page">
      <div className="m-page-head">
        <h2>我的待办</h2>
        <p>
          {me.displayName} · {me.org.name}
          {counts?.overdue ? <span className="mt-overdue-sum"> · 超期 {counts.overdue} 件</span> : null}
        </p>
      </div>
      <Tabs activeKey={type} onChange={setType} className="mt-tabs">
        {tabs.map((t) => (
          <Tabs.Tab
            key={t.key}
            title={
              <Badge content={t.count || null} style={{ '--right': '-10px', '--top': '2px' }}>
                <span>{t.title}</span>
              </Badge>
            }
          />
        ))}
      </Tabs>
      <div className="mt-quick">
        <Selector
          multiple
          value={quick}
          onChange={setQuick}
          options={[
            { label: '只看超期', value: 'overdue' },
            { label: '今日到期', value: 'today' },
          ]}
        />
      </div>
      <PullToRefresh onRefresh={() => load(1)}>
        {items.length === 0 && !loading ? (
          <ErrorBlock status="empty" title="暂无待办" description="新的任务会出现在这里" style={{ padding: '48px 0' }} />
        ) : (
          <List className="m-card mt-list">
            {items.map((t) => {
              const pool = t.status === 'open' && t.assigneeUserId === null;
              return (
                <List.Item
                  key={t.id}
                  data-testid="m-task-item"
                  onClick={() => navigate(`/m/tasks/${t.id}`)}
                  description={
                    <div className="mt-item-desc">
                      <span className={t.overdue ? 'mt-due mt-due-over' : 'mt-due'}>{dueText(t.dueAt)}</span>
                      <span>{bizTypeLabel(t.bizType)}</span>
                      {t.claimedByName ? <span>认领人 {t.claimedByName}</span> : null}
                    </div>
                  }
                  extra={
                    pool ? (
                      <Button
                        size="mini"
                        color="primary"
                        fill="outline"
                        onClick={(e) => {
                          e.stopPropagation();
                          void claim(t);
                        }}
                      >
                        认领
                      </Button>
                    ) : (
                      <Tag color={t.status === 'claimed' ? 'primary' : 'default'} fill="outline">
                        {t.assigneeUserId === me.id ? '指派给我' : STATUS_TEXT[t.status]}
                      </Tag>
                    )
                  }
                >
                  <span className="mt-item-title">{t.title}</span>
                  {t.overdue ? (
                    <Tag color="danger" className="mt-tag">
                      超期
                    </Tag>
                  ) : null}
                </List.Item>
              );
            })}
          </List>
        )}
        <div className="mt-more">
          {loading ? (
            <DotLoading color="primary" />
          ) : items.length < total ? (
            <Button size="small" fill="none" onClick={() => void load(page + 1)}>
              加载更多（{items.length}/{total}）
            </Button>
          ) : items.length > 0 ? (
            <span>共 {total} 件，已全部显示</span>
          ) : null}
        </div>
      </PullToRefresh>
    </div>
  );
}
