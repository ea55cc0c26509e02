/** 诉求进度 (I-6, Q-5): the steps of my request, and 1–5 stars once it has a result. */
import { Button, Card, ErrorBlock, NavBar, Rate, SpinLoading, Tag, TextArea, Toast } from 'antd-mobile';
import { useCallback, useEffect, useState } from 'react';
import { issuesApi, RESIDENT_STEP_LABELS, type ResidentIssue } from '../../../pc/pages/issues/api';
import { navigate } from '../../../shared/router';
import IssueSteps from '../issues/IssueSteps';
import '../issues/issues.css';

const STAR_TEXT = ['很不满意', '不满意', '一般', '满意', '非常满意'];

export default function ResidentIssuePage({ issueNo }: { issueNo: string }) {
  const [d, setD] = useState<ResidentIssue | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState('');
  const [sending, setSending] = useState(false);

  const load = useCallback(async () => {
    try {
      setD(await issuesApi.myDetail(issueNo));
    } catch (e) {
      setError((e as Error).message);
    }
  }, [issueNo]);
  useEffect(() => {
    void load();
  }, [load]);

  async function rate() {
    if (!stars) {
      Toast.show({ content: '请先点选星级' });
      return;
    }
    setSending(true);
    try {
      await issuesApi.myRate(issueNo, stars, comment.trim() || undefined);
      Toast.show({ icon: 'success', content: '感谢您的评价' });
      // The rating reaches the record through the workflow: show it at once, read again shortly.
      setD((old) => (old ? { ...old, externalRating: stars } : old));
      setTimeout(() => void load(), 1500);
    } catch (e) {
      Toast.show({ content: (e as Error).message, duration: 3000 });
    } finally {
      setSending(false);
    }
  }

  const nav = (
    <NavBar onBack={() => navigate('/m/r')} className="mt-nav">
      诉求进度
    </NavBar>
  );
  if (error)
    return (
      <div>
        {nav}
        <ErrorBlock status="default" title="无法查看该诉求" description={error} />
      </div>
    );
  if (!d)
    return (
      <div>
        {nav}
        <div style={{ textAlign: 'center', paddingTop: '30vh' }}>
          <SpinLoading color="primary" />
        </div>
      </div>
    );

  const done = ['verify', 'archive', 'archived'].includes(d.step);
  return (
    <div className="mi-page" data-testid="m-resident-detail">
      {nav}
      <Card
        className="m-card"
        title={<span className="mi-item-title">{d.title}</span>}
        extra={
          <Tag color={done ? 'success' : 'primary'} data-testid="m-resident-step">
            {RESIDENT_STEP_LABELS[d.step] ?? d.step}
          </Tag>
        }
      >
        <div className="mi-kv">
          <span>编号</span>
          <b className="mono">{d.issueNo}</b>
        </div>
      </Card>
      {done ? (
        <Card className="m-card" title="评价办理结果" data-testid="m-resident-rating">
          {d.externalRating ? (
            <div className="mi-rate">
              <Rate readOnly value={d.externalRating} />
              <span className="muted">您已评价：{STAR_TEXT[d.externalRating - 1]}，感谢您的反馈。</span>
            </div>
          ) : (
            <div className="mi-rate">
              <div>
                <Rate value={stars} onChange={setStars} />
                <span style={{ marginLeft: 12, color: '#8c96a3' }}>{stars ? STAR_TEXT[stars - 1] : '请点选星级'}</span>
              </div>
              <TextArea
                placeholder="说说您的意见（可选）"
                value={comment}
                onChange={setComment}
                maxLength={500}
                autoSize={{ minRows: 2, maxRows: 5 }}
              />
              <Button color="primary" block loading={sending} onClick={() => void rate()} data-testid="m-resident-rate">
                提交评价
              </Button>
            </div>
          )}
        </Card>
      ) : null}
      <Card className="m-card" title="办理进度">
        <IssueSteps timeline={d.timeline} resident />
      </Card>
    </div>
  );
}
