/** 拍照上传 for the phone: opens the rear camera, downsizes, uploads to POST /api/files at once. */
import { CameraOutline, CloseCircleFill } from 'antd-mobile-icons';
import { useRef, useState } from 'react';
import type { Attachment } from '../../../pc/pages/issues/api';
import { uploadFile } from '../../../shared/forms/upload';

export default function PhotoPicker({
  value,
  onChange,
  max = 9,
}: {
  value: Attachment[];
  onChange: (v: Attachment[]) => void;
  max?: number;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(0);
  const [error, setError] = useState<string | null>(null);

  async function onFiles(files: FileList | null) {
    if (!files?.length) return;
    setError(null);
    let next = value;
    const picked = [...files].slice(0, Math.max(0, max - value.length));
    setBusy(picked.length);
    for (const f of picked) {
      try {
        const up = await uploadFile(f);
        next = [...next, { name: up.name, fileId: up.id }];
        onChange(next);
      } catch (e) {
        setError((e as Error).message || '上传失败，请重试');
      } finally {
        setBusy((b) => b - 1);
      }
    }
    if (input.current) input.current.value = '';
  }

  return (
    <div>
      <div className="mi-photos">
        {value.map((a) => (
          <div className="mi-photo" key={a.fileId}>
            <img src={`/api/files/${a.fileId}`} alt={a.name} />
            <button type="button" aria-label={`删除 ${a.name}`} onClick={() => onChange(value.filter((x) => x.fileId !== a.fileId))}>
              <CloseCircleFill />
            </button>
          </div>
        ))}
        {value.length < max ? (
          <label className="mi-photo mi-photo-add">
            <CameraOutline fontSize={22} />
            <span>{busy > 0 ? '上传中…' : '拍照/选图'}</span>
            <input
              ref={input}
              type="file"
              accept="image/*"
              capture="environment"
              multiple
              data-testid="issue-photo-input"
              onChange={(e) => void onFiles(e.target.files)}
            />
          </label>
        ) : null}
      </div>
      {error ? <div className="mi-error">{error}</div> : null}
    </div>
  );
}
