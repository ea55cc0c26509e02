/**
 * A calm, low-brightness theme (N-2): dark-ish slate surfaces, desaturated blue accent, soft
 * borders, text slightly below pure white — comfortable for people who keep the back office open
 * all day.
 */
import { type ThemeConfig, theme } from 'antd';

export const palette = {
  bgPage: '#161b22',
  bgHeader: '#1c222b',
  bgSider: '#1a1f27',
  bgPanel: '#1f2630',
  border: '#2d3540',
  text: '#d3d9e0',
  textMuted: '#8c96a3',
  primary: '#5b8bc4',
};

export const appTheme: ThemeConfig = {
  algorithm: theme.darkAlgorithm,
  token: {
    colorPrimary: palette.primary,
    colorInfo: palette.primary,
    colorSuccess: '#5e9c76',
    colorWarning: '#c49a4f',
    colorError: '#c46a64',
    colorBgBase: '#171c23',
    colorTextBase: palette.text,
    colorBgContainer: palette.bgPanel,
    colorBgElevated: '#242c37',
    colorBgLayout: palette.bgPage,
    colorLink: '#7ea6d6',
    colorLinkHover: '#9bbde3',
    colorLinkActive: '#6a93c4',
    colorBorder: '#35404c',
    colorBorderSecondary: palette.border,
    borderRadius: 6,
    fontSize: 14,
    fontFamily: '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", system-ui, sans-serif',
  },
  components: {
    Layout: { headerBg: palette.bgHeader, siderBg: palette.bgSider, bodyBg: palette.bgPage, headerHeight: 56, headerPadding: '0 20px' },
    Menu: { darkItemBg: palette.bgSider, itemBg: palette.bgSider, activeBarBorderWidth: 0 },
    Table: { headerBg: '#222a35', rowHoverBg: '#232b36', cellPaddingInlineMD: 12, cellPaddingBlockMD: 11 },
    Tree: { directoryNodeSelectedBg: '#2c3d55', nodeSelectedBg: '#2c3d55' },
  },
};

/** Room-status colours of the 楼盘表: muted, distinguishable, and readable with light text. */
export const roomStatusColors: Record<string, string> = {
  自住: '#3d6b57',
  出租: '#5a5a8c',
  空置: '#3a424d',
  闲置: '#3a424d',
  商用: '#7a6240',
  经营: '#7a6240',
  借住: '#4f6b80',
  其他: '#5c4d5e',
};
const extra = ['#4d6a6f', '#6b5a4a', '#4a5c7a', '#5f6b45'];

export function roomColor(status: string | null | undefined): string {
  if (!status) return roomStatusColors.空置;
  if (roomStatusColors[status]) return roomStatusColors[status];
  let h = 0;
  for (const ch of status) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return extra[h % extra.length];
}
