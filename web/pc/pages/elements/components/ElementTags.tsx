/** An element's tags, each in the colour its definition gives it. */
import { Tag } from 'antd';
import type { ElementTag } from '../api';

export default function ElementTags({ tags }: { tags?: ElementTag[] | null }) {
  if (!tags?.length) return <span className="muted">—</span>;
  return (
    <>
      {tags.map((t) => (
        <Tag key={t.id} color={t.color ?? undefined} variant="filled" style={{ marginBlock: 2 }}>
          {t.name}
        </Tag>
      ))}
    </>
  );
}
