/**
 * 区级联席会议清单: the stuck issues in my scope — overdue, under supervision, or pushed back
 * two or more times — oldest deadline first, for the district's weekly joint meeting.
 */
import { Alert, Card, Result, Space, Statistic } from 'antd';
import { useEffect, useState } from 'react';
import { useSession } from '../../session';
import { type IssueListItem, issuesApi } from './api';
import IssuesNav from './components/IssuesNav';
import IssueTable from './components/IssueTable';
import './issues.css';

export default function IssueJointMeetingPage() {
  const { access } = useSession();
  const [items, setItems] = useState<IssueListItem[] | null>(null);

  useEffect(() => {
    if (!access.canSuperviseIssues) return;
    issuesApi.jointMeeting().then(
      (r) => setItems(r.items),
      () => setItems([]),
    );
  }, [access.canSuperviseIssues]);

  if (!access.canSuperviseIssues)
    return <Result status="403" title="没有督办权限" subTitle="联席会议清单面向区级及以上的督办人员；如工作需要，请联系系统管理员开通。" />;

  const list = items ?? [];
  return (
    <div className="is-page">
      <div className="page-head">
        <IssuesNav active="/issues/joint-meeting" />
      </div>
      <Card className="is-card" title="区级联席会议清单" data-testid="joint-meeting">
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title="列入条件：已超过办理时限、正在督办，或被退回两次及以上的未办结问题。按办理时限从早到晚排列，供每周联席会议逐件研究。"
        />
        <Space size={40} style={{ marginBottom: 16 }}>
          <Statistic title="待研究问题" value={list.length} suffix="件" />
          <Statistic title="已超期" value={list.filter((i) => i.overdue).length} suffix="件" />
          <Statistic title="督办中" value={list.filter((i) => i.supervisionLevel > 0).length} suffix="件" />
          <Statistic title="多次退回" value={list.filter((i) => i.returnCount >= 2).length} suffix="件" />
        </Space>
        <IssueTable
          items={list}
          loading={items === null}
          empty="本周没有需要联席会议研究的问题"
          pagination={{ pageSize: 20, showTotal: (n) => `共 ${n} 件` }}
        />
      </Card>
    </div>
  );
}
