/** 今日工作清单: the worker's tasks for today; empty until the task centre (M-3) feeds it. */
import { ErrorBlock, List } from 'antd-mobile';
import type { Me } from '../../../shared/auth';

export default function WorkPage({ me }: { me: Me }) {
  const today = new Date().toLocaleDateString('zh-CN', { month: 'long', day: 'numeric', weekday: 'long' });
  return (
    <div data-testid="m-work">
      <div className="m-page-head">
        <h2>今日工作清单</h2>
        <p>
          {today} · {me.displayName} · {me.org.name}
        </p>
      </div>
      <List className="m-card" header="待办事项">
        <List.Item>
          <ErrorBlock
            status="empty"
            title="今日暂无待办"
            description="新的走访、巡查和事件任务会出现在这里"
            style={{ padding: '24px 0' }}
          />
        </List.Item>
      </List>
    </div>
  );
}
