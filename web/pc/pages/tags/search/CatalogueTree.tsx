/**
 * 标签检索分类目录 (T-6): the catalogue tree (category → sub-category → tags, with the count of each
 * tag in the user's scope); clicking a tag puts it into the chosen part of the search (且 / 或 / 非).
 */
import { Segmented, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useMemo, useState } from 'react';
import type { Catalogue, CategoryNode, TagDef } from '../api';

export type Bucket = 'all' | 'any' | 'none';

function tagNode(cat: Catalogue, t: TagDef): DataNode {
  return {
    key: `tag-${t.id}`,
    isLeaf: true,
    title: (
      <span data-testid={`tree-tag-${t.id}`}>
        {t.name}
        <Typography.Text type="secondary" style={{ marginLeft: 6, fontSize: 12 }}>
          {cat.labels.targets[t.target] ?? t.target}
          {t.count !== undefined ? ` · ${t.count}` : ''}
        </Typography.Text>
      </span>
    ),
  };
}

/** Categories with their tags; empty categories are left out, tags without a category go under 其他. */
export function catalogueNodes(cat: Catalogue): DataNode[] {
  const byCategory = new Map<number | null, TagDef[]>();
  for (const t of cat.tags.filter((x) => x.active)) byCategory.set(t.categoryId, [...(byCategory.get(t.categoryId) ?? []), t]);
  const build = (c: CategoryNode): DataNode | null => {
    const children = [
      ...c.children.map(build).filter((n): n is DataNode => n !== null),
      ...(byCategory.get(c.id) ?? []).map((t) => tagNode(cat, t)),
    ];
    return children.length ? { key: `cat-${c.id}`, title: c.name, selectable: false, children } : null;
  };
  const nodes = cat.categories.map(build).filter((n): n is DataNode => n !== null);
  const loose = byCategory.get(null) ?? [];
  if (loose.length) nodes.push({ key: 'cat-none', title: '其他', selectable: false, children: loose.map((t) => tagNode(cat, t)) });
  return nodes;
}

export default function CatalogueTree({ cat, onPick }: { cat: Catalogue; onPick: (tagId: number, bucket: Bucket) => void }) {
  const [bucket, setBucket] = useState<Bucket>('all');
  const nodes = useMemo(() => catalogueNodes(cat), [cat]);
  return (
    <div data-testid="tag-catalogue">
      <Typography.Text strong>标签目录</Typography.Text>
      <div style={{ margin: '8px 0' }}>
        <Segmented
          size="small"
          value={bucket}
          onChange={(v) => setBucket(v as Bucket)}
          options={[
            { value: 'all', label: '加入“且”' },
            { value: 'any', label: '加入“或”' },
            { value: 'none', label: '加入“非”' },
          ]}
          data-testid="tree-bucket"
        />
      </div>
      <Tree
        blockNode
        defaultExpandAll
        treeData={nodes}
        selectedKeys={[]}
        style={{ maxHeight: 360, overflow: 'auto' }}
        onSelect={(keys) => {
          const k = String(keys[0] ?? '');
          if (k.startsWith('tag-')) onPick(Number(k.slice(4)), bucket);
        }}
      />
    </div>
  );
}
