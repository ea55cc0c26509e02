/** The user's scope as a lazily loaded org tree; picking a node filters the lists. */
import { ApartmentOutlined } from '@ant-design/icons';
import { Button, Empty, Spin, Tree, type TreeDataNode, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { fetchOrgChildren, type OrgNode } from './api';
import { orgTypeLabels, useOrgFilter } from './org-filter';

interface Node extends TreeDataNode {
  key: string;
  org: OrgNode;
  children?: Node[];
}

const toNode = (o: OrgNode): Node => ({
  key: String(o.id),
  org: o,
  isLeaf: o.childCount === 0,
  title: (
    <span className="org-node" title={o.name}>
      <span className="org-node-name">{o.name}</span>
      <span className="org-node-type">{orgTypeLabels[o.type] ?? o.type}</span>
    </span>
  ),
});

function attach(list: Node[], key: string, children: Node[]): Node[] {
  return list.map((n) => (n.key === key ? { ...n, children } : n.children ? { ...n, children: attach(n.children, key, children) } : n));
}

export default function OrgTree() {
  const { selected, select } = useOrgFilter();
  const [nodes, setNodes] = useState<Node[] | null>(null);
  const [expanded, setExpanded] = useState<string[]>([]);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    fetchOrgChildren()
      .then((roots) => {
        const ns = roots.map(toNode);
        setNodes(ns);
        // Open the first level so that the tree shows something useful at once.
        setExpanded(ns.filter((n) => !n.isLeaf).map((n) => n.key));
      })
      .catch(() => setFailed(true));
  }, []);

  const loadData = async (n: Node) => {
    if (n.children) return;
    const kids = await fetchOrgChildren(n.key);
    setNodes((cur) => (cur ? attach(cur, n.key, kids.map(toNode)) : cur));
  };

  return (
    <div className="org-panel" data-testid="org-tree">
      <div className="org-panel-head">
        <Typography.Text strong>
          <ApartmentOutlined /> 管辖范围
        </Typography.Text>
        {selected ? (
          <Button size="small" type="link" onClick={() => select(null)}>
            查看全部
          </Button>
        ) : null}
      </div>
      <div className="org-panel-body">
        {nodes === null && !failed ? <Spin size="small" style={{ display: 'block', margin: '24px auto' }} /> : null}
        {failed ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="组织机构加载失败，请刷新页面重试" /> : null}
        {nodes ? (
          <Tree<Node>
            blockNode
            treeData={nodes}
            loadData={loadData}
            expandedKeys={expanded}
            onExpand={(keys) => setExpanded(keys.map(String))}
            selectedKeys={selected ? [selected.id] : []}
            onSelect={(_keys, info) => {
              const o = info.node.org;
              select(info.selected ? { id: String(o.id), name: o.name, path: o.path } : null);
            }}
          />
        ) : null}
      </div>
    </div>
  );
}
