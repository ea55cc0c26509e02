/** Every URL of the back office and the page it shows. */
import { Result } from 'antd';
import { lazy, type ReactNode } from 'react';
import BuildingDetailPage from './pages/buildings/detail';
import BuildingListPage from './pages/buildings/list';
import { isElementType } from './pages/elements/config';
import HouseholdDetailPage from './pages/households/detail';
import HouseholdListPage from './pages/households/list';
import ResidentDetailPage from './pages/residents/detail';
import ResidentListPage from './pages/residents/list';

// The inbox renders task forms (rjsf): loaded on demand so the element pages stay light.
const InboxPage = lazy(() => import('./pages/inbox'));
const MailPage = lazy(() => import('./pages/mail'));
// 问题处置 (Q): lazy as well — the detail brings OpenLayers, the analysis ECharts.
const IssueListPage = lazy(() => import('./pages/issues/list'));
const IssueDetailPage = lazy(() => import('./pages/issues/detail'));
const IssueJointMeetingPage = lazy(() => import('./pages/issues/joint-meeting'));
const IssueResponsibilityPage = lazy(() => import('./pages/issues/responsibility'));
const IssueAnalysisPage = lazy(() => import('./pages/issues/analysis'));
// 一张表: tags, coverage, map (OpenLayers) and Excel import — lazy, each page brings its own weight.
const TagDefinitionsPage = lazy(() => import('./pages/tags/definitions'));
const TagSearchPage = lazy(() => import('./pages/tags/search'));
const ElementTagsPage = lazy(() => import('./pages/tags/element'));
const CoveragePage = lazy(() => import('./pages/coverage'));
const GridMapPage = lazy(() => import('./pages/map'));
const GridsPage = lazy(() => import('./pages/grids'));
const ImportsPage = lazy(() => import('./pages/imports'));
// 网格要素 (G-1, G-4, G-5): one set of pages for every other element type; the forms bring rjsf, the detail OpenLayers.
const ElementListPage = lazy(() => import('./pages/elements/list'));
const ElementDetailPage = lazy(() => import('./pages/elements/detail'));
const ElementEditPage = lazy(() => import('./pages/elements/edit'));
// 新增居民 renders its form with rjsf: lazy like the other forms.
const ResidentCreatePage = lazy(() => import('./pages/residents/create'));

/** An unknown element type in the address bar: the same page as any unknown address. */
const unknownType = <Result status="404" title="页面不存在" subTitle="没有这类网格要素，请从左侧菜单进入。" />;

export interface RouteEntry {
  path: string;
  /** List pages show the scope tree; detail pages use the width for content. */
  withOrgTree: boolean;
  render: (params: Record<string, string>) => ReactNode;
}

export const routes: RouteEntry[] = [
  { path: '/residents', withOrgTree: true, render: () => <ResidentListPage /> },
  { path: '/residents/new', withOrgTree: false, render: () => <ResidentCreatePage /> },
  { path: '/residents/:id', withOrgTree: false, render: (p) => <ResidentDetailPage id={p.id} /> },
  { path: '/households', withOrgTree: true, render: () => <HouseholdListPage /> },
  { path: '/households/:id', withOrgTree: false, render: (p) => <HouseholdDetailPage id={p.id} /> },
  { path: '/buildings', withOrgTree: true, render: () => <BuildingListPage /> },
  { path: '/buildings/:id', withOrgTree: false, render: (p) => <BuildingDetailPage id={p.id} /> },
  {
    path: '/elements/:type',
    withOrgTree: true,
    render: (p) => (isElementType(p.type) ? <ElementListPage key={p.type} type={p.type} /> : unknownType),
  },
  {
    path: '/elements/:type/new',
    withOrgTree: false,
    render: (p) => (isElementType(p.type) ? <ElementEditPage key={p.type} type={p.type} /> : unknownType),
  },
  {
    path: '/elements/:type/:id',
    withOrgTree: false,
    render: (p) => (isElementType(p.type) ? <ElementDetailPage key={p.type} type={p.type} id={p.id} /> : unknownType),
  },
  {
    path: '/elements/:type/:id/edit',
    withOrgTree: false,
    render: (p) => (isElementType(p.type) ? <ElementEditPage key={`${p.type}-${p.id}`} type={p.type} id={p.id} /> : unknownType),
  },
  { path: '/inbox', withOrgTree: true, render: () => <InboxPage /> },
  { path: '/issues', withOrgTree: false, render: () => <IssueListPage /> },
  { path: '/issues/joint-meeting', withOrgTree: false, render: () => <IssueJointMeetingPage /> },
  { path: '/issues/responsibility', withOrgTree: false, render: () => <IssueResponsibilityPage /> },
  { path: '/issues/analysis', withOrgTree: false, render: () => <IssueAnalysisPage /> },
  { path: '/issues/:issueNo', withOrgTree: false, render: (p) => <IssueDetailPage issueNo={p.issueNo} /> },
  { path: '/tags', withOrgTree: false, render: () => <TagDefinitionsPage /> },
  { path: '/tags/search', withOrgTree: true, render: () => <TagSearchPage /> },
  {
    path: '/tags/element/:type/:id',
    withOrgTree: false,
    render: (p) => <ElementTagsPage key={`${p.type}-${p.id}`} type={p.type} id={p.id} />,
  },
  { path: '/coverage', withOrgTree: true, render: () => <CoveragePage /> },
  { path: '/map', withOrgTree: false, render: () => <GridMapPage /> },
  { path: '/grids', withOrgTree: true, render: () => <GridsPage /> },
  { path: '/imports', withOrgTree: true, render: () => <ImportsPage /> },
  { path: '/mail', withOrgTree: false, render: () => <MailPage /> },
];
