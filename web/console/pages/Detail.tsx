/**
 * 流程实例详情: basic facts and search attributes, the current state (the workflow's query),
 * pending timers (fire time, time remaining) and activities, the Chinese history timeline, the
 * related tasks, and — for administrators only — cancel / terminate / signal / retry, each
 * confirmed with a reason (audited on the server).
 */
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Input,
  Modal,
  Result,
  Row,
  Space,
  Spin,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { Me } from '../../shared/auth';
import { Link } from '../../shared/router';
import { adminAction, fetchProcess, fmt, type ProcessDetail, STAGES, span } from '../api';

const TONE: Record<string, string> = { success: 'green', error: 'red', warning: 'orange', pending: 'blue', default: 'gray' };
const TASK_STATUS: Record<string, string> = {
  open: '待认领',
  claimed: '办理中',
  completed: '已办结',
  cancelled: '已撤销',
  expired: '超期关闭',
};
const STATE_LABELS: Record<string, string> = {
  stage: '当前环节',
  taskId: '当前任务编号',
  step: '当前环节',
  holder: '承办单位',
  supervisionLevel: '督办层级',
};

type Action = 'cancel' | 'terminate' | 'signal' | 'retry';
const ACTIONS: Record<Action, { label: string; warn: string; danger?: boolean }> = {
  cancel: { label: '取消流程', warn: '流程将收到取消请求并自行收尾（关闭未办结的待办）。' },
  terminate: { label: '强制终止', warn: '流程立即终止，不执行任何收尾；未办结的待办将被撤销。此操作不可恢复。', danger: true },
  signal: { label: '发送信号', warn: '向流程发送一个信号，参数为 JSON 数组。请确认信号名称与参数符合流程定义。' },
  retry: { label: '重试失败活动', warn: '以原输入重新运行这个因活动失败而结束的流程（同一流程编号）。' },
};

function stateRows(v: unknown): { key: string; label: string; value: string }[] {
  if (!v || typeof v !== 'object') return [{ key: 'value', label: '状态', value: String(v ?? '—') }];
  return Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x === null || ['string', 'number', 'boolean'].includes(typeof x))
    .map(([k, x]) => ({
      key: k,
      label: STATE_LABELS[k] ?? k,
      value: (k === 'stage' || k === 'step') && typeof x === 'string' ? (STAGES[x] ?? x) : x === null ? '—' : String(x),
    }));
}

