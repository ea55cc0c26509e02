/** 我要反映 (I-6): a resident's request — what, where (position optional), photos. */
import { Button, Form, Input, NavBar, TextArea, Toast } from 'antd-mobile';
import { useState } from 'react';
import { type Attachment, issuesApi } from '../../../pc/pages/issues/api';
import type { Me } from '../../../shared/auth';
import { navigate } from '../../../shared/router';
import LocationField, { type LngLat } from '../issues/LocationField';
import PhotoPicker from '../issues/PhotoPicker';
import '../issues/issues.css';

interface Values {
  title: string;
  description: string;
  address?: string;
}

export default function ResidentSubmitPage({ me }: { me: Me }) {
  const [photos, setPhotos] = useState<Attachment[]>([]);
  const [location, setLocation] = useState<LngLat | undefined>();
  const [submitting, setSubmitting] = useState(false);
  const hasGrid = me.org.type === 'grid';

  async function submit(v: Values) {
    setSubmitting(true);
    try {
      const r = await issuesApi.mySubmit({
        title: v.title.trim(),
        description: v.description.trim(),
        gridId: Number(me.org.id),
        address: v.address?.trim() || undefined,
        location,
        attachments: photos,
      });
      Toast.show({ icon: 'success', content: '已提交，网格员会尽快核实' });
      navigate(`/m/r/${r.issueNo}`, { replace: true });
    } catch (e) {
      Toast.show({ content: (e as Error).message, duration: 3000 });
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <div className="mi-page" data-testid="m-resident-submit">
      <NavBar onBack={() => navigate('/m/r')} className="mt-nav">
        我要反映
      </NavBar>
      {hasGrid ? null : (
        <div className="m-error" style={{ margin: 12 }}>
          您的账号还没有登记所在网格，请联系社区登记后再反映。
        </div>
      )}
      <Form
        layout="vertical"
        onFinish={(v) => void submit(v)}
        footer={
          <Button
            block
            type="submit"
            color="primary"
            size="large"
            loading={submitting}
            disabled={!hasGrid}
            data-testid="m-resident-submit-btn"
          >
            提交
          </Button>
        }
      >
        <Form.Header>所在网格：{me.org.name}</Form.Header>
        <Form.Item
          name="title"
          label="反映事项"
          rules={[
            { required: true, message: '请填写反映的事项' },
            { min: 2, message: '至少 2 个字' },
          ]}
        >
          <Input placeholder="如：楼道灯不亮" maxLength={100} clearable />
        </Form.Item>
        <Form.Item
          name="description"
          label="具体情况"
          rules={[
            { required: true, message: '请说明具体情况' },
            { min: 2, message: '至少 2 个字' },
          ]}
        >
          <TextArea placeholder="什么时间、在哪里、什么情况" maxLength={2000} autoSize={{ minRows: 3, maxRows: 8 }} showCount />
        </Form.Item>
        <Form.Item name="address" label="地址">
          <Input placeholder="小区、楼栋、单元" maxLength={200} clearable />
        </Form.Item>
        <Form.Item label="位置（可选）">
          <LocationField value={location} onChange={setLocation} />
        </Form.Item>
        <Form.Item label="照片（可选）">
          <PhotoPicker value={photos} onChange={setPhotos} />
        </Form.Item>
      </Form>
    </div>
  );
}
