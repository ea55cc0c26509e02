/** The households of one room of the 楼盘表 and their residents (G-1: house → households → residents). */
import { Drawer, Empty, Skeleton, Tabs, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from '../../../../../shared/router';
import { roomColor } from '../../../../theme';
import { fetchHousehold, type HouseholdDetail } from '../../../households/api';
import MemberTable from '../../../households/components/MemberTable';
import { tagText } from '../../../residents/labels';
import type { FloorPlanRoom, FloorPlanTag } from '../../api';
import { TAG_MATCH_COLOR } from './FloorPlanGrid';

function HouseholdPane({ id }: { id: string }) {
  const [h, setH] = useState<HouseholdDetail | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    setH(null);
    setFailed(false);
    fetchHousehold(id)
      .then(setH)
      .catch(() => setFailed(true));
  }, [id]);
  if (failed) return <Empty description="该户信息加载失败，请稍后重试" />;
  if (!h) return <Skeleton active />;
  return (
    <div data-testid="household-drawer-members">
      <div className="page-head">
        <Typography.Text>
          户主 <b>{h.headName ?? '—'}</b>
          {h.householdNo ? ` · 户编号 ${h.householdNo}` : ''} · 共 {h.members.length} 人
        </Typography.Text>
        <Link to={`/households/${h.id}`}>查看户详情</Link>
      </div>
      {h.tags?.length ? (
        <div style={{ marginBottom: 10 }}>
          {h.tags.map((t) => (
            <Tag key={tagText(t)} variant="filled">
              {tagText(t)}
            </Tag>
          ))}
        </div>
      ) : null}
      <MemberTable members={h.members} />
    </div>
  );
}

export default function HouseholdDrawer({
  room,
  where,
  tag,
  onClose,
}: {
  room: FloorPlanRoom | null;
  where: string;
  /** The tag the 楼盘表 is coloured by: the households carrying it are marked and opened first. */
  tag?: FloorPlanTag | null;
  onClose: () => void;
}) {
  const carries = (h: { tagIds: number[] }) => !!tag && h.tagIds.includes(tag.id);
  const first = room?.households.find(carries) ?? room?.households[0];
  return (
    <Drawer
      open={!!room}
      onClose={onClose}
      size={640}
      destroyOnHidden
      title={
        room ? (
          <span>
            {where}
            <Tag variant="filled" style={{ marginLeft: 10, background: roomColor(room.status), color: '#e1e6ec' }}>
              {room.status ?? '未登记'}
            </Tag>
            {tag && carries(room) ? (
              <Tag
                variant="filled"
                style={{ background: tag.color ?? TAG_MATCH_COLOR, color: '#f3f5f7' }}
                data-testid="household-drawer-tag"
              >
                {tag.name}
              </Tag>
            ) : null}
          </span>
        ) : null
      }
    >
      {room && room.households.length === 0 ? <Empty description="该房屋暂无登记住户" /> : null}
      {room && room.households.length === 1 ? <HouseholdPane id={String(room.households[0].id)} /> : null}
      {room && room.households.length > 1 ? (
        <Tabs
          defaultActiveKey={first ? String(first.id) : undefined}
          items={room.households.map((h) => ({
            key: String(h.id),
            label: carries(h) ? `${h.headName} 户 · ${tag?.name}` : `${h.headName} 户`,
            children: <HouseholdPane id={String(h.id)} />,
          }))}
        />
      ) : null}
    </Drawer>
  );
}
