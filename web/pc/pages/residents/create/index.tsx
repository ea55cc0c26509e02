/**
 * 新增居民 (G-3): register a person in a household of the user's area, with the create form of
 * forms/resident.ts (checked in the browser, then by the server: ID number check digit and
 * uniqueness). A refused save keeps what was entered and shows the reason at the field.
 * `?householdId=` (from a household's page) chooses the household beforehand.
 */
import { ArrowLeftOutlined } from '@ant-design/icons';
import type { ErrorSchema } from '@rjsf/utils';
import { Alert, App as AntApp, Button, Result, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { residentCreateForm } from '../../../../../forms/resident';
import { ApiRequestError, fieldErrors, request } from '../../../../shared/http';
import { Link, navigate, useLocation } from '../../../../shared/router';
import { useSession } from '../../../session';
import ElementForm from '../../elements/components/ElementForm';
import { filledFields } from '../../elements/form-data';
import { fetchHousehold } from '../../households/api';

type Obj = Record<string, unknown>;

export default function ResidentCreatePage() {
  const { access } = useSession();
  const { message } = AntApp.useApp();
  const { search } = useLocation();
  const preset = Number(search.get('householdId')) || undefined;
  const [data, setData] = useState<Obj>(() => (preset ? { householdId: preset, dynamicStatus: '在册' } : { dynamicStatus: '在册' }));
  const [householdLabel, setHouseholdLabel] = useState('');
  const [saving, setSaving] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>();

  useEffect(() => {
    if (!preset) return;
    fetchHousehold(String(preset))
      .then((h) => setHouseholdLabel(`${h.householdNo ?? h.id} · 户主 ${h.headName ?? '—'}`))
      .catch(() => undefined);
  }, [preset]);

  if (!access.canEditElements)
    return <Result status="403" title="没有采集和更新网格要素的权限" subTitle="如工作需要，请联系系统管理员开通。" />;

  const submit = async (formData: Obj) => {
    setAlert(null);
    setExtraErrors(undefined);
    setSaving(true);
    try {
      const r = await request<{ id: number }>('POST', '/residents', { body: filledFields(formData), quiet: true });
      message.success('已新增居民');
      navigate(`/residents/${r.id}`);
    } catch (e) {
      setAlert(e instanceof ApiRequestError ? e.message : '保存失败，请稍后重试');
      const byField = fieldErrors(e);
      setExtraErrors(
        Object.keys(byField).length
          ? (Object.fromEntries(Object.entries(byField).map(([k, m]) => [k, { __errors: [m] }])) as ErrorSchema)
          : undefined,
      );
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="page-card" data-testid="resident-create">
      <div className="page-head">
        <Typography.Title level={4}>
          <Link to={preset ? `/households/${preset}` : '/residents'} aria-label="返回">
            <ArrowLeftOutlined style={{ marginRight: 10, fontSize: 16 }} />
          </Link>
          新增居民
        </Typography.Title>
      </div>
      {alert ? <Alert type="error" showIcon title={alert} data-testid="resident-save-error" style={{ marginBottom: 16 }} /> : null}
      <div style={{ maxWidth: 720 }}>
        <ElementForm
          schema={residentCreateForm.schema}
          uiSchema={residentCreateForm.uiSchema}
          formData={data}
          onChange={setData}
          onSubmit={submit}
          extraErrors={extraErrors}
          context={{ labels: { householdId: householdLabel } }}
          disabled={saving}
          footer={
            <Space style={{ marginTop: 8 }}>
              <Button type="primary" htmlType="submit" loading={saving}>
                保存
              </Button>
              <Button onClick={() => navigate(preset ? `/households/${preset}` : '/residents')} disabled={saving}>
                取消
              </Button>
            </Space>
          }
        />
      </div>
    </div>
  );
}
