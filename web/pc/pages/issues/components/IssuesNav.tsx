/** The issue area's own navigation: 问题列表 · 联席会议 · 责任清单 · 分析研判 (by capability). */
import { Segmented } from 'antd';
import { navigate } from '../../../../shared/router';
import { useSession } from '../../../session';

export default function IssuesNav({ active }: { active: string }) {
  const { access } = useSession();
  const items = [
    { value: '/issues', label: '问题列表' },
    ...(access.canSuperviseIssues
      ? [
          { value: '/issues/joint-meeting', label: '联席会议清单' },
          { value: '/issues/responsibility', label: '五方责任清单' },
        ]
      : []),
    { value: '/issues/analysis', label: '分析研判' },
  ];
  return <Segmented className="is-nav" data-testid="issues-nav" value={active} options={items} onChange={(v) => navigate(String(v))} />;
}
