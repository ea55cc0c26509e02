/**
 * 版本记录: every saved version of a record (a resident, a merchant …); pick one to see its
 * before/after diff. The page passes how to load the versions and how to name the fields.
 */
import { Empty, Segmented, Spin, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { diffRecords, display, type FieldChange } from './diff';
import './versions.css';

/** One saved version, as /residents/:id/versions and /elements/:type/:id/versions send it. */
export interface VersionEntry {
  version: number;
  changedAt: string;
  changedBy?: string | number | { id?: number | string; displayName?: string; username?: string } | null;
  changedByName?: string | null;
  reason?: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const kindTag: Record<FieldChange['kind'], { text: string; color?: string }> = {
  added: { text: '新增', color: 'green' },
  removed: { text: '删除', color: 'red' },
  changed: { text: '修改', color: 'gold' },
  same: { text: '未变' },
};

function who(ver: VersionEntry): string {
  const v = ver.changedBy;
  if (ver.changedByName) return ver.changedByName;
  if (v === null || v === undefined) return '系统';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return `用户 ${v}`;
  return v.displayName ?? v.username ?? String(v.id ?? '系统');
}

const when = (s: string) => {
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toLocaleString('zh-CN', { hour12: false });
};

export default function VersionHistory({
  load,
  labelOf,
}: {
  /** A new function (new record, or after a save) loads again. */
  load: () => Promise<VersionEntry[]>;
  labelOf: (field: string) => string;
}) {
  const [versions, setVersions] = useState<VersionEntry[] | null>(null);
  const [current, setCurrent] = useState<number | null>(null);
  const [onlyChanged, setOnlyChanged] = useState<'changed' | 'all'>('changed');

  useEffect(() => {
    load()
      .then((vs) => {
        const sorted = [...vs].sort((a, b) => b.version - a.version);
        setVersions(sorted);
        setCurrent(sorted[0]?.version ?? null);
      })
      .catch(() => setVersions([]));
  }, [load]);

  const selected = versions?.find((v) => v.version === current) ?? null;
  const changes = useMemo(() => (selected ? diffRecords(selected.before, selected.after) : []), [selected]);
  const shown = onlyChanged === 'changed' ? changes.filter((c) => c.kind !== 'same') : changes;

  if (versions === null) return <Spin style={{ display: 'block', margin: 32 }} />;
  if (versions.length === 0) return <Empty description="暂无版本记录" />;

  return (
    <div className="versions" data-testid="version-history">
      <div className="versions-list" role="listbox" aria-label="版本列表">
        {versions.map((v) => (
          <button
            type="button"
            key={v.version}
            role="option"
            aria-selected={v.version === current}
            className={v.version === current ? 'versions-item active' : 'versions-item'}
            onClick={() => setCurrent(v.version)}
          >
            <Typography.Text strong>第 {v.version} 版</Typography.Text>
            <span className="versions-meta">
              {when(v.changedAt)} · {who(v)}
            </span>
            {v.reason ? <span className="versions-meta">{v.reason}</span> : null}
          </button>
        ))}
      </div>
      <div className="versions-diff">
        <div className="page-head">
          <Typography.Text>
            {selected ? `第 ${selected.version} 版与上一版的差异（${changes.filter((c) => c.kind !== 'same').length} 项变更）` : ''}
          </Typography.Text>
          <Segmented
            size="small"
            value={onlyChanged}
            onChange={(v) => setOnlyChanged(v as 'changed' | 'all')}
            options={[
              { label: '只看变更', value: 'changed' },
              { label: '全部字段', value: 'all' },
            ]}
          />
        </div>
        <Table<FieldChange>
          rowKey="field"
          size="small"
          pagination={false}
          dataSource={shown}
          locale={{ emptyText: '此版本没有字段变化' }}
          rowClassName={(c) => `diff-${c.kind}`}
          columns={[
            { title: '字段', dataIndex: 'field', width: 140, render: (f: string) => labelOf(f) },
            {
              title: '变更前',
              dataIndex: 'before',
              render: (v: unknown, c) => (
                <span className={c.kind === 'changed' || c.kind === 'removed' ? 'diff-old' : ''}>{display(v)}</span>
              ),
            },
            {
              title: '变更后',
              dataIndex: 'after',
              render: (v: unknown, c) => <span className={c.kind === 'changed' || c.kind === 'added' ? 'diff-new' : ''}>{display(v)}</span>,
            },
            {
              title: '类型',
              dataIndex: 'kind',
              width: 80,
              render: (k: FieldChange['kind']) => (
                <Tag variant="filled" color={kindTag[k].color}>
                  {kindTag[k].text}
                </Tag>
              ),
            },
          ]}
        />
      </div>
    </div>
  );
}
