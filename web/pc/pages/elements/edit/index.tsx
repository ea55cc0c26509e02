/**
 * 新增 / 编辑 an element (G-4): its rjsf form, the grid it belongs to (in the user's scope), its
 * map position by a click on the map, and when editing a reason. An edit sends only the changed
 * fields with the version it started from; a refused save keeps everything the user entered and
 * shows the server's Chinese message at the field it names.
 */
import { ArrowLeftOutlined } from '@ant-design/icons';
import type { ErrorSchema } from '@rjsf/utils';
import { Alert, App as AntApp, Button, Card, Input, InputNumber, Result, Skeleton, Space, Spin, Typography } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { ApiRequestError, fieldErrors } from '../../../../shared/http';
import { Link, navigate } from '../../../../shared/router';
import { useSession } from '../../../session';
import { createElement, type ElementDetail, type ElementType, fetchElement, type LonLat, updateElement } from '../api';
import ElementForm from '../components/ElementForm';
import GridPicker, { type GridRef } from '../components/GridPicker';
import { elementTypes } from '../config';
import {
  changedFields,
  dropDisallowedChoice,
  filledFields,
  formDataFrom,
  formSchema,
  isMasked,
  narrowChoice,
  PAGE_FIELDS,
  rebaseEdits,
  type SchemaNode,
} from '../form-data';
import { elementForms } from '../forms';

const PointMap = lazy(() => import('../components/PointMap'));

type Obj = Record<string, unknown>;

/** 经度 / 纬度 typed by hand: the point moves once both are filled in. */
function LonLatInputs({ value, onChange }: { value: LonLat | null; onChange: (p: LonLat | null) => void }) {
  const [draft, setDraft] = useState<{ lon: number | null; lat: number | null }>({ lon: value?.lon ?? null, lat: value?.lat ?? null });
  // A click on the map (or a cleared position) replaces what was typed.
  useEffect(() => setDraft({ lon: value?.lon ?? null, lat: value?.lat ?? null }), [value]);
  const set = (next: { lon: number | null; lat: number | null }) => {
    setDraft(next);
    if (next.lon !== null && next.lat !== null) onChange({ lon: next.lon, lat: next.lat });
    else if (next.lon === null && next.lat === null) onChange(null);
  };
  return (
    <>
      <InputNumber<number>
        aria-label="经度"
        placeholder="经度"
        min={-180}
        max={180}
        step={0.0001}
        value={draft.lon}
        onChange={(lon) => set({ ...draft, lon })}
        style={{ width: 140 }}
      />
      <InputNumber<number>
        aria-label="纬度"
        placeholder="纬度"
        min={-90}
        max={90}
        step={0.0001}
        value={draft.lat}
        onChange={(lat) => set({ ...draft, lat })}
        style={{ width: 140 }}
      />
    </>
  );
}

const sameLocation = (a: LonLat | null, b: LonLat | null) => (a?.lon ?? null) === (b?.lon ?? null) && (a?.lat ?? null) === (b?.lat ?? null);

