/** The back-office frame: header (user, org, logout), side menu, scope tree, page content. */
import {
  ApartmentOutlined,
  BankOutlined,
  CarryOutOutlined,
  ClusterOutlined,
  ContainerOutlined,
  DownOutlined,
  FlagOutlined,
  GlobalOutlined,
  HomeOutlined,
  IdcardOutlined,
  ImportOutlined,
  KeyOutlined,
  LogoutOutlined,
  MailOutlined,
  NodeIndexOutlined,
  ShopOutlined,
  SoundOutlined,
  TagOutlined,
  TagsOutlined,
  TeamOutlined,
  ToolOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Avatar, Dropdown, Layout, Menu, type MenuProps, Result, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { navigate, useLocation } from '../../shared/router';
import { useSession } from '../session';
import OrgTree from './OrgTree';
import { orgTypeLabels } from './org-filter';
import './layout.css';

export default function BasicLayout({ children, withOrgTree }: { children: ReactNode; withOrgTree: boolean }) {
  const { me, access, logout } = useSession();
  const { pathname } = useLocation();
  const section = `/${pathname.split('/')[1] ?? ''}`;
  // Element types share /elements: the menu entry is the type's.
  const menuKey = pathname.startsWith('/tags/search')
    ? '/tags/search'
    : section === '/elements'
      ? `/elements/${pathname.split('/')[2] ?? ''}`
      : section;

  const items: MenuProps['items'] = [
    { key: '/residents', icon: <UserOutlined />, label: '实有人口' },
    { key: '/households', icon: <TeamOutlined />, label: '居民户' },
    { key: '/buildings', icon: <BankOutlined />, label: '楼栋房屋' },
    { key: '/elements/house', icon: <HomeOutlined />, label: '房屋' },
    { key: '/elements/merchant', icon: <ShopOutlined />, label: '商户' },
    { key: '/elements/enterprise', icon: <ContainerOutlined />, label: '企业' },
    { key: '/elements/institution', icon: <FlagOutlined />, label: '驻区单位' },
    { key: '/elements/facility', icon: <ToolOutlined />, label: '公共设施' },
    { key: '/elements/grid_worker', icon: <IdcardOutlined />, label: '网格员' },
  ].filter(() => access.canViewElements);
  if (access.canViewTasks) items.push({ key: '/inbox', icon: <CarryOutOutlined />, label: '我的待办' });
  if (access.canViewIssues) items.push({ key: '/issues', icon: <SoundOutlined />, label: '问题处置' });
  if (access.canViewTags) {
    items.push({ key: '/tags/search', icon: <TagsOutlined />, label: '标签查询' });
    items.push({ key: '/tags', icon: <TagOutlined />, label: '标签管理' });
  }
  if (access.canViewCoverage) items.push({ key: '/coverage', icon: <ApartmentOutlined />, label: '包户包联' });
  if (access.canViewMap) items.push({ key: '/map', icon: <GlobalOutlined />, label: '网格地图' });
  if (access.canViewMap && access.canViewElements) items.push({ key: '/grids', icon: <ClusterOutlined />, label: '网格管理' });
  if (access.canImport) items.push({ key: '/imports', icon: <ImportOutlined />, label: '批量导入导出' });
  if (access.canViewConsole) items.push({ key: '/console/', icon: <NodeIndexOutlined />, label: '流程监控' });
  if (access.canReadMail) items.push({ key: '/mail', icon: <MailOutlined />, label: '邮件查看' });

  const userMenu: MenuProps['items'] = [
    { key: 'password', icon: <KeyOutlined />, label: '修改密码' },
    { type: 'divider' },
    { key: 'logout', icon: <LogoutOutlined />, label: '退出登录' },
  ];

  return (
    <Layout className="shell">
      <Layout.Header className="shell-header">
        <div className="shell-brand">
          <span className="shell-logo">表</span>
          <span className="shell-title">一张表数字化治理平台</span>
        </div>
        <Space size={20} className="shell-user">
          {me ? (
            <Typography.Text type="secondary" data-testid="header-org">
              <HomeOutlined /> {me.org.name}
              <span className="shell-org-type">{orgTypeLabels[me.org.type] ?? ''}</span>
            </Typography.Text>
          ) : null}
          <Dropdown
            menu={{ items: userMenu, onClick: ({ key }) => (key === 'logout' ? void logout() : navigate('/password')) }}
            trigger={['click']}
          >
            <button type="button" className="shell-user-btn" data-testid="user-menu">
              <Avatar size={28} style={{ background: '#3b5f86' }}>
                {(me?.displayName ?? '用').slice(0, 1)}
              </Avatar>
              <span>{me?.displayName ?? me?.username}</span>
              {me?.roles[0] ? <span className="shell-role">{me.roles[0].name}</span> : null}
              <DownOutlined style={{ fontSize: 10 }} />
            </button>
          </Dropdown>
        </Space>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={168} className="shell-sider" breakpoint="lg" collapsedWidth={56}>
          <Menu
            mode="inline"
            selectedKeys={[menuKey]}
            items={items}
            onClick={({ key }) => (key.startsWith('/console') ? window.location.assign(key) : navigate(key))}
          />
        </Layout.Sider>
        <Layout.Content className="shell-content">
          {withOrgTree && access.canViewOrgTree ? <OrgTree /> : null}
          <main className="shell-main">
            {access.canViewElements ||
            (section === '/inbox' && access.canViewTasks) ||
            (section === '/issues' && access.canViewIssues) ||
            (section === '/mail' && access.canReadMail) ? (
              children
            ) : (
              <Result
                status="403"
                title="没有查看网格要素的权限"
                subTitle="您的角色不包含查看人、房、户数据的权限；如工作需要，请联系系统管理员开通。"
              />
            )}
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
