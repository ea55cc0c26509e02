/**
 * 五方责任清单: the category tree on the left, the selected category's responsible parties
 * on the right. Editing (and adding categories) needs issue.supervise; everyone else reads.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Empty, Form, Input, Result, Row, Select, Switch, Tag, Tree, Typography } from 'antd';
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { ApiRequestError, fieldErrors } from '../../../shared/http';
import { useSession } from '../../session';
import { type CategoryNode, issuesApi } from './api';
import IssuesNav from './components/IssuesNav';
import './issues.css';

const PARTIES = ['主责部门', '配合部门', '属地街道', '属地社区', '网格'];

interface EditValues {
  code: string;
  name: string;
  parentCode?: string | null;
  complexity: 'general' | 'complex';
  active: boolean;
  parties: { party: string; dept?: string }[];
}

interface TreeItem {
  key: string;
  title: ReactNode;
  children: TreeItem[];
}

function flatten(nodes: CategoryNode[], out: CategoryNode[] = []): CategoryNode[] {
  for (const n of nodes) {
    out.push(n);
    flatten(n.children, out);
  }
  return out;
}

export default function IssueResponsibilityPage() {
  const { access } = useSession();
  const { message } = App.useApp();
  const [tree, setTree] = useState<CategoryNode[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<EditValues>();

  const load = useCallback(async () => setTree(await issuesApi.categories()), []);
  useEffect(() => {
    void load();
  }, [load]);

  const all = useMemo(() => flatten(tree), [tree]);
  const current = all.find((c) => c.code === selected) ?? null;

  useEffect(() => {
    if (creating) {
      form.setFieldsValue({
        code: '',
        name: '',
        parentCode: current?.level === 1 ? current.code : (current?.parentCode ?? null),
        complexity: 'general',
        active: true,
        parties: [{ party: '主责部门', dept: '' }],
      });
    } else if (current) {
      form.setFieldsValue({ ...current, parties: current.parties.length ? current.parties : [] });
    }
  }, [current, creating, form]);

  if (!access.canSuperviseIssues)
    return (
      <Result status="403" title="没有维护责任清单的权限" subTitle="五方责任清单由区级及以上的督办人员维护；如需调整，请联系区指挥中心。" />
    );

  async function save(v: EditValues) {
    setSaving(true);
    try {
      const parties = v.parties
        .filter((p) => p.party)
        .map((p) => (p.dept?.trim() ? { party: p.party, dept: p.dept.trim() } : { party: p.party }));
      const saved = await issuesApi.saveCategory(v.code.trim().toUpperCase(), {
        name: v.name.trim(),
        parentCode: v.parentCode || null,
        complexity: v.complexity,
        active: v.active,
        parties,
      });
      message.success('已保存');
      setCreating(false);
      await load();
      setSelected(saved.code);
    } catch (e) {
      const f = fieldErrors(e);
      form.setFields(Object.entries(f).map(([name, msg]) => ({ name: name as keyof EditValues, errors: [msg] })));
      message.error(e instanceof ApiRequestError ? e.message : '保存失败，请重试');
    } finally {
      setSaving(false);
    }
  }

  const toTree = (nodes: CategoryNode[]): TreeItem[] =>
    nodes.map((n) => ({
      key: n.code,
      title: (
        <span className={n.active ? undefined : 'muted'}>
          {n.name} <span className="muted mono">{n.code}</span>
          {n.level > 1 && !n.parties.some((p) => p.dept) ? (
            <Tag color="warning" style={{ marginLeft: 6 }}>
              无责任部门
            </Tag>
          ) : null}
        </span>
      ),
      children: toTree(n.children),
    }));

  const editing = creating || current;
  return (
    <div className="is-page">
      <div className="page-head">
        <IssuesNav active="/issues/responsibility" />
      </div>
      <Row gutter={16}>
        <Col xs={24} lg={10}>
          <Card
            className="is-card"
            title="问题类别"
            extra={
              <Button size="small" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
                新增类别
              </Button>
            }
          >
            <div className="is-cat-tree" data-testid="category-tree">
              {tree.length ? (
                <Tree
                  blockNode
                  defaultExpandAll
                  selectedKeys={selected ? [selected] : []}
                  treeData={toTree(tree)}
                  onSelect={(k) => {
                    setCreating(false);
                    setSelected(k.length ? String(k[0]) : null);
                  }}
                />
              ) : (
                <Empty />
              )}
            </div>
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card
            className="is-card"
            title={creating ? '新增类别' : current ? `责任方 · ${current.name}` : '责任方'}
            data-testid="party-editor"
          >
            {!editing ? (
              <Empty description="请在左侧选择一个问题类别" />
            ) : (
              <Form<EditValues> form={form} layout="vertical" onFinish={(v) => void save(v)} requiredMark="optional">
                <Row gutter={12}>
                  <Col span={8}>
                    <Form.Item
                      name="code"
                      label="类别编码"
                      rules={[
                        { required: true, message: '请输入类别编码' },
                        { pattern: /^[A-Za-z0-9]{1,32}$/, message: '只能包含字母和数字' },
                      ]}
                    >
                      <Input disabled={!creating} placeholder="如 CG09" />
                    </Form.Item>
                  </Col>
                  <Col span={16}>
                    <Form.Item name="name" label="类别名称" rules={[{ required: true, message: '请输入类别名称' }]}>
                      <Input maxLength={100} />
                    </Form.Item>
                  </Col>
                  <Col span={8}>
                    <Form.Item name="parentCode" label="上级类别">
                      <Select
                        allowClear
                        placeholder="无（一级类别）"
                        options={all.filter((c) => c.level === 1).map((c) => ({ value: c.code, label: c.name }))}
                      />
                    </Form.Item>
                  </Col>
                  <Col span={8}>
                    <Form.Item name="complexity" label="问题类型">
                      <Select
                        options={[
                          { value: 'general', label: '一般（3个工作日）' },
                          { value: 'complex', label: '复杂（5个工作日）' },
                        ]}
                      />
                    </Form.Item>
                  </Col>
                  <Col span={8}>
                    <Form.Item name="active" label="启用" valuePropName="checked">
                      <Switch />
                    </Form.Item>
                  </Col>
                </Row>
                <Typography.Text strong>五方责任</Typography.Text>
                <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '4px 0 12px' }}>
                  主责部门、配合部门填写部门简称（如“住建”“公安”），派单时据此推荐承办部门；没有责任部门的类别在分析中计为“无责任单位”。
                </Typography.Paragraph>
                <Form.List name="parties">
                  {(fields, { add, remove }) => (
                    <>
                      {fields.map((f) => (
                        <div className="is-party-row" key={f.key}>
                          <Form.Item name={[f.name, 'party']} noStyle>
                            <Select style={{ width: 140 }} options={PARTIES.map((p) => ({ value: p, label: p }))} />
                          </Form.Item>
                          <Form.Item name={[f.name, 'dept']} noStyle>
                            <Input placeholder="部门（主责/配合部门必填）" style={{ flex: 1 }} maxLength={50} />
                          </Form.Item>
                          <Button type="text" icon={<DeleteOutlined />} aria-label="删除" onClick={() => remove(f.name)} />
                        </div>
                      ))}
                      <Button
                        type="dashed"
                        icon={<PlusOutlined />}
                        onClick={() => add({ party: '配合部门', dept: '' })}
                        disabled={fields.length >= 10}
                      >
                        添加责任方
                      </Button>
                    </>
                  )}
                </Form.List>
                <div style={{ display: 'flex', justifyContent: 'flex-end', gap: 8, marginTop: 20 }}>
                  {creating ? <Button onClick={() => setCreating(false)}>取消</Button> : null}
                  <Button type="primary" htmlType="submit" loading={saving}>
                    保存
                  </Button>
                </div>
              </Form>
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
