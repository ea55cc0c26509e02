/** 批量导入导出 (G-7): template download, xlsx upload (all rows or none, per-row errors), export, import log. */
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Card, message, Segmented, Space, Table, Typography, Upload } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { ApiRequestError, type FieldError, request } from '../../../shared/http';
import { useOrgFilter } from '../../layout/org-filter';
import { downloadGet } from '../tags/api';

const TYPES = [
  { value: 'resident', label: '居民' },
  { value: 'enterprise', label: '企业' },
  { value: 'merchant', label: '商户' },
  { value: 'institution', label: '驻区单位' },
  { value: 'facility', label: '公共设施' },
];
const label = (t: string) => TYPES.find((x) => x.value === t)?.label ?? t;

interface ImportResult {
  status: 'committed' | 'rejected';
  total: number;
  inserted: number;
  updated: number;
  unchanged: number;
}
interface LogRow extends ImportResult {
  id: number;
  elementType: string;
  fileName: string | null;
  at: string;
  username: string | null;
  errors: { row: number; message: string }[];
}

function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).split(',')[1] ?? '');
    r.onerror = () => reject(new Error('读取文件失败，请重新选择'));
    r.readAsDataURL(file);
  });
}

export default function ImportsPage() {
  const { selected } = useOrgFilter();
  const [type, setType] = useState('resident');
  const [busy, setBusy] = useState(false);
  const [ok, setOk] = useState<ImportResult | null>(null);
  const [rejected, setRejected] = useState<{ message: string; fields: FieldError[] } | null>(null);
  const [logs, setLogs] = useState<LogRow[]>([]);
  const loadLogs = useCallback(() => {
    request<LogRow[]>('GET', '/imports/logs', { quiet: true })
      .then(setLogs)
      .catch(() => undefined);
  }, []);
  useEffect(loadLogs, [loadLogs]);

  const upload = async (file: File) => {
    setBusy(true);
    setOk(null);
    setRejected(null);
    try {
      const r = await request<ImportResult>('POST', `/imports/${type}`, {
        body: { fileBase64: await toBase64(file), fileName: file.name },
        quiet: true,
      });
      setOk(r);
    } catch (e) {
      if (e instanceof ApiRequestError) setRejected({ message: e.message, fields: e.fields });
      else setRejected({ message: (e as Error).message, fields: [] });
    } finally {
      setBusy(false);
      loadLogs();
    }
    return false;
  };

  return (
    <div className="page-card">
      <div className="page-head">
        <Typography.Title level={4}>批量导入导出</Typography.Title>
      </div>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Segmented
            value={type}
            onChange={(v) => {
              setType(String(v));
              setOk(null);
              setRejected(null);
            }}
            options={TYPES}
          />
          <Typography.Text type="secondary">
            先下载模板按表头填写；导入时逐行校验，任何一行有错都不会导入，请按提示修改后重新上传。同一文件重复导入不会重复登记（按身份证号、统一社会信用代码、设施编码识别）。
          </Typography.Text>
          <Space wrap>
            <Button
              icon={<DownloadOutlined />}
              onClick={() => downloadGet(`/imports/${type}/template`, `${label(type)}导入模板.xlsx`).catch((e) => message.error(e.message))}
            >
              下载模板
            </Button>
            <Upload accept=".xlsx" showUploadList={false} beforeUpload={(f) => upload(f as File)} disabled={busy}>
              <Button type="primary" icon={<UploadOutlined />} loading={busy} data-testid="import-upload">
                上传并导入
              </Button>
            </Upload>
            <Button
              icon={<DownloadOutlined />}
              onClick={() =>
                downloadGet(`/exports/${type}${selected ? `?orgId=${selected.id}` : ''}`, `${label(type)}导出.xlsx`).catch((e) =>
                  message.error(e.message),
                )
              }
            >
              导出{selected ? `（${selected.name}）` : ''}
            </Button>
          </Space>
        </Space>
      </Card>
      {ok ? (
        <Alert
          type="success"
          showIcon
          data-testid="import-ok"
          message={`导入完成：共 ${ok.total} 行，新增 ${ok.inserted}，更新 ${ok.updated}，无变化 ${ok.unchanged}`}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      {rejected ? (
        <Alert
          type="error"
          showIcon
          data-testid="import-rejected"
          message={rejected.message}
          description={
            rejected.fields.length ? (
              <Table<FieldError>
                rowKey={(r) => `${r.field}-${r.message}`}
                size="small"
                pagination={false}
                dataSource={rejected.fields}
                columns={[
                  { title: '位置', dataIndex: 'field', width: 160 },
                  { title: '问题', dataIndex: 'message' },
                ]}
              />
            ) : null
          }
          style={{ marginBottom: 16 }}
        />
      ) : null}
      <Typography.Title level={5}>导入日志</Typography.Title>
      <Table<LogRow>
        rowKey="id"
        size="small"
        dataSource={logs}
        pagination={{ pageSize: 10 }}
        columns={[
          { title: '时间', dataIndex: 'at', width: 170 },
          { title: '类型', dataIndex: 'elementType', width: 90, render: label },
          { title: '文件', dataIndex: 'fileName', ellipsis: true },
          { title: '操作人', dataIndex: 'username', width: 110 },
          {
            title: '结果',
            dataIndex: 'status',
            width: 120,
            render: (v: string, r) =>
              v === 'committed' ? (
                <Badge status="success" text="已导入" />
              ) : (
                <Badge status="error" text={`未导入（${r.errors.length} 处错误）`} />
              ),
          },
          { title: '行数', dataIndex: 'total', width: 70 },
          { title: '新增', dataIndex: 'inserted', width: 70 },
          { title: '更新', dataIndex: 'updated', width: 70 },
          { title: '无变化', dataIndex: 'unchanged', width: 80 },
        ]}
      />
    </div>
  );
}
