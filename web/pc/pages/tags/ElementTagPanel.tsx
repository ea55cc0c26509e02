/**
 * The tags of one element and their history (G-2, T-3, T-7): current tags grouped by kind of
 * object (for a 居民户: 户标签 and 走访标签), manual tags set or removed here (the server decides
 * whether the user may: scope, the tag's area, 包户/包联 for grid workers), and every change of
 * the element's tags from the tag log — manual, computed and line alike.
 * Reusable on any element detail page: `<ElementTagPanel type="household" id={…} />`.
 */
import { Alert, Button, Card, Input, message, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiRequestError } from '../../../shared/http';
import { useSession } from '../../session';
import {
  type Catalogue,
  type ElementTag,
  fetchCatalogue,
  fetchElementTags,
  fetchTagLog,
  setElementTag,
  type TagDef,
  type TagLogRow,
} from './api';

const KIND_COLORS: Record<string, string> = { manual: 'green', computed: 'blue', line: 'purple' };

/** Manual tags that can go on an element of this type: its own target, and 走访标签 on 居民户. */
export function manualTagsFor(tags: TagDef[], type: string): TagDef[] {
  return tags.filter((t) => t.kind === 'manual' && t.active && (t.target === type || (type === 'household' && t.target === 'visit')));
}

export default function ElementTagPanel({ type, id }: { type: string; id: number }) {
  const { me } = useSession();
  const canAssign = (me?.permissions ?? []).includes('tag.assign');
  const [cat, setCat] = useState<Catalogue | null>(null);
  const [tags, setTags] = useState<ElementTag[]>([]);
  const [log, setLog] = useState<{ items: TagLogRow[]; total: number }>({ items: [], total: 0 });
  const [page, setPage] = useState(1);
  const [tagId, setTagId] = useState<number | undefined>();
  const [note, setNote] = useState('');
  const [refused, setRefused] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    fetchCatalogue()
      .then(setCat)
      .catch(() => undefined);
  }, []);
  const load = useCallback(() => {
    fetchElementTags(type, id)
      .then((r) => setTags(r.tags))
      .catch(() => undefined);
  }, [type, id]);
  useEffect(() => {
    void reload;
    load();
  }, [load, reload]);
  useEffect(() => {
    void reload;
    fetchTagLog({ page, pageSize: 10, elementType: type, elementId: id })
      .then(setLog)
      .catch(() => undefined);
  }, [type, id, page, reload]);

  const groups = useMemo(() => {
    const label = (t: string) => (t === 'visit' ? '走访标签' : type === 'household' ? '户标签' : '标签');
    const m = new Map<string, ElementTag[]>();
    if (type === 'household') {
      m.set('户标签', []);
      m.set('走访标签', []);
    }
    for (const t of tags) m.set(label(t.target), [...(m.get(label(t.target)) ?? []), t]);
    return [...m.entries()];
  }, [tags, type]);
  const options = useMemo(() => manualTagsFor(cat?.tags ?? [], type).filter((t) => !tags.some((x) => x.tagId === t.id)), [cat, tags, type]);

  const change = async (tag: number, on: boolean) => {
    setRefused(null);
    try {
      const r = await setElementTag(tag, type, id, on, note.trim() || undefined);
      if (r.refused.length) setRefused(r.refused[0].reason);
      else {
        message.success(on ? '已打上标签' : '已取消标签');
        setTagId(undefined);
        setNote('');
      }
      setReload((n) => n + 1);
    } catch (e) {
      if (e instanceof ApiRequestError) setRefused(e.fields.length ? e.fields.map((f) => f.message).join('；') : e.message);
    }
  };

  return (
    <Card size="small" title="标签与标签记录" data-testid="element-tag-panel">
      {groups.map(([group, list]) => (
        <div key={group} style={{ marginBottom: 8 }} data-testid={`tag-group-${group}`}>
          <Typography.Text type="secondary" style={{ marginRight: 8 }}>
            {group}：
          </Typography.Text>
          {list.length ? (
            list.map((t) => (
              <Tag
                key={t.tagId}
                color={t.color ?? KIND_COLORS[t.kind]}
                closable={canAssign && t.kind === 'manual'}
                onClose={(e) => {
                  e.preventDefault();
                  void change(t.tagId, false);
                }}
                title={`${cat?.labels.kinds[t.kind] ?? t.kind}标签，${t.taggedAt} 标记`}
              >
                {t.name}
              </Tag>
            ))
          ) : (
            <Typography.Text type="secondary">无</Typography.Text>
          )}
        </div>
      ))}
      {canAssign ? (
        <Space wrap style={{ margin: '8px 0 12px' }}>
          <Select
            placeholder={options.length ? '选择手动标签' : '没有可用的手动标签'}
            style={{ width: 240 }}
            value={tagId}
            onChange={setTagId}
            data-testid="element-tag-select"
            options={options.map((t) => ({ value: t.id, label: t.target === 'visit' ? `${t.name}（走访标签）` : t.name }))}
          />
          <Input placeholder="备注（可选）" style={{ width: 220 }} value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} />
          <Button type="primary" disabled={!tagId} onClick={() => tagId && change(tagId, true)}>
            打标签
          </Button>
        </Space>
      ) : null}
      {refused ? <Alert type="warning" showIcon message={refused} style={{ marginBottom: 12 }} data-testid="element-tag-refused" /> : null}
      <Typography.Title level={5}>标签变更记录</Typography.Title>
      <Table<TagLogRow>
        rowKey="id"
        size="small"
        dataSource={log.items}
        data-testid="element-tag-log"
        pagination={{ current: page, pageSize: 10, total: log.total, onChange: setPage, showTotal: (n) => `共 ${n} 条` }}
        columns={[
          { title: '时间', dataIndex: 'at', width: 170 },
          { title: '标签', dataIndex: 'tagName', width: 140 },
          { title: '方式', dataIndex: 'updateType', width: 100, render: (v: string) => cat?.labels.updateTypes[v] ?? v },
          { title: '变更', dataIndex: 'action', width: 80, render: (v: string) => (v === 'add' ? '打上' : '取消') },
          { title: '操作人', dataIndex: 'operatorName', width: 120, render: (v: string | null) => v ?? '系统' },
          { title: '备注', dataIndex: 'note', ellipsis: true },
        ]}
      />
    </Card>
  );
}
