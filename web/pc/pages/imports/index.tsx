/** 批量导入导出 (G-7): template download, xlsx upload (all rows or none, per-row errors), export, import log. */
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Card, Checkbox, message, Segmented, Space, Table, Typography, Upload } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { ApiRequestError, type FieldError, request } from '../../../shared/http';
import { useOrgFilter } from '../../layout/org-filter';
import { useSession } from '../../session';
import { downloadGet } from '../tags/api';

/** The element types of db/queries/imports/specs.ts, in registration order (楼栋 before 房屋 before 居民户 before 居民). */
const TYPES = [
  { value: 'building', label: '楼栋', key: '楼栋编码' },
  { value: 'house', label: '房屋', key: '楼栋编码 + 单元 + 室号' },
  { value: 'household', label: '居民户', key: '户编号' },
  { value: 'resident', label: '居民', key: '身份证号' },
  { value: 'enterprise', label: '企业', key: '统一社会信用代码' },
  { value: 'merchant', label: '商户', key: '营业执照号' },
  { value: 'institution', label: '驻区单位', key: '统一社会信用代码' },
  { value: 'facility', label: '公共设施', key: '设施编码' },
  { value: 'grid_worker', label: '网格员', key: '手机号' },
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
  const { access } = useSession();
  const [type, setType] = useState('resident');
  const [reveal, setReveal] = useState(false);
  const sensitive = type === 'resident' || type === 'grid_worker';
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
            options={TYPES.map(({ value, label }) => ({ value, label }))}
            data-testid="import-type"
          />
          <Typography.Text type="secondary">
            先下载模板按表头填写；导入时逐行校验，任何一行有错都不会导入，请按提示修改后重新上传。同一文件重复导入不会重复登记（
            {label(type)}按“
            {TYPES.find((x) => x.value === type)?.key}”识别）。
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
              onClick={() => {
                const q = new URLSearchParams();
                if (selected) q.set('orgId', String(selected.id));
                if (sensitive && reveal) q.set('reveal', '1');
                downloadGet(`/exports/${type}${q.size ? `?${q}` : ''}`, `${label(type)}导出.xlsx`).catch((e) => message.error(e.message));
              }}
            >
              导出{selected ? `（${selected.name}）` : ''}
            </Button>
            {sensitive && access.canUnmask ? (
              <Checkbox checked={reveal} onChange={(e) => setReveal(e.target.checked)}>
                导出完整{type === 'resident' ? '身份证号和手机号' : '手机号'}（留痕；修改后重新导入时需要）
              </Checkbox>
            ) : null}
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
