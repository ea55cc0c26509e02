/**
 * The CJK font embedded in generated PDFs. GOV_PDF_FONT names a .ttf/.otf/.ttc file; otherwise the
 * Noto CJK fonts from Debian's fonts-noto-cjk package (installed by .ci/run and the install manual).
 */
import fs from 'node:fs';

const CANDIDATES: { file: string; family?: string }[] = [
  { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { file: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', family: 'NotoSerifCJKsc-Regular' },
  { file: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYi Micro Hei' },
];

export function cjkFont(env: NodeJS.ProcessEnv = process.env): { file: string; family?: string } {
  if (env.GOV_PDF_FONT) return { file: env.GOV_PDF_FONT, family: env.GOV_PDF_FONT_FAMILY };
  const found = CANDIDATES.find((c) => fs.existsSync(c.file));
  if (!found) throw new Error('找不到中文字体：请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk）或设置 GOV_PDF_FONT');
  return found;
}
