/**
 * 任务办理 drawer (PC): the task, its business object, claim / unclaim / delegate, and its form
 * with a local draft. A task closed meanwhile shows why and cannot be submitted.
 */
import type { ErrorSchema } from '@rjsf/utils';
import { Alert, App, Button, Descriptions, Drawer, Empty, Modal, Select, Space, Spin, Tag } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { businessFields } from '../../../shared/forms/business';
import { clearDraft, loadDraft, saveDraft } from '../../../shared/forms/draft';
import { TaskForm, toExtraErrors } from '../../../shared/forms/TaskForm';
import {
  bizTypeLabel,
  claimTask,
  closedReason,
  delegateTask,
  dueText,
  fetchTask,
  fmtTime,
  STATUS_TEXT,
  submitTask,
  type TaskDetail,
  unclaimTask,
} from '../../../shared/forms/tasks-api';
import { ApiRequestError, http } from '../../../shared/http';
import { useSession } from '../../session';

type Obj = Record<string, unknown>;

export default function TaskDrawer({ taskId, onClose, onChanged }: { taskId: number | null; onClose: () => void; onChanged: () => void }) {
  const { me } = useSession();
  const { message, modal } = App.useApp();
  const [detail, setDetail] = useState<TaskDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [data, setData] = useState<Obj>({});
  const [draftNote, setDraftNote] = useState<string | null>(null);
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>();
  const [submitting, setSubmitting] = useState(false);
  const [delegating, setDelegating] = useState(false);
  const [target, setTarget] = useState<number | undefined>();
  const [people, setPeople] = useState<{ value: number; label: string }[]>([]);
  const loadedFor = useRef<number | null>(null);
  const userId = me?.id ?? 0;

  const reload = useCallback(async () => {
    if (taskId === null) return;
    try {
      const d = await fetchTask(taskId);
      setDetail(d);
      setError(null);
      if (loadedFor.current !== taskId) {
        loadedFor.current = taskId;
        const draft = loadDraft(userId, taskId);
        setData(draft?.data ?? {});
        setDraftNote(draft && Object.keys(draft.data).length ? `已恢复 ${fmtTime(draft.savedAt)} 保存的草稿` : null);
        setExtraErrors(undefined);
      }
    } catch (err) {
      setError((err as Error).message);
    }
  }, [taskId, userId]);

  useEffect(() => {
    setDetail(null);
    loadedFor.current = null;
    void reload();
  }, [reload]);

  async function act(fn: () => Promise<unknown>, ok: string) {
    try {
      await fn();
      message.success(ok);
      onChanged();
    } catch (err) {
      message.error((err as Error).message);
    }
    await reload();
  }

  function submit(formData: Obj) {
    if (!detail || taskId === null) return;
    modal.confirm({
      title: '确认提交',
      content: '提交后任务即办结，不能再修改。',
      okText: '提交',
      cancelText: '再看看',
      onOk: async () => {
        setSubmitting(true);
        try {
          await submitTask(taskId, formData);
          clearDraft(userId, taskId);
          message.success('提交成功');
          onChanged();
          onClose();
        } catch (err) {
          if (err instanceof ApiRequestError && err.fields.length) setExtraErrors(toExtraErrors(err.fields));
          message.error((err as Error).message, 5);
          await reload();
        } finally {
          setSubmitting(false);
        }
      },
    });
  }

  async function openDelegate() {
    const r = await http.get<{ items: { id: number; displayName: string; orgName: string | null }[] }>('/inbox/colleagues');
    setPeople(r.items.map((c) => ({ value: c.id, label: `${c.displayName}（${c.orgName ?? ''}）` })));
    setTarget(undefined);
    setDelegating(true);
  }

  const t = detail?.task;
  const closed = t ? closedReason(t) : null;
  const pool = t?.status === 'open' && t.assigneeUserId === null;
  const mine = !!t && (t.assigneeUserId === me?.id || (t.status === 'claimed' && t.claimedBy === me?.id));

  return (
    <Drawer
      open={taskId !== null}
      onClose={onClose}
      size={640}
      title={t ? t.title : '任务办理'}
      destroyOnHidden
      extra={t ? <Tag>{STATUS_TEXT[t.status]}</Tag> : null}
    >
      {error ? (
        <Alert type="error" showIcon title="无法打开该任务" description={error} />
      ) : !detail || !t ? (
        <Spin />
      ) : (
        <div data-testid="pc-task-detail">
          {closed ? (
            <Alert
              data-testid="task-closed"
              type="warning"
              showIcon
              title="该任务已关闭"
              description={closed}
              style={{ marginBottom: 16 }}
            />
          ) : !detail.canHandle ? (
            <Alert
              type="info"
              showIcon
              title={t.claimedByName ? `该任务已被${t.claimedByName}认领，您只能查看` : '您不是该任务的办理人，只能查看'}
              style={{ marginBottom: 16 }}
            />
          ) : null}
          <Descriptions className="ib-kv" size="small" column={2} bordered>
            <Descriptions.Item label="任务类型">{bizTypeLabel(t.bizType)}</Descriptions.Item>
            <Descriptions.Item label="派发时间">{fmtTime(t.createdAt)}</Descriptions.Item>
            <Descriptions.Item label="办理时限" span={2}>
              <span className={t.overdue ? 'ib-over' : undefined}>
                {t.dueAt ? (closed ? fmtTime(t.dueAt) : `${fmtTime(t.dueAt)}（${dueText(t.dueAt)}）`) : '无时限'}
              </span>
            </Descriptions.Item>
            {businessFields(t).map((f) => (
              <Descriptions.Item key={f.label} label={f.label} span={2}>
                {f.value}
              </Descriptions.Item>
            ))}
          </Descriptions>
          {!closed && detail.canHandle ? (
            <Space style={{ marginBottom: 16 }}>
              {pool ? <Button onClick={() => void act(() => claimTask(t.id), '已认领')}>认领</Button> : null}
              {t.status === 'claimed' && t.claimedBy === me?.id && t.assigneeUserId === null ? (
                <Button onClick={() => void act(() => unclaimTask(t.id), '已退回候选池')}>取消认领</Button>
              ) : null}
              {mine ? <Button onClick={() => void openDelegate()}>转办</Button> : null}
            </Space>
          ) : null}
          {draftNote && !closed ? <div className="ib-draft">{draftNote}</div> : null}
          {closed ? null : detail.form ? (
            <TaskForm
              schema={detail.form.schema}
              uiSchema={detail.form.uiSchema}
              allowedActions={t.data.allowedActions}
              formData={data}
              onChange={(next) => {
                setData(next);
                setExtraErrors(undefined);
                if (detail.canHandle && !closed) saveDraft(userId, t.id, next);
              }}
              onSubmit={submit}
              disabled={!!closed || !detail.canHandle || submitting}
              taskId={t.id}
              extraErrors={extraErrors}
              footer={
                closed || !detail.canHandle ? null : (
                  <div className="ib-footer">
                    <Button onClick={onClose}>稍后办理</Button>
                    <Button type="primary" htmlType="submit" loading={submitting} data-testid="task-submit">
                      提交
                    </Button>
                  </div>
                )
              }
            />
          ) : (
            <Empty description="该任务没有表单，请联系系统管理员" />
          )}
        </div>
      )}
      <Modal
        open={delegating}
        title="转办"
        okText="转办"
        cancelText="取消"
        okButtonProps={{ disabled: !target }}
        onCancel={() => setDelegating(false)}
        onOk={async () => {
          if (!t || !target) return;
          setDelegating(false);
          await act(() => delegateTask(t.id, target), '已转办');
          onClose();
        }}
      >
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          style={{ width: '100%' }}
          placeholder="选择转办对象（本人管辖范围内）"
          options={people}
          value={target}
          onChange={setTarget}
        />
      </Modal>
    </Drawer>
  );
}
