/**
 * 标签筛选 for any taggable list (T-6 on the lists): pick tags defined for the list's element type,
 * and whether rows must carry all of them or any one. Hidden for users without tag.read.
 */
import { Segmented, Select, Space, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { http } from '../../shared/http';
import { useSession } from '../session';
import type { TagFilterValue, TagMode, TagTarget } from './tag-filter';

export { emptyTagFilter, type TagFilterValue, tagQuery } from './tag-filter';

interface TagOption {
  id: number;
  name: string;
  color?: string | null;
  active?: boolean;
}

export default function TagFilter({
  target,
  value,
  onChange,
}: {
  target: TagTarget;
  value: TagFilterValue;
  onChange: (v: TagFilterValue) => void;
}) {
  const { access } = useSession();
  const [tags, setTags] = useState<TagOption[]>([]);

  useEffect(() => {
    if (!access.canViewTags) return;
    http
      .get<TagOption[]>('/tags', { target })
      .then((rows) => setTags(rows.filter((t) => t.active !== false)))
      .catch(() => setTags([]));
  }, [target, access.canViewTags]);

  if (!access.canViewTags) return null;
  const colorOf = new Map(tags.map((t) => [t.id, t.color ?? undefined]));
  return (
    <Space.Compact data-testid="tag-filter">
      <Select<number[]>
        mode="multiple"
        allowClear
        showSearch={{ optionFilterProp: 'label' }}
        maxTagCount="responsive"
        placeholder="按标签筛选"
        style={{ minWidth: 220, maxWidth: 360 }}
        value={value.tagIds}
        options={tags.map((t) => ({ value: t.id, label: t.name }))}
        tagRender={({ label, value: v, closable, onClose }) => (
          <Tag color={colorOf.get(Number(v))} closable={closable} onClose={onClose} style={{ marginInlineEnd: 4 }}>
            {label}
          </Tag>
        )}
        notFoundContent="没有可用的标签"
        onChange={(ids) => onChange({ ...value, tagIds: ids })}
      />
      {value.tagIds.length > 1 ? (
        <Segmented<TagMode>
          value={value.mode}
          onChange={(mode) => onChange({ ...value, mode })}
          options={[
            { label: '同时具有', value: 'all' },
            { label: '任一', value: 'any' },
          ]}
        />
      ) : null}
    </Space.Compact>
  );
}
