/**
 * 问题详情: the issue, its position on the map, dispatches, ratings, 督办单
 * downloads and the full timeline (who, when, what, attachments). When the user holds an open
 * task for the issue, 办理 opens the inbox's task drawer — the one place issue actions happen.
 */
import { DownloadOutlined, FilePdfOutlined, PaperClipOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Image,
  List,
  Rate,
  Result,
  Row,
  Space,
  Spin,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { fetchInbox, type TaskView } from '../../../shared/forms/tasks-api';
import { ApiRequestError } from '../../../shared/http';
import { Link } from '../../../shared/router';
import { useSession } from '../../session';
import TaskDrawer from '../inbox/TaskDrawer';
import {
  COMPLEXITY_LABELS,
  DISPATCH_STATUS,
  detailLines,
  fmtDateTime,
  type IssueDetail,
  issuesApi,
  SOURCE_LABELS,
  STEP_LABELS,
  SUPERVISION_LABELS,
  TIMELINE_ACTION_LABELS,
  timelineAttachments,
  visibleTimeline,
} from './api';
import { IssueFlags, StepTag } from './components/StepTag';
import './issues.css';

// OpenLayers is large: only loaded when an issue with a position is opened.
const IssueMap = lazy(() => import('./components/IssueMap'));

const DOC_KINDS: Record<string, string> = { supervision_order: '督办单' };

export default function IssueDetailPage({ issueNo }: { issueNo: string }) {
  const { access } = useSession();
  // Read-only roles (纪委监委) have no inbox: do not ask for it.
  const withTasks = access.canViewTasks;
  const [d, setD] = useState<IssueDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tasks, setTasks] = useState<TaskView[]>([]);
  const [openTask, setOpenTask] = useState<number | null>(null);

  const load = useCallback(async () => {
    try {
      const [detail, inbox] = await Promise.all([
        issuesApi.detail(issueNo),
        withTasks ? fetchInbox({ pageSize: 100 }).catch(() => null) : Promise.resolve(null),
      ]);
      setD(detail);
      setError(null);
      setTasks((inbox?.items ?? []).filter((t) => t.bizId === issueNo && (t.status === 'open' || t.status === 'claimed')));
    } catch (e) {
      setError(e instanceof ApiRequestError && e.status === 404 ? '该问题不存在，或不在您的管辖范围内。' : (e as Error).message);
    }
  }, [issueNo, withTasks]);

  useEffect(() => {
    void load();
  }, [load]);

  if (error)
    return (
      <Result
        status="404"
        title="无法查看该问题"
        subTitle={error}
        extra={<Link to="/issues">返回问题列表</Link>}
        data-testid="issue-missing"
      />
    );
  if (!d) return <Spin style={{ display: 'block', margin: '80px auto' }} />;

  const timeline = visibleTimeline(d.timeline);
  const unitNames = Object.fromEntries(d.dispatches.map((x) => [x.dept.id, x.dept.name]));
  const photos = d.attachments ?? [];

  return (
    <div className="is-page" data-testid="issue-detail">
      <Card className="is-card is-head-card">
        <div className="is-head">
          <div className="is-head-main">
            <Space size={10} wrap>
              <Typography.Title level={4} style={{ margin: 0 }} data-testid="issue-title">
                {d.title}
              </Typography.Title>
              <StepTag step={d.step} />
              <IssueFlags issue={d} />
            </Space>
            <div className="is-head-sub">
              <span className="mono">{d.issueNo}</span>
              <span>{SOURCE_LABELS[d.source] ?? d.source}</span>
              <span>{d.gridName}</span>
              <span>上报于 {fmtDateTime(d.createdAt)}</span>
            </div>
          </div>
          <Space>
            <Link to="/issues">返回列表</Link>
            {tasks.map((t) => (
              <Button key={t.id} type="primary" onClick={() => setOpenTask(t.id)} data-testid="issue-handle">
                {t.bizType === 'issue'
                  ? `办理：${t.formKey === 'issue.extension_review' ? '延期审核' : (STEP_LABELS[String(t.data.kind)] ?? '办理')}`
                  : '查看督办'}
              </Button>
            ))}
          </Space>
        </div>
      </Card>

      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <Card className="is-card" title="问题信息">
            <Descriptions column={2} size="small" bordered className="is-desc">
              <Descriptions.Item label="问题类别">{d.categoryName ?? '未分类'}</Descriptions.Item>
              <Descriptions.Item label="问题类型">{COMPLEXITY_LABELS[d.complexity] ?? d.complexity}</Descriptions.Item>
              <Descriptions.Item label="当前环节">{STEP_LABELS[d.step] ?? d.step}</Descriptions.Item>
              <Descriptions.Item label="承办单位">{d.holderName ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="办理时限">
                <span className={d.overdue ? 'is-over' : undefined}>{fmtDateTime(d.handlingDeadline)}</span>
                {d.extensionWorkingDays ? <Tag style={{ marginLeft: 8 }}>已延期 {d.extensionWorkingDays} 个工作日</Tag> : null}
              </Descriptions.Item>
              <Descriptions.Item label="督办">{SUPERVISION_LABELS[d.supervisionLevel] || '无'}</Descriptions.Item>
              <Descriptions.Item label="地址" span={2}>
                {d.address ?? '—'}
              </Descriptions.Item>
              <Descriptions.Item label="问题描述" span={2}>
                <div className="is-desc-text">{d.description ?? '—'}</div>
              </Descriptions.Item>
              {d.marks.length ? (
                <Descriptions.Item label="信件标记" span={2}>
                  {d.marks.map((m) => (
                    <Tag key={m}>{m}</Tag>
                  ))}
                </Descriptions.Item>
              ) : null}
              <Descriptions.Item label="网格员评价">
                {d.internalRating ? <Rate disabled value={d.internalRating} className="is-rate" /> : <span className="muted">未评价</span>}
              </Descriptions.Item>
              <Descriptions.Item label="居民评价">
                {d.externalRating ? <Rate disabled value={d.externalRating} className="is-rate" /> : <span className="muted">未评价</span>}
              </Descriptions.Item>
            </Descriptions>
            {photos.length ? (
              <div className="is-photos">
                <Image.PreviewGroup>
                  {photos.map((p) => (
                    <Image
                      key={p.fileId}
                      width={96}
                      height={96}
                      src={`/api/files/${p.fileId}`}
                      alt={p.name}
                      style={{ objectFit: 'cover' }}
                    />
                  ))}
                </Image.PreviewGroup>
              </div>
            ) : null}
          </Card>

          {d.dispatches.length ? (
            <Card className="is-card" title="派单情况">
              <Table
                size="small"
                rowKey={(r) => String(r.dept.id)}
                pagination={false}
                dataSource={d.dispatches}
                columns={[
                  { title: '承办部门', render: (_: unknown, r) => r.dept.name },
                  { title: '办理单位', render: (_: unknown, r) => r.handler?.name ?? r.dept.name },
                  { title: '状态', width: 100, render: (_: unknown, r) => <Tag>{DISPATCH_STATUS[r.status] ?? r.status}</Tag> },
                  { title: '反馈', render: (_: unknown, r) => r.feedback ?? '—' },
                ]}
              />
            </Card>
          ) : null}

          <Card className="is-card" title="处置过程" data-testid="issue-timeline">
            {timeline.length ? (
              <Timeline
                items={timeline.map((e, i) => {
                  const files = timelineAttachments(e);
                  const created = e.action === 'created';
                  const attach = created ? photos : files;
                  return {
                    key: e.id ?? i,
                    color:
                      e.action === 'supervision' || e.action.endsWith('_return') || e.action === 'verify_fail'
                        ? 'red'
                        : i === timeline.length - 1
                          ? 'green'
                          : 'blue',
                    content: (
                      <div className="is-tl" data-testid="timeline-entry">
                        <div className="is-tl-head">
                          <b>{TIMELINE_ACTION_LABELS[e.action] ?? e.action}</b>
                          <Tag className="is-tl-step">{STEP_LABELS[e.step] ?? e.step}</Tag>
                          <span className="muted">{e.actorName || '系统'}</span>
                          <span className="muted is-tl-at">{fmtDateTime(e.at)}</span>
                        </div>
                        {detailLines(e, unitNames).map((l) => (
                          <div key={l} className="is-tl-line">
                            {l}
                          </div>
                        ))}
                        {attach.length ? (
                          <div className="is-tl-files">
                            {attach.map((a) => (
                              <a key={a.fileId} href={`/api/files/${a.fileId}`} target="_blank" rel="noreferrer">
                                <PaperClipOutlined /> {a.name}
                              </a>
                            ))}
                          </div>
                        ) : null}
                      </div>
                    ),
                  };
                })}
              />
            ) : (
              <Empty description="暂无处置记录" />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card className="is-card" title="问题位置">
            {d.location ? (
              <>
                <Suspense fallback={<div className="is-map" />}>
                  <IssueMap lng={d.location.lng} lat={d.location.lat} label={d.title} />
                </Suspense>
                <div className="is-map-coord muted mono">
                  经度 {d.location.lng.toFixed(6)}，纬度 {d.location.lat.toFixed(6)}
                </div>
              </>
            ) : (
              <Empty description="上报时未标注位置" />
            )}
          </Card>
          <Card className="is-card" title="文书" data-testid="issue-documents">
            {d.documents.length ? (
              <List
                dataSource={d.documents}
                renderItem={(doc) => (
                  <List.Item
                    actions={[
                      <a key="dl" href={issuesApi.documentUrl(d.issueNo, doc.id)} download={doc.fileName} data-testid="document-download">
                        <DownloadOutlined /> 下载
                      </a>,
                    ]}
                  >
                    <List.Item.Meta
                      avatar={<FilePdfOutlined style={{ fontSize: 20, color: '#c46a64' }} />}
                      title={doc.fileName}
                      description={`${DOC_KINDS[doc.kind] ?? doc.kind} · ${fmtDateTime(doc.createdAt)}`}
                    />
                  </List.Item>
                )}
              />
            ) : (
              <Alert type="info" showIcon title="暂无文书；问题升级到纪委监委督办时会生成督办单。" />
            )}
          </Card>
        </Col>
      </Row>
      <TaskDrawer
        taskId={openTask}
        onClose={() => setOpenTask(null)}
        onChanged={() => {
          // The workflow records the step right after the submission: read again a moment later too.
          void load();
          setTimeout(() => void load(), 1500);
        }}
      />
    </div>
  );
}
