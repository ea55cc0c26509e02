/**
 * 任务办理 (phone): the task, the business object it concerns, claim / unclaim / delegate, and its
 * form (rjsf in the dark antd theme, Chinese validation, camera photos). The form data is kept as a
 * local draft on every change; a task closed meanwhile (colleague, deadline) shows why and the
 * form is disabled. The task is re-read every 30 s and when the page becomes visible again.
 */
import type { ErrorSchema } from '@rjsf/utils';
import { ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { Button, Card, Dialog, ErrorBlock, List, NavBar, NoticeBar, Picker, SpinLoading, Tag, Toast } from 'antd-mobile';
import { useCallback, useEffect, useRef, useState } from 'react';
import { appTheme } from '../../../pc/theme';
import type { Me } from '../../../shared/auth';
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
import { navigate } from '../../../shared/router';
import './tasks.css';

type Obj = Record<string, unknown>;

export default function TaskDetailPage({ id, me, onChanged }: { id: string; me: Me; onChanged: () => void }) {
  const [detail, setDetail] = useState<TaskDetail | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const [data, setData] = useState<Obj>({});
  const [draftNote, setDraftNote] = useState<string | null>(null);
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>();
  const [submitting, setSubmitting] = useState(false);
  const [colleagues, setColleagues] = useState<{ label: string; value: number }[] | null>(null);
  const initialised = useRef(false);

  const reload = useCallback(async () => {
    try {
      const d = await fetchTask(id);
      setDetail(d);
      setMissing(null);
      if (!initialised.current) {
        initialised.current = true;
        const draft = loadDraft(me.id, id);
        if (draft && Object.keys(draft.data).length) {
          setData(draft.data);
          setDraftNote(`已恢复 ${fmtTime(draft.savedAt)} 保存的草稿`);
        }
      }
    } catch (err) {
      setMissing((err as Error).message);
    }
  }, [id, me.id]);

  useEffect(() => {
    void reload();
    const t = setInterval(() => void reload(), 30_000);
    const onVisible = () => document.visibilityState === 'visible' && void reload();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(t);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [reload]);

  function change(next: Obj) {
    setData(next);
    setExtraErrors(undefined);
    if (detail?.canHandle) saveDraft(me.id, id, next);
  }

  async function act(fn: () => Promise<unknown>, ok: string) {
    try {
      await fn();
      Toast.show({ content: ok, icon: 'success' });
      onChanged();
    } catch (err) {
      Toast.show({ content: (err as Error).message, duration: 3000 });
    }
    await reload();
  }

  async function submit(formData: Obj) {
    if (!detail) return;
    const ok = await Dialog.confirm({ content: '确认提交？提交后不能修改。', confirmText: '提交', cancelText: '再看看' });
    if (!ok) return;
    setSubmitting(true);
    try {
      await submitTask(detail.task.id, formData);
      clearDraft(me.id, id);
      Toast.show({ content: '提交成功', icon: 'success' });
      onChanged();
      navigate('/m/tasks');
    } catch (err) {
      if (err instanceof ApiRequestError && err.fields.length) setExtraErrors(toExtraErrors(err.fields));
      Toast.show({ content: (err as Error).message, duration: 4000 });
      await reload(); // closed meanwhile: the banner explains why
    } finally {
      setSubmitting(false);
    }
  }

  async function openDelegate() {
    try {
      const r = await http.get<{ items: { id: number; displayName: string; orgName: string | null }[] }>('/inbox/colleagues');
      setColleagues(r.items.map((c) => ({ label: `${c.displayName}（${c.orgName ?? ''}）`, value: c.id })));
    } catch (err) {
      Toast.show({ content: (err as Error).message });
    }
  }

  const back = (
    <NavBar onBack={() => navigate('/m/tasks')} className="mt-nav">
      任务办理
    </NavBar>
  );
  if (missing)
    return (
      <div className="mt-page">
        {back}
        <ErrorBlock status="default" title="无法打开该任务" description={missing} style={{ padding: '48px 16px' }} />
      </div>
    );
  if (!detail)
    return (
      <div className="mt-page">
        {back}
        <div className="mt-center">
          <SpinLoading color="primary" />
        </div>
      </div>
    );

  const t = detail.task;
  const closed = closedReason(t);
  const pool = t.status === 'open' && t.assigneeUserId === null;
  const mine = t.assigneeUserId === me.id || (t.status === 'claimed' && t.claimedBy === me.id);
  const business = businessFields(t);

  return (
    <div className="mt-page" data-testid="m-task-detail">
      {back}
      {closed ? (
        <NoticeBar data-testid="task-closed" color="alert" wrap content={closed} />
      ) : !detail.canHandle ? (
        <NoticeBar
          color="info"
          wrap
          content={t.claimedByName ? `该任务已被${t.claimedByName}认领，您只能查看。` : '您不是该任务的办理人，只能查看。'}
        />
      ) : null}
      <Card
        className="mt-card"
        title={<span className="mt-card-title">{t.title}</span>}
        extra={<Tag fill="outline">{STATUS_TEXT[t.status]}</Tag>}
      >
        <div className="mt-kv">
          <span>任务类型</span>
          <b>{bizTypeLabel(t.bizType)}</b>
          <span>办理时限</span>
          <b className={t.overdue ? 'mt-due-over' : undefined}>
            {t.dueAt ? (closed ? fmtTime(t.dueAt) : `${fmtTime(t.dueAt)}（${dueText(t.dueAt)}）`) : '无时限'}
          </b>
          <span>派发时间</span>
          <b>{fmtTime(t.createdAt)}</b>
          {t.claimedByName ? (
            <>
              <span>认领人</span>
              <b>{t.claimedByName}</b>
            </>
          ) : null}
        </div>
      </Card>
      {business.length ? (
        <List header="业务信息" className="m-card mt-biz">
          {business.map((f) => (
            <List.Item key={f.label} extra={f.value}>
              {f.label}
            </List.Item>
          ))}
        </List>
      ) : null}
      {!closed && detail.canHandle ? (
        <div className="mt-actions">
          {pool ? (
            <Button size="small" color="primary" fill="outline" onClick={() => void act(() => claimTask(t.id), '已认领')}>
              认领
            </Button>
          ) : null}
          {t.status === 'claimed' && t.claimedBy === me.id && t.assigneeUserId === null ? (
            <Button size="small" fill="outline" onClick={() => void act(() => unclaimTask(t.id), '已退回候选池')}>
              取消认领
            </Button>
          ) : null}
          {mine ? (
            <Button size="small" fill="outline" onClick={() => void openDelegate()}>
              转办
            </Button>
          ) : null}
        </div>
      ) : null}
      {closed ? null : detail.form ? (
        <Card className="mt-card mt-form" title={<span className="mt-card-title">{detail.form.title}</span>}>
          {draftNote && !closed ? <div className="mt-draft">{draftNote}</div> : null}
          <ConfigProvider locale={zhCN} theme={appTheme} componentSize="large">
            <TaskForm
              schema={detail.form.schema}
              uiSchema={detail.form.uiSchema}
              allowedActions={t.data.allowedActions}
              formData={data}
              onChange={change}
              onSubmit={(d) => void submit(d)}
              disabled={!!closed || !detail.canHandle || submitting}
              taskId={t.id}
              extraErrors={extraErrors}
              footer={
                closed || !detail.canHandle ? null : (
                  <Button block color="primary" size="large" type="submit" loading={submitting} data-testid="task-submit">
                    提交
                  </Button>
                )
              }
            />
          </ConfigProvider>
        </Card>
      ) : (
        <ErrorBlock status="default" title="该任务没有表单" description="请联系系统管理员" />
      )}
      <Picker
        columns={[colleagues ?? []]}
        visible={colleagues !== null}
        onClose={() => setColleagues(null)}
        title="转办给"
        onConfirm={(v) => {
          const target = Number(v[0]);
          setColleagues(null);
          if (target) void act(() => delegateTask(t.id, target), '已转办').then(() => navigate('/m/tasks'));
        }}
      />
    </div>
  );
}
