/**
 * 问题上报 (M-4): title, description, category (five-party list), photos from the camera, the
 * position, and "已当场处置" for what the worker solved on the spot. Validation in Chinese before
 * sending; the server's field errors are shown at the field.
 */
import { Button, CascadePicker, Form, Input, NavBar, Radio, Space, Switch, TextArea, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { type Attachment, type CategoryNode, issuesApi } from '../../../pc/pages/issues/api';
import type { Me } from '../../../shared/auth';
import { fieldErrors } from '../../../shared/http';
import { navigate } from '../../../shared/router';
import LocationField, { type LngLat } from './LocationField';
import PhotoPicker from './PhotoPicker';
import './issues.css';

interface Values {
  title: string;
  description: string;
  address?: string;
  complexity: 'general' | 'complex';
  selfHandledResult?: string;
}

interface Cascade {
  label: string;
  value: string;
  children?: Cascade[];
}

const toCascade = (nodes: CategoryNode[]): Cascade[] =>
  nodes
    .filter((n) => n.active)
    .map((n) => ({ label: n.name, value: n.code, children: n.children.length ? toCascade(n.children) : undefined }));

export default function IssueReportPage({ me }: { me: Me }) {
  const [form] = Form.useForm<Values>();
  const [tree, setTree] = useState<CategoryNode[]>([]);
  const [category, setCategory] = useState<{ code: string; label: string } | null>(null);
  const [pickCategory, setPickCategory] = useState(false);
  const [photos, setPhotos] = useState<Attachment[]>([]);
  const [location, setLocation] = useState<LngLat | undefined>();
  const [selfHandled, setSelfHandled] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const inGrid = me.org.type === 'grid';

  useEffect(() => {
    issuesApi.categories().then(setTree, () => undefined);
  }, []);

  async function submit(v: Values) {
    setSubmitting(true);
    try {
      const r = await issuesApi.report({
        title: v.title.trim(),
        description: v.description.trim(),
        categoryCode: category?.code,
        complexity: v.complexity,
        source: 'grid',
        gridId: Number(me.org.id),
        address: v.address?.trim() || undefined,
        location,
        attachments: photos,
        selfHandled,
        selfHandledResult: selfHandled ? v.selfHandledResult?.trim() : undefined,
      });
      Toast.show({ icon: 'success', content: '上报成功' });
      navigate(`/m/issues/${r.issueNo}`, { replace: true });
    } catch (e) {
      const f = fieldErrors(e);
      const known = Object.entries(f).filter(([k]) => ['title', 'description', 'address', 'selfHandledResult'].includes(k));
      if (known.length) form.setFields(known.map(([name, msg]) => ({ name: name as keyof Values, errors: [msg] })));
      Toast.show({ content: (e as Error).message, duration: 3000 });
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <div className="mi-page" data-testid="m-issue-report">
      <NavBar onBack={() => navigate('/m/issues')} className="mt-nav">
        问题上报
      </NavBar>
      {inGrid ? null : (
        <div className="m-error" style={{ margin: 12 }}>
          问题需在所属网格上报，您的账号不属于网格，请使用网格员账号上报。
        </div>
      )}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ complexity: 'general' }}
        onFinish={(v) => void submit(v)}
        footer={
          <Button
            block
            type="submit"
            color="primary"
            size="large"
            loading={submitting}
            disabled={!inGrid}
            data-testid="issue-report-submit"
          >
            上报
          </Button>
        }
      >
        <Form.Header>{me.org.name}</Form.Header>
        <Form.Item
          name="title"
          label="问题标题"
          rules={[
            { required: true, message: '请填写问题标题' },
            { min: 2, message: '标题至少 2 个字' },
          ]}
        >
          <Input placeholder="一句话说明问题，如：3号楼前路灯不亮" maxLength={100} clearable />
        </Form.Item>
        <Form.Item
          name="description"
          label="问题描述"
          rules={[
            { required: true, message: '请描述问题的情况' },
            { min: 2, message: '描述至少 2 个字' },
          ]}
        >
          <TextArea placeholder="发现时间、具体情况、涉及人员等" maxLength={2000} autoSize={{ minRows: 3, maxRows: 8 }} showCount />
        </Form.Item>
        <Form.Item label="问题类别" onClick={() => setPickCategory(true)} arrowIcon>
          <span className={category ? undefined : 'mi-placeholder'} data-testid="issue-category">
            {category?.label ?? '按五方责任清单选择（可不选）'}
          </span>
        </Form.Item>
        <Form.Item name="complexity" label="问题类型">
          <Radio.Group>
            <Space>
              <Radio value="general">一般（3个工作日）</Radio>
              <Radio value="complex">复杂（5个工作日）</Radio>
            </Space>
          </Radio.Group>
        </Form.Item>
        <Form.Item label="现场照片">
          <PhotoPicker value={photos} onChange={setPhotos} />
        </Form.Item>
        <Form.Item label="位置">
          <LocationField value={location} onChange={setLocation} />
        </Form.Item>
        <Form.Item name="address" label="地址">
          <Input placeholder="小区、楼栋、门牌等" maxLength={200} clearable />
        </Form.Item>
        <Form.Item label="已当场处置" layout="horizontal" childElementPosition="right">
          <Switch checked={selfHandled} onChange={setSelfHandled} />
        </Form.Item>
        {selfHandled ? (
          <Form.Item name="selfHandledResult" label="处置结果" rules={[{ required: true, message: '请填写处置结果' }]}>
            <TextArea placeholder="如何处置、处置结果" maxLength={2000} autoSize={{ minRows: 2, maxRows: 6 }} />
          </Form.Item>
        ) : null}
      </Form>
      <CascadePicker
        title="问题类别"
        options={toCascade(tree)}
        visible={pickCategory}
        onClose={() => setPickCategory(false)}
        onConfirm={(v, ext) => {
          const code = v[v.length - 1];
          if (code)
            setCategory({
              code: String(code),
              label: ext.items
                .map((i) => i?.label)
                .filter(Boolean)
                .join(' / '),
            });
        }}
      />
    </div>
  );
}
