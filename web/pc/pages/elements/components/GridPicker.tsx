/**
 * 所属网格: a grid in the user's scope, picked from the org tree (loaded a level at a time).
 * A chain of single units (a community user's one community) opens by itself, so the grids show
 * at once; a user whose scope is one grid gets it chosen.
 */
import { TreeSelect } from 'antd';
import { useEffect, useState } from 'react';
import { fetchOrgChildren, type OrgNode } from '../../../layout/api';
import { orgTypeLabels } from '../../../layout/org-filter';

export interface GridRef {
  id: number;
  name: string;
}

/** TreeSelect keys its nodes by `value` (expanded keys too); id/pId only build the tree. */
interface Node {
  id: string;
  pId?: string;
  value: number;
  title: string;
  isLeaf: boolean;
  selectable: boolean;
}

/** Departments sit beside the territorial tree and hold no grids. */
const territorial = (list: OrgNode[]) => list.filter((o) => o.type !== 'department');

const toNode = (o: OrgNode): Node => ({
  id: String(o.id),
  pId: o.parentId === null ? undefined : String(o.parentId),
  value: Number(o.id),
  title: o.type === 'grid' ? o.name : `${o.name}（${orgTypeLabels[o.type] ?? o.type}）`,
  isLeaf: o.type === 'grid' || o.childCount === 0,
  selectable: o.type === 'grid',
});

export default function GridPicker({
  value,
  onChange,
  status,
}: {
  value: GridRef | null;
  onChange: (g: GridRef | null) => void;
  status?: 'error';
}) {
  const [nodes, setNodes] = useState<Node[]>([]);
  const [expanded, setExpanded] = useState<number[]>([]);
  const [loaded, setLoaded] = useState<Set<number>>(new Set());

  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on mount (the preset grid is chosen only if none is)
  useEffect(() => {
    let gone = false;
    (async () => {
      let level = territorial(await fetchOrgChildren());
      const all: Node[] = level.map(toNode);
      const open: number[] = [];
      const done = new Set<number>();
      for (let depth = 0; depth < 5 && level.length === 1 && level[0].type !== 'grid' && level[0].childCount > 0; depth++) {
        const id = Number(level[0].id);
        level = territorial(await fetchOrgChildren(String(id)));
        all.push(...level.map(toNode));
        open.push(id);
        done.add(id);
      }
      if (gone) return;
      setNodes(all);
      setExpanded(open);
      setLoaded(done);
      const grids = all.filter((n) => n.selectable);
      if (!value && all.length === 1 && grids.length === 1) onChange({ id: grids[0].value, name: grids[0].title });
    })().catch(() => undefined);
    return () => {
      gone = true;
    };
  }, []);

  const loadData = async (n: { value?: unknown }) => {
    const key = Number(n.value);
    if (!key || loaded.has(key)) return;
    const kids = territorial(await fetchOrgChildren(String(key))).map(toNode);
    setLoaded((s) => new Set([...s, key]));
    setNodes((cur) => [...cur, ...kids.filter((k) => !cur.some((c) => c.id === k.id))]);
  };

  return (
    <TreeSelect<{ value: number; label: string }>
      data-testid="grid-picker"
      treeDataSimpleMode
      treeData={nodes}
      loadData={loadData}
      treeExpandedKeys={expanded}
      onTreeExpand={(keys) => setExpanded(keys.map(Number))}
      labelInValue
      value={value ? { value: value.id, label: value.name } : undefined}
      onChange={(v) => onChange(v ? { id: Number(v.value), name: String(v.label) } : null)}
      showSearch
      treeNodeFilterProp="title"
      placeholder="请选择所属网格"
      allowClear
      status={status}
      style={{ width: '100%' }}
      listHeight={320}
    />
  );
}