export default function ElementEditPage({ type, id }: { type: ElementType; id?: string }) {
  const cfg = elementTypes[type];
  const def = elementForms[type];
  const { access } = useSession();
  const { message } = AntApp.useApp();
  const editing = id !== undefined;

  const [detail, setDetail] = useState<ElementDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [initial, setInitial] = useState<Obj>({});
  const [data, setData] = useState<Obj>({});
  const [grid, setGrid] = useState<GridRef | null>(null);
  const [location, setLocation] = useState<LonLat | null>(null);
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>();
  const [pageErrors, setPageErrors] = useState<Record<string, string>>({});

  const fullSchema = def.schema as SchemaNode;
  const masked = useMemo(
    () => Object.keys(detail?.fields ?? {}).filter((k) => isMasked(detail?.fields[k]) && k in (fullSchema.properties ?? {})),
    [detail, fullSchema],
  );
  const baseSchema = useMemo(() => formSchema(fullSchema, editing ? 'edit' : 'create', masked), [fullSchema, editing, masked]);
  const baseUi = useMemo(() => {
    const u: Obj = { ...(def.uiSchema ?? {}) };
    for (const k of masked) u[k] = { ...((u[k] as Obj) ?? {}), 'ui:placeholder': `${String(detail?.fields[k])}（已脱敏，留空则不修改）` };
    return u;
  }, [def, masked, detail]);
  const rule = cfg.dependentChoice;
  const { schema, uiSchema } = useMemo(
    () => (rule ? narrowChoice(baseSchema, baseUi, data, rule) : { schema: baseSchema, uiSchema: baseUi }),
    [baseSchema, baseUi, data, rule],
  );

  const load = async (keepEdits: Obj | null) => {
    if (!id) return;
    const d = await fetchElement(type, id);
    const start = formDataFrom(fullSchema, d.fields);
    setDetail(d);
    setInitial(start);
    // After a conflict: the latest version with the user's own changes on top.
    setData(keepEdits ? rebaseEdits(start, keepEdits) : start);
    if (!keepEdits) {
      setGrid(d.grid);
      setLocation(d.location);
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: load once per element
  useEffect(() => {
    setLoadError(null);
    load(null).catch((e: unknown) => setLoadError(e instanceof ApiRequestError ? e.message : '加载失败，请刷新重试'));
  }, [type, id]);

  if (!access.canEditElements)
    return <Result status="403" title="没有采集和更新网格要素的权限" subTitle="如工作需要，请联系系统管理员开通。" />;
  if (loadError) return <Result status="warning" title={loadError} extra={<Link to={`/elements/${type}`}>返回{cfg.label}列表</Link>} />;
  if (editing && !detail)
    return (
      <div className="page-card">
        <Skeleton active />
      </div>
    );

  const showErrors = (e: unknown) => {
    if (!(e instanceof ApiRequestError)) {
      setAlert('保存失败，请稍后重试');
      return;
    }
    setConflict(e.status === 409);
    setAlert(e.message);
    const byField = fieldErrors(e);
    const form: Record<string, { __errors: string[] }> = {};
    const page: Record<string, string> = {};
    for (const [k, m] of Object.entries(byField)) {
      if (PAGE_FIELDS.includes(k)) page[k] = m;
      else form[k] = { __errors: [m] };
    }
    setExtraErrors(Object.keys(form).length ? (form as ErrorSchema) : undefined);
    setPageErrors(page);
  };

  const submit = async (formData: Obj) => {
    setAlert(null);
    setConflict(false);
    setExtraErrors(undefined);
    setPageErrors({});
    if (!grid) {
      setPageErrors({ gridId: '请选择所属网格' });
      setAlert('请选择所属网格后再保存');
      return;
    }
    setSaving(true);
    try {
      if (!editing) {
        const body = { ...filledFields(formData), gridId: grid.id, ...(location ? { location } : {}) };
        const r = await createElement(type, body);
        message.success(`已新增${cfg.label}`);
        navigate(`/elements/${type}/${r.id}`);
        return;
      }
      if (!detail || !id) return;
      const patch = changedFields(initial, formData);
      if (grid.id !== detail.grid?.id) patch.gridId = grid.id;
      if (cfg.hasLocation && !sameLocation(location, detail.location)) patch.location = location;
      if (!Object.keys(patch).length) {
        message.info('没有修改任何内容');
        return;
      }
      await updateElement(type, id, { ...patch, expectedVersion: detail.version, ...(reason.trim() ? { reason: reason.trim() } : {}) });
      message.success('已保存，变更已记入变更记录');
      navigate(`/elements/${type}/${id}`);
    } catch (e) {
      showErrors(e);
    } finally {
      setSaving(false);
    }
  };

  const reloadLatest = async () => {
    try {
      await load(changedFields(initial, data));
      setConflict(false);
      setAlert(null);
      message.info('已载入最新版本，您的修改已保留，请核对后再保存');
    } catch {
      message.error('加载最新版本失败，请稍后重试');
    }
  };

  const back = editing ? `/elements/${type}/${id}` : `/elements/${type}`;
  const title = editing ? `编辑${cfg.label} · ${detail?.name || String(detail?.fields.name ?? id)}` : `新增${cfg.label}`;

  return (
    <div className="page-card" data-testid="element-edit">
      <div className="page-head">
        <Typography.Title level={4}>
          <Link to={back} aria-label="返回">
            <ArrowLeftOutlined style={{ marginRight: 10, fontSize: 16 }} />
          </Link>
          {title}
        </Typography.Title>
      </div>
      {alert ? (
        <Alert
          type="error"
          showIcon
          data-testid="element-save-error"
          title={alert}
          description={conflict ? '点击“载入最新版本”：页面将换成他人保存后的内容，并保留您本次的修改。' : undefined}
          action={
            conflict ? (
              <Button size="small" onClick={reloadLatest}>
                载入最新版本
              </Button>
            ) : undefined
          }
          style={{ marginBottom: 16 }}
        />
      ) : null}
      <div style={{ display: 'flex', gap: 24, alignItems: 'flex-start', flexWrap: 'wrap' }}>
        <div style={{ flex: '1 1 420px', minWidth: 0 }}>
          <ElementForm
            schema={schema}
            uiSchema={uiSchema}
            formData={data}
            onChange={(d) => setData(rule ? dropDisallowedChoice(d, rule) : d)}
            onSubmit={submit}
            extraErrors={extraErrors}
            context={{ labels: { buildingId: detail?.links.find((l) => l.type === 'building')?.name ?? '' }, gridId: grid?.id }}
            disabled={saving}
            footer={
              <Space style={{ marginTop: 8 }}>
                <Button type="primary" htmlType="submit" loading={saving} data-testid="element-save">
                  保存
                </Button>
                <Button onClick={() => navigate(back)} disabled={saving}>
                  取消
                </Button>
              </Space>
            }
          />
        </div>
        <div style={{ flex: '0 1 400px', minWidth: 280, display: 'flex', flexDirection: 'column', gap: 16 }}>
          <div>
            <Typography.Text style={{ display: 'block', marginBottom: 8 }}>
              <span className="tf-field-error">* </span>所属网格
            </Typography.Text>
            <GridPicker value={grid} onChange={setGrid} status={pageErrors.gridId ? 'error' : undefined} />
            {pageErrors.gridId ? <div className="tf-field-error">{pageErrors.gridId}</div> : null}
          </div>
          {cfg.hasLocation ? (
            <Card size="small" title="地图位置（点击地图标注）">
              <Suspense fallback={<Spin style={{ display: 'block', margin: 40 }} />}>
                <PointMap point={location} gridId={grid?.id} onPick={setLocation} height={300} />
              </Suspense>
              <Space wrap style={{ marginTop: 8 }}>
                <LonLatInputs value={location} onChange={setLocation} />
                <Button size="small" onClick={() => setLocation(null)} disabled={!location}>
                  清除位置
                </Button>
              </Space>
              {pageErrors.location ? <div className="tf-field-error">{pageErrors.location}</div> : null}
            </Card>
          ) : null}
          {editing ? (
            <div>
              <Typography.Text style={{ display: 'block', marginBottom: 8 }}>变更原因</Typography.Text>
              <Input.TextArea
                aria-label="变更原因"
                maxLength={200}
                showCount
                rows={2}
                placeholder="例如：走访核实后更新"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
              {pageErrors.reason ? <div className="tf-field-error">{pageErrors.reason}</div> : null}
            </div>
          ) : null}
        </div>
      </div>
    </div>
  );
}
