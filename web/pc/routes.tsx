/** Every URL of the back office and the page it shows. */
import { lazy, type ReactNode } from 'react';
import BuildingDetailPage from './pages/buildings/detail';
import BuildingListPage from './pages/buildings/list';
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
const CoveragePage = lazy(() => import('./pages/coverage'));
const GridMapPage = lazy(() => import('./pages/map'));
const ImportsPage = lazy(() => import('./pages/imports'));

export interface RouteEntry {
  path: string;
  /** List pages show the scope tree; detail pages use the width for content. */
  withOrgTree: boolean;
  render: (params: Record<string, string>) => ReactNode;
}

export const routes: RouteEntry[] = [
  { path: '/residents', withOrgTree: true, render: () => <ResidentListPage /> },
  { path: '/residents/:id', withOrgTree: false, render: (p) => <ResidentDetailPage id={p.id} /> },
  { path: '/households', withOrgTree: true, render: () => <HouseholdListPage /> },
  { path: '/households/:id', withOrgTree: false, render: (p) => <HouseholdDetailPage id={p.id} /> },
  { path: '/buildings', withOrgTree: true, render: () => <BuildingListPage /> },
  { path: '/buildings/:id', withOrgTree: false, render: (p) => <BuildingDetailPage id={p.id} /> },
  { path: '/inbox', withOrgTree: true, render: () => <InboxPage /> },
  { path: '/issues', withOrgTree: false, render: () => <IssueListPage /> },
  { path: '/issues/joint-meeting', withOrgTree: false, render: () => <IssueJointMeetingPage /> },
  { path: '/issues/responsibility', withOrgTree: false, render: () => <IssueResponsibilityPage /> },
  { path: '/issues/analysis', withOrgTree: false, render: () => <IssueAnalysisPage /> },
  { path: '/issues/:issueNo', withOrgTree: false, render: (p) => <IssueDetailPage issueNo={p.issueNo} /> },
  { path: '/tags', withOrgTree: false, render: () => <TagDefinitionsPage /> },
  { path: '/tags/search', withOrgTree: true, render: () => <TagSearchPage /> },
  { path: '/coverage', withOrgTree: true, render: () => <CoveragePage /> },
  { path: '/map', withOrgTree: false, render: () => <GridMapPage /> },
  { path: '/imports', withOrgTree: true, render: () => <ImportsPage /> },
  { path: '/mail', withOrgTree: false, render: () => <MailPage /> },
];