export default function DetailPage({ id, me }: { id: string; me: Me }) {
  const { message } = App.useApp();
  const [d, setD] = useState<ProcessDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [action, setAction] = useState<Action | null>(null);
  const [reason, setReason] = useState('');
  const [signalName, setSignalName] = useState('');
  const [signalArgs, setSignalArgs] = useState('[]');
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setD(await fetchProcess(id));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [id]);

  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 15_000);
    return () => clearInterval(t);
  }, [load]);

  async function run() {
    if (!action) return;
    const body: Record<string, unknown> = { reason: reason.trim() };
    if (action === 'signal') {
      let args: unknown;
      try {
        args = JSON.parse(signalArgs || '[]');
      } catch {
        message.error('信号参数不是有效的 JSON，请改为 JSON 数组，例如 ["同意"]');
        return;
      }
      if (!Array.isArray(args)) {
        message.error('信号参数须为 JSON 数组，例如 ["同意"]');
        return;
      }
      body.name = signalName.trim();
      body.args = args;
    }
    setBusy(true);
    try {
      const r = await adminAction(id, action, body);
      message.success(r.message);
      setAction(null);
      setReason('');
      await load();
    } catch (err) {
      message.error((err as Error).message, 5);
    } finally {
      setBusy(false);
    }
  }

  if (error) return <Result status="warning" title="无法查看该流程" subTitle={error} extra={<Link to="/console/">返回列表</Link>} />;
  if (!d) return <Spin style={{ display: 'block', marginTop: 80 }} />;
  const p = d.process;
  const running = p.status === 'RUNNING';

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="console-detail">
      <Card
        size="small"
        title={
          <Space wrap>
            <Link to="/console/">流程监控</Link>
            <span>/</span>
            <Typography.Text strong>{p.workflowId}</Typography.Text>
            <Tag color={running ? 'processing' : p.status === 'COMPLETED' ? 'success' : 'error'}>{p.statusLabel}</Tag>
            {p.overdue ? <Tag color="error">超期</Tag> : null}
          </Space>
        }
        extra={
          d.canAdmin ? (
            <Space>
              <Button disabled={!running} onClick={() => setAction('signal')}>
                发送信号
              </Button>
              <Button disabled={!running} onClick={() => setAction('cancel')}>
                取消流程
              </Button>
              <Button danger disabled={!running} onClick={() => setAction('terminate')}>
                强制终止
              </Button>
              <Button disabled={p.status !== 'FAILED'} onClick={() => setAction('retry')}>
                重试失败活动
              </Button>
            </Space>
          ) : (
            <Typography.Text type="secondary">管理操作仅限系统管理员</Typography.Text>
          )
        }
      >
        <Descriptions size="small" column={3}>
          <Descriptions.Item label="流程类型">{p.typeLabel}</Descriptions.Item>
          <Descriptions.Item label="业务编号">{p.bizId ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="所属区域">{p.orgName ?? p.orgPath ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="当前环节">
            <span data-testid="current-stage">{p.stageLabel ?? '—'}</span>
          </Descriptions.Item>
          <Descriptions.Item label="办理时限">{fmt(p.deadlineAt)}</Descriptions.Item>
          <Descriptions.Item label="启动时间">{fmt(p.startTime)}</Descriptions.Item>
          <Descriptions.Item label="结束时间">{fmt(p.closeTime)}</Descriptions.Item>
          <Descriptions.Item label="历史事件">{p.historyLength} 条</Descriptions.Item>
          <Descriptions.Item label="查询时间">{fmt(d.now)}</Descriptions.Item>
          {d.searchAttributes
            .filter((s) => !['BizId', 'Stage', 'DeadlineAt'].includes(s.key))
            .map((s) => (
              <Descriptions.Item key={s.key} label={s.label}>
                {s.value}
              </Descriptions.Item>
            ))}
        </Descriptions>
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card size="small" title="历史时间线">
            <Timeline
              className="wc-timeline"
              items={d.timeline.map((e) => ({
                color: TONE[e.tone],
                content: (
                  <div className="wc-event" data-testid="timeline-entry">
                    <div className="wc-event-head">
                      <span className="wc-event-title">{e.title}</span>
                      <span className="wc-event-time">{fmt(e.at)}</span>
                    </div>
                    {e.detail ? <div className="wc-event-detail">{e.detail}</div> : null}
                    {e.remainingMs !== undefined ? (
                      <div className={e.remainingMs < 0 ? 'wc-event-left wc-over' : 'wc-event-left'}>
                        {e.remainingMs < 0 ? '应已到期，等待触发' : `距到期还有 ${span(e.remainingMs)}`}
                      </div>
                    ) : null}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            <Card size="small" title="当前状态（流程查询）">
              {d.state.available ? (
                <Descriptions size="small" column={1} data-testid="workflow-state">
                  {stateRows(d.state.value).map((r) => (
                    <Descriptions.Item key={r.key} label={r.label}>
                      {r.value}
                    </Descriptions.Item>
                  ))}
                </Descriptions>
              ) : (
                <Typography.Text type="secondary">{d.state.message}</Typography.Text>
              )}
            </Card>
            <Card size="small" title="待触发的定时器">
              {d.pendingTimers.length ? (
                d.pendingTimers.map((t) => (
                  <div key={`${t.timerId}-${t.startedAt}`} className="wc-timer" data-testid="pending-timer">
                    <div>
                      到期时间 <b>{fmt(t.fireAt)}</b>
                    </div>
                    <div className={t.remainingMs < 0 ? 'wc-over' : 'wc-left'}>
                      {t.remainingMs < 0 ? `已超过 ${span(-t.remainingMs)}，等待触发` : `剩余 ${span(t.remainingMs)}`}
                    </div>
                  </div>
                ))
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="没有待触发的定时器" />
              )}
            </Card>
            <Card size="small" title="进行中的活动">
              {d.pendingActivities.length ? (
                d.pendingActivities.map((a) => (
                  <div key={a.activityId} className="wc-timer">
                    <div>
                      {a.label} <Tag>{a.state}</Tag>
                    </div>
                    <div className="wc-left">
                      安排于 {fmt(a.scheduledAt)}，第 {a.attempt} 次尝试
                    </div>
                  </div>
                ))
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="没有进行中的活动" />
              )}
              {d.failedActivities.length ? (
                <Alert
                  type="error"
                  showIcon
                  style={{ marginTop: 8 }}
                  title={`失败的活动 ${d.failedActivities.length} 个`}
                  description={d.failedActivities.map((f) => `${f.label}：${f.message}`).join('；')}
                />
              ) : null}
            </Card>
          </Space>
        </Col>
      </Row>
      <Card size="small" title="相关待办">
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={d.tasks}
          locale={{ emptyText: '该流程没有待办任务' }}
          columns={[
            { title: '任务', dataIndex: 'title', ellipsis: true },
            {
              title: '办理人 / 候选',
              key: 'who',
              render: (_: unknown, t: ProcessDetail['tasks'][number]) =>
                t.completedByName ??
                t.claimedByName ??
                t.assigneeName ??
                [t.candidateOrgName, t.candidateRoleName].filter(Boolean).join(' '),
            },
            { title: '派发时间', dataIndex: 'createdAt', width: 150, render: fmt },
            { title: '办理时限', dataIndex: 'dueAt', width: 150, render: fmt },
            { title: '状态', dataIndex: 'status', width: 90, render: (s: string) => <Tag>{TASK_STATUS[s] ?? s}</Tag> },
            { title: '结束时间', dataIndex: 'completedAt', width: 150, render: fmt },
            { title: '说明', dataIndex: 'closeReason', ellipsis: true, render: (v: string | null) => v ?? '' },
          ]}
        />
      </Card>
      <Modal
        open={action !== null}
        title={action ? `${ACTIONS[action].label}：${p.workflowId}` : ''}
        okText="确认执行"
        cancelText="取消"
        okButtonProps={{
          danger: action ? ACTIONS[action].danger : false,
          disabled: reason.trim().length < 2 || (action === 'signal' && !signalName.trim()),
          loading: busy,
        }}
        onOk={() => void run()}
        onCancel={() => setAction(null)}
      >
        {action ? <Alert type="warning" showIcon title={ACTIONS[action].warn} style={{ marginBottom: 12 }} /> : null}
        {action === 'signal' ? (
          <Space direction="vertical" style={{ width: '100%', marginBottom: 12 }}>
            <Input placeholder="信号名称，例如 demoApproval.submit" value={signalName} onChange={(e) => setSignalName(e.target.value)} />
            <Input.TextArea
              rows={3}
              placeholder='参数（JSON 数组），例如 ["同意"]'
              value={signalArgs}
              onChange={(e) => setSignalArgs(e.target.value)}
            />
          </Space>
        ) : null}
        <Input.TextArea
          rows={2}
          maxLength={200}
          showCount
          style={{ marginBottom: 20 }}
          placeholder={`操作原因（必填，将记入审计日志；操作人：${me.displayName}）`}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Modal>
    </Space>
  );
}
