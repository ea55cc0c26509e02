/**
 * 邮件查看: reminders and 督办 mails caught by the embedded SMTP catcher when no mail server
 * is configured — so an installation without SMTP still shows what would have been sent.
 */
import { Alert, Descriptions, Drawer, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { type CaughtMail, type CaughtMailItem, getMail, listMail } from './api';

const time = (s: string) => new Date(s).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

export default function MailPage() {
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: CaughtMailItem[]; total: number }>({ items: [], total: 0 });
  const [loading, setLoading] = useState(false);
  const [open, setOpen] = useState<CaughtMail | null>(null);

  useEffect(() => {
    setLoading(true);
    listMail(page, 20)
      .then((r) => setData(r))
      .finally(() => setLoading(false));
  }, [page]);

  return (
    <div>
      <Typography.Title level={4}>邮件查看</Typography.Title>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        message="未配置邮件服务器（SMTP_URL）时，系统发出的督办提醒等邮件不会外发，而是保存在这里供查阅。"
      />
      <Table<CaughtMailItem>
        rowKey="id"
        loading={loading}
        dataSource={data.items}
        pagination={{ current: page, pageSize: 20, total: data.total, onChange: setPage, showTotal: (t) => `共 ${t} 封` }}
        onRow={(r) => ({ onClick: () => void getMail(r.id).then(setOpen), style: { cursor: 'pointer' } })}
        columns={[
          { title: '收到时间', dataIndex: 'receivedAt', width: 180, render: time },
          { title: '主题', dataIndex: 'subject', ellipsis: true },
          { title: '收件人', dataIndex: 'to', width: 240, ellipsis: true },
          {
            title: '附件',
            dataIndex: 'attachments',
            width: 200,
            render: (a: CaughtMailItem['attachments']) => a.map((x) => <Tag key={x.filename}>{x.filename}</Tag>),
          },
        ]}
        locale={{ emptyText: '暂无邮件' }}
      />
      <Drawer open={open !== null} onClose={() => setOpen(null)} width={640} title={open?.subject ?? '邮件'}>
        {open ? (
          <>
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label="收到时间">{time(open.receivedAt)}</Descriptions.Item>
              <Descriptions.Item label="发件人">{open.from}</Descriptions.Item>
              <Descriptions.Item label="收件人">{open.to}</Descriptions.Item>
              <Descriptions.Item label="附件">
                {open.attachments.map((x) => `${x.filename}（${Math.ceil(x.size / 1024)} KB）`).join('、') || '无'}
              </Descriptions.Item>
            </Descriptions>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 16 }}>{open.text}</Typography.Paragraph>
          </>
        ) : null}
      </Drawer>
    </div>
  );
}
