/**
 * 条线标签数据更新 (T-5): a department updates its line tag from a table (the template's xlsx: one
 * natural key per row, 操作 新增/删除 in incremental mode) or pulls it from the tag's data API;
 * 覆盖 replaces the tagged set, 增量 adds and removes row by row. The result (received, added,
 * removed, unmatched) or the per-row Chinese errors are shown; nothing is half-applied.
 */
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Descriptions, Modal, Radio, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { ApiRequestError, request } from '../../../../../shared/http';
import { downloadGet, type TagDef } from '../../api';

interface FeedResult {
  received: number;
  added: number;
  removed: number;
  unmatched: number;
}

function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).split(',')[1] ?? '');
    r.onerror = () => reject(new Error('读取文件失败，请重新选择'));
    r.readAsDataURL(file);
  });
}

export default function LineFeedModal({ tag, onClose, onDone }: { tag: TagDef; onClose: () => void; onDone: () => void }) {
  const [mode, setMode] = useState<'overwrite' | 'incremental'>('incremental');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<FeedResult | null>(null);
  const [error, setError] = useState<string[] | null>(null);

  const send = async (path: string, body: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await request<FeedResult>('POST', path, { body, quiet: true }));
      onDone();
    } catch (e) {
      if (e instanceof ApiRequestError) setError(e.fields.length ? e.fields.map((f) => f.message) : [e.message]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open title={`条线数据更新 · ${tag.name}`} onCancel={onClose} footer={null} width={620} destroyOnHidden>
      <Typography.Paragraph type="secondary">
        {tag.departmentName ? `所属部门：${tag.departmentName}。` : ''}
        覆盖更新：表格列出的对象带上标签，其余对象去掉该标签；增量更新：逐行新增或删除（“操作”列填“新增”或“删除”）。
      </Typography.Paragraph>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Radio.Group value={mode} onChange={(e) => setMode(e.target.value)} data-testid="feed-mode">
          <Radio value="incremental">增量更新</Radio>
          <Radio value="overwrite">覆盖更新</Radio>
        </Radio.Group>
        <Space wrap>
          <Button icon={<DownloadOutlined />} onClick={() => downloadGet(`/tags/${tag.id}/feed/template`, `${tag.name}-模板.xlsx`)}>
            下载表格模板
          </Button>
          <Upload
            accept=".xlsx"
            showUploadList={false}
            beforeUpload={async (file) => {
              await send(`/tags/${tag.id}/feed`, { mode, fileBase64: await toBase64(file) });
              return false;
            }}
          >
            <Button type="primary" icon={<UploadOutlined />} loading={busy} data-testid="feed-upload">
              上传表格并更新
            </Button>
          </Upload>
          <Button
            disabled={!tag.feedUrl}
            loading={busy}
            onClick={() => send(`/tags/${tag.id}/pull`, { mode })}
            title={tag.feedUrl ?? '未配置部门数据接口地址'}
          >
            从部门接口拉取
          </Button>
        </Space>
        {result ? (
          <Descriptions size="small" bordered column={4} data-testid="feed-result">
            <Descriptions.Item label="收到">{result.received}</Descriptions.Item>
            <Descriptions.Item label="新增">{result.added}</Descriptions.Item>
            <Descriptions.Item label="移除">{result.removed}</Descriptions.Item>
            <Descriptions.Item label="未匹配">{result.unmatched}</Descriptions.Item>
          </Descriptions>
        ) : null}
        {error ? (
          <Alert
            type="error"
            showIcon
            data-testid="feed-error"
            message="未更新任何数据"
            description={
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {error.slice(0, 20).map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            }
          />
        ) : null}
      </Space>
    </Modal>
  );
}
