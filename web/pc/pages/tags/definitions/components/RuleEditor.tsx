/**
 * 计算规则编辑器 (T-4): conditions over the fields the rule language offers for the tag's target,
 * 全部满足 / 任一满足 groups (nested, each can be negated), a live JSON preview, the same validator
 * as the server (forms/tags/rule.ts) with problems shown on the node they name, and 试算: how many
 * elements in scope the rule would tag.
 */
import { DeleteOutlined, ExperimentOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import {
  OP_LABELS,
  opsFor,
  problemText,
  type Rule,
  type RuleCondition,
  type RuleProblem,
  type RuleTarget,
  type RuleValue,
  ruleFields,
  validateRule,
} from '../../../../../../forms/tags/rule';
import { ApiRequestError } from '../../../../../shared/http';
import { previewRule, type RulePreview } from '../../api';
import { defaultCondition, type GroupNode, groupParts, isCondition, isGroup, makeGroup, toEditable, withField, withOp } from './rule-model';
import './rule-editor.css';

/** Groups can hold groups down to this depth (root = 0). */
const MAX_GROUP_DEPTH = 2;

function Problems({ problems, own }: { problems: RuleProblem[]; own: (p: string) => boolean }) {
  const mine = problems.filter((p) => own(p.path));
  if (!mine.length) return null;
  return (
    <div className="rule-node-error" role="alert">
      {mine.map((p) => (
        <div key={p.path}>{p.message}</div>
      ))}
    </div>
  );
}

function ValueInput({
  target,
  cond,
  path,
  onChange,
}: {
  target: RuleTarget;
  cond: RuleCondition;
  path: string;
  onChange: (v: RuleValue | RuleValue[]) => void;
}) {
  const spec = ruleFields(target)[cond.field];
  const list = cond.op === 'in' || cond.op === 'not_in';
  const testId = `rule-value-${path}`;
  if (!spec) return <Input disabled style={{ width: 220 }} placeholder="请先选择字段" />;
  if (spec.kind === 'boolean')
    return (
      <Select
        data-testid={testId}
        style={{ width: 100 }}
        value={cond.value === true ? 'true' : cond.value === false ? 'false' : undefined}
        onChange={(v) => onChange(v === 'true')}
        options={[
          { value: 'true', label: '是' },
          { value: 'false', label: '否' },
        ]}
      />
    );
  if (list) {
    const values = (Array.isArray(cond.value) ? cond.value : []).map(String);
    return (
      <Select
        data-testid={testId}
        mode={spec.options ? 'multiple' : 'tags'}
        style={{ minWidth: 220 }}
        value={values}
        placeholder={spec.options ? '选择取值' : '输入取值后回车'}
        tokenSeparators={[',', '，', '、']}
        onChange={(vs: string[]) => onChange(spec.kind === 'number' ? vs.map((v) => (v.trim() === '' ? Number.NaN : Number(v))) : vs)}
        options={(spec.options ?? []).map((o) => ({ value: o, label: o }))}
      />
    );
  }
  if (spec.kind === 'number')
    return (
      <InputNumber
        data-testid={testId}
        style={{ width: 140 }}
        value={typeof cond.value === 'number' ? cond.value : null}
        onChange={(v) => onChange(v === null ? Number.NaN : Number(v))}
      />
    );
  if (spec.options)
    return (
      <Select
        data-testid={testId}
        style={{ width: 160 }}
        value={typeof cond.value === 'string' && cond.value ? cond.value : undefined}
        onChange={(v: string) => onChange(v)}
        options={spec.options.map((o) => ({ value: o, label: o }))}
      />
    );
  return (
    <Input
      data-testid={testId}
      style={{ width: 180 }}
      maxLength={50}
      value={typeof cond.value === 'string' ? cond.value : ''}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

function ConditionRow({
  target,
  cond,
  path,
  problems,
  onChange,
  onRemove,
}: {
  target: RuleTarget;
  cond: RuleCondition;
  path: string;
  problems: RuleProblem[];
  onChange: (c: RuleCondition) => void;
  onRemove?: () => void;
}) {
  const fields = ruleFields(target);
  const spec = fields[cond.field];
  return (
    <div className="rule-condition" data-testid="rule-condition" data-path={path}>
      <Space wrap size={6}>
        <Select
          data-testid={`rule-field-${path}`}
          showSearch
          optionFilterProp="label"
          style={{ width: 170 }}
          value={spec ? cond.field : undefined}
          placeholder="选择字段"
          onChange={(f: string) => onChange(withField(target, cond, f))}
          options={Object.entries(fields).map(([value, d]) => ({ value, label: d.label }))}
        />
        <Select
          data-testid={`rule-op-${path}`}
          style={{ width: 170 }}
          value={cond.op}
          onChange={(op) => onChange(withOp(cond, op))}
          options={(spec ? opsFor(spec.kind) : []).map((op) => ({ value: op, label: OP_LABELS[op] }))}
        />
        <ValueInput target={target} cond={cond} path={path} onChange={(value) => onChange({ ...cond, value })} />
        {onRemove ? <Button type="text" danger icon={<DeleteOutlined />} onClick={onRemove} aria-label="删除条件" /> : null}
      </Space>
      <Problems problems={problems} own={(p) => p === path || p.startsWith(`${path}.`)} />
    </div>
  );
}

function GroupBox({
  target,
  node,
  path,
  depth,
  problems,
  onChange,
  onRemove,
}: {
  target: RuleTarget;
  node: GroupNode;
  path: string;
  depth: number;
  problems: RuleProblem[];
  onChange: (n: GroupNode) => void;
  onRemove?: () => void;
}) {
  const { negated, mode, children } = groupParts(node);
  const innerPath = `${path}${negated ? '.not' : ''}.${mode}`;
  const set = (next: Rule[]) => onChange(makeGroup(negated, mode, next));
  return (
    <div className={`rule-group rule-group-${mode}`} data-testid={depth === 0 ? 'rule-root' : 'rule-group'}>
      <Space wrap size={8} className="rule-group-head">
        <Select
          data-testid={`rule-mode-${path}`}
          style={{ width: 150 }}
          value={mode}
          onChange={(m: 'all' | 'any') => onChange(makeGroup(negated, m, children))}
          options={[
            { value: 'all', label: '全部满足（且）' },
            { value: 'any', label: '任一满足（或）' },
          ]}
        />
        <Checkbox checked={negated} onChange={(e) => onChange(makeGroup(e.target.checked, mode, children))}>
          取反（不满足该组）
        </Checkbox>
        <Button
          size="small"
          icon={<PlusOutlined />}
          data-testid={`rule-add-${path}`}
          onClick={() => set([...children, defaultCondition(target)])}
        >
          添加条件
        </Button>
        {depth < MAX_GROUP_DEPTH ? (
          <Button
            size="small"
            icon={<PlusOutlined />}
            data-testid={`rule-add-group-${path}`}
            onClick={() => set([...children, { any: [defaultCondition(target)] }])}
          >
            添加条件组
          </Button>
        ) : null}
        {onRemove ? (
          <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={onRemove}>
            删除该组
          </Button>
        ) : null}
      </Space>
      <Problems problems={problems} own={(p) => p === innerPath || p === path} />
      <div className="rule-children">
        {children.map((child, i) => {
          const childPath = `${innerPath}[${i}]`;
          const replace = (c: Rule) => set(children.map((x, j) => (j === i ? c : x)));
          const remove = children.length > 1 || depth > 0 ? () => set(children.filter((_, j) => j !== i)) : undefined;
          const key = `${i}-${children.length}`;
          if (isCondition(child))
            return (
              <ConditionRow
                key={key}
                target={target}
                cond={child}
                path={childPath}
                problems={problems}
                onChange={replace}
                onRemove={remove}
              />
            );
          if (isGroup(child) || ('not' in child && isGroup(child.not)))
            return (
              <GroupBox
                key={key}
                target={target}
                node={child as GroupNode}
                path={childPath}
                depth={depth + 1}
                problems={problems}
                onChange={replace}
                onRemove={() => set(children.filter((_, j) => j !== i))}
              />
            );
          return <Problems key={key} problems={problems} own={(p) => p.startsWith(childPath)} />;
        })}
      </div>
    </div>
  );
}

export interface RuleEditorProps {
  target: RuleTarget;
  value?: unknown;
  onChange?: (rule: Rule) => void;
  /** The tag's defining unit: 试算 counts inside it (and the user's scope). */
  definingOrgId?: number;
}

export default function RuleEditor({ target, value, onChange, definingOrgId }: RuleEditorProps) {
  const rule = useMemo(() => toEditable(value, target), [value, target]);
  const problems = useMemo(() => validateRule(target, rule), [target, rule]);
  const [preview, setPreview] = useState<RulePreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A missing rule starts as one condition, stored so that the form submits what is shown.
  useEffect(() => {
    if (value === undefined || value === null) onChange?.(rule as Rule);
  }, [value, rule, onChange]);
  // A changed rule makes an earlier preview stale.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the rule or scope changes
  useEffect(() => {
    setPreview(null);
    setPreviewError(null);
  }, [rule, definingOrgId]);

  const runPreview = async () => {
    setBusy(true);
    setPreviewError(null);
    try {
      setPreview(await previewRule({ target, rule, definingOrgId: definingOrgId ?? null }));
    } catch (e) {
      setPreviewError(e instanceof ApiRequestError ? (e.fields[0]?.message ?? e.message) : '试算失败，请稍后重试');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="rule-editor" data-testid="rule-editor">
      <GroupBox target={target} node={rule} path="rule" depth={0} problems={problems} onChange={(n) => onChange?.(n as Rule)} />
      {problems.length ? (
        <Alert
          type="warning"
          showIcon
          data-testid="rule-problems"
          style={{ marginTop: 8 }}
          message={`规则有 ${problems.length} 处需要修改`}
          description={
            <ul className="rule-problem-list">
              {problems.map((p) => (
                <li key={p.path}>{problemText(p)}</li>
              ))}
            </ul>
          }
        />
      ) : null}
      <div className="rule-bottom">
        <div className="rule-json-box">
          <Typography.Text type="secondary">规则 JSON（实时预览）</Typography.Text>
          <pre className="rule-json" data-testid="rule-json">
            {JSON.stringify(rule, null, 2)}
          </pre>
        </div>
        <div className="rule-preview-box">
          <Button
            icon={<ExperimentOutlined />}
            onClick={runPreview}
            loading={busy}
            disabled={problems.length > 0}
            data-testid="rule-preview"
          >
            试算
          </Button>
          <Typography.Text type="secondary" style={{ display: 'block', marginTop: 6 }}>
            在您的管辖范围{definingOrgId ? '与定义单位' : ''}内按规则统计，不会打标签
          </Typography.Text>
          {previewError ? <Alert type="error" showIcon message={previewError} style={{ marginTop: 8 }} /> : null}
          {preview ? (
            <div style={{ marginTop: 8 }}>
              <Typography.Text>
                符合规则：<b data-testid="rule-preview-count">{preview.count}</b> 个
              </Typography.Text>
              {preview.sample.length ? (
                <ul className="rule-sample" data-testid="rule-preview-sample">
                  {preview.sample.map((s) => (
                    <li key={s.id}>
                      {s.name}
                      <Typography.Text type="secondary"> · {s.gridName}</Typography.Text>
                    </li>
                  ))}
                  {preview.count > preview.sample.length ? <li>…</li> : null}
                </ul>
              ) : null}
            </div>
          ) : null}
        </div>
      </div>
    </div>
  );
}
