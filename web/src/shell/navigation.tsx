import {
  ApartmentOutlined,
  AppstoreOutlined,
  BookOutlined,
  ClusterOutlined,
  DashboardOutlined,
  FileTextOutlined,
  LineChartOutlined,
  NodeIndexOutlined,
  SettingOutlined,
  SwapOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';

/**
 * The console's whole navigation, laid out as the tender lays out the product's areas (2.2.2.x).
 * Menu labels come from `nav.<area>.<page>`; pages without `component` render the shared
 * "not yet available" page with the description `soon.<area>.<page>`.
 */
export interface NavPage {
  /** i18n key under `nav.<area>` / `soon.<area>`. */
  key: string;
  path: string;
  /** Permission the page needs; the menu hides it and the route answers 403 without it. */
  permission?: string;
  component?: LazyExoticComponent<ComponentType>;
  /** The page has pages of its own below its path (e.g. a detail page); its component routes them. */
  nested?: boolean;
}

export interface NavArea {
  key: string;
  icon: ReactNode;
  /** A single-page area is a leaf in the menu. */
  path: string;
  component?: LazyExoticComponent<ComponentType>;
  pages?: NavPage[];
}

const OverviewPage = lazy(() => import('../overview/OverviewPage'));
const UsersPage = lazy(() => import('../system/UsersPage'));
const RolesPage = lazy(() => import('../system/RolesPage'));
const AuditPage = lazy(() => import('../system/AuditPage'));
const ProfilePage = lazy(() => import('../profile/ProfilePage'));
const EngineMonitorPage = lazy(() => import('../engine/MonitorPage'));
const EngineMessageMonitorPage = lazy(() => import('../engine/MessageMonitorPage'));
const EngineDomainsPage = lazy(() => import('../engine/DomainsPage'));
const EngineTopicsPage = lazy(() => import('../engine/TopicsPage'));
const EngineSystemsPage = lazy(() => import('../engine/SystemsPage'));
const EngineSubscriptionsPage = lazy(() => import('../engine/SubscriptionsPage'));
const EngineAdaptersPage = lazy(() => import('../engine/AdaptersPage'));
const EngineEndpointsPage = lazy(() => import('../engine/EndpointsPage'));
const EngineMessagesSection = lazy(() => import('../engine/MessagesSection'));
const EngineTransformsPage = lazy(() => import('../engine/TransformsPage'));
const EngineLookupsPage = lazy(() => import('../engine/LookupsPage'));
const EngineModelsPage = lazy(() => import('../engine/ModelsPage'));
const ServicesCatalogueSection = lazy(() => import('../services/CatalogueSection'));
const ServicesCdrSection = lazy(() => import('../services/CdrSection'));

export const PERMISSIONS = {
  userRead: 'system.user.read',
  userManage: 'system.user.manage',
  roleRead: 'system.role.read',
  roleManage: 'system.role.manage',
  auditRead: 'system.audit.read',
  // 订阅发布
  engineConfigRead: 'engine.config.read',
  engineConfigManage: 'engine.config.manage',
  engineMessageRead: 'engine.message.read',
  engineMessageResend: 'engine.message.resend',
  engineMessageEditResend: 'engine.message.edit-resend',
  engineTransformManage: 'engine.transform.manage',
  engineMonitorRead: 'engine.monitor.read',
  engineRetentionManage: 'engine.retention.manage',
  // 交互服务
  servicesCatalogueRead: 'services.catalogue.read',
  servicesTry: 'services.try',
  servicesCdrRead: 'services.cdr.read',
} as const;

export const NAVIGATION: NavArea[] = [
  { key: 'overview', icon: <DashboardOutlined />, path: '/overview', component: OverviewPage },
  {
    key: 'engine',
    icon: <NodeIndexOutlined />,
    path: '/engine',
    pages: [
      {
        key: 'monitor',
        path: '/engine/monitor',
        permission: PERMISSIONS.engineMonitorRead,
        component: EngineMonitorPage,
      },
      {
        key: 'messageMonitor',
        path: '/engine/message-monitor',
        permission: PERMISSIONS.engineMonitorRead,
        component: EngineMessageMonitorPage,
      },
      {
        key: 'domains',
        path: '/engine/domains',
        permission: PERMISSIONS.engineConfigRead,
        component: EngineDomainsPage,
      },
      { key: 'topics', path: '/engine/topics', permission: PERMISSIONS.engineConfigRead, component: EngineTopicsPage },
      {
        key: 'subscribers',
        path: '/engine/systems',
        permission: PERMISSIONS.engineConfigRead,
        component: EngineSystemsPage,
      },
      {
        key: 'subscriptions',
        path: '/engine/subscriptions',
        permission: PERMISSIONS.engineConfigRead,
        component: EngineSubscriptionsPage,
      },
      {
        key: 'adapters',
        path: '/engine/adapters',
        permission: PERMISSIONS.engineConfigRead,
        component: EngineAdaptersPage,
      },
      {
        key: 'endpoints',
        path: '/engine/endpoints',
        permission: PERMISSIONS.engineConfigRead,
        component: EngineEndpointsPage,
      },
      {
        key: 'search',
        path: '/engine/messages',
        permission: PERMISSIONS.engineMessageRead,
        component: EngineMessagesSection,
        nested: true,
      },
      {
        key: 'transforms',
        path: '/engine/transforms',
        permission: PERMISSIONS.engineConfigRead,
        component: EngineTransformsPage,
      },
      {
        key: 'lookups',
        path: '/engine/lookups',
        permission: PERMISSIONS.engineConfigRead,
        component: EngineLookupsPage,
      },
      { key: 'models', path: '/engine/models', permission: PERMISSIONS.engineConfigRead, component: EngineModelsPage },
    ],
  },
  {
    key: 'services',
    icon: <SwapOutlined />,
    // Not /services: the server answers GET /services/* as the HIPMessageServer WebService (its WSDL).
    path: '/interaction',
    pages: [
      {
        key: 'catalog',
        path: '/interaction/catalogue',
        permission: PERMISSIONS.servicesCatalogueRead,
        component: ServicesCatalogueSection,
        nested: true,
      },
      {
        key: 'cdr',
        path: '/interaction/cdr',
        permission: PERMISSIONS.servicesCdrRead,
        component: ServicesCdrSection,
        nested: true,
      },
    ],
  },
  {
    key: 'staff',
    icon: <TeamOutlined />,
    path: '/staff',
    pages: [
      { key: 'overview', path: '/staff/overview' },
      { key: 'manage', path: '/staff/employees' },
      { key: 'matching', path: '/staff/matching' },
      { key: 'attributes', path: '/staff/attributes' },
      { key: 'qualifications', path: '/staff/qualifications' },
      { key: 'logs', path: '/staff/logs' },
    ],
  },
  {
    key: 'departments',
    icon: <ApartmentOutlined />,
    path: '/departments',
    pages: [
      { key: 'overview', path: '/departments/overview' },
      { key: 'manage', path: '/departments/list' },
      { key: 'matching', path: '/departments/matching' },
      { key: 'wards', path: '/departments/wards' },
      { key: 'attributes', path: '/departments/attributes' },
      { key: 'logs', path: '/departments/logs' },
    ],
  },
  { key: 'terminology', icon: <BookOutlined />, path: '/terminology' },
  { key: 'documents', icon: <FileTextOutlined />, path: '/documents' },
  {
    key: 'portal',
    icon: <AppstoreOutlined />,
    path: '/portal',
    pages: [
      { key: 'ca', path: '/portal/ca' },
      { key: 'notices', path: '/portal/notices' },
      { key: 'apps', path: '/portal/apps' },
      { key: 'permissions', path: '/portal/permissions' },
      { key: 'widgets', path: '/portal/widgets' },
      { key: 'templates', path: '/portal/templates' },
      { key: 'layouts', path: '/portal/layouts' },
    ],
  },
  {
    key: 'supervision',
    icon: <ClusterOutlined />,
    path: '/supervision',
    pages: [
      { key: 'members', path: '/supervision/members' },
      { key: 'business', path: '/supervision/business' },
      { key: 'system', path: '/supervision/system' },
      { key: 'monitor', path: '/supervision/monitor' },
      { key: 'inspection', path: '/supervision/inspection' },
      { key: 'alerts', path: '/supervision/alerts' },
    ],
  },
  {
    key: 'monitoring',
    icon: <LineChartOutlined />,
    path: '/monitoring',
    pages: [
      { key: 'system', path: '/monitoring/system' },
      { key: 'data', path: '/monitoring/data' },
      { key: 'services', path: '/monitoring/services' },
    ],
  },
  {
    key: 'system',
    icon: <SettingOutlined />,
    path: '/system',
    pages: [
      { key: 'users', path: '/system/users', permission: PERMISSIONS.userRead, component: UsersPage },
      { key: 'roles', path: '/system/roles', permission: PERMISSIONS.roleRead, component: RolesPage },
      { key: 'audit', path: '/system/audit', permission: PERMISSIONS.auditRead, component: AuditPage },
      { key: 'profile', path: '/profile', component: ProfilePage },
    ],
  },
];

export interface NavMatch {
  area: NavArea;
  page?: NavPage;
}

/** The area (and page) a location belongs to, for the menu's selection and the page title. */
export function matchNavigation(pathname: string): NavMatch | undefined {
  for (const area of NAVIGATION) {
    for (const page of area.pages ?? []) {
      if (pathname === page.path || pathname.startsWith(`${page.path}/`)) return { area, page };
    }
    if (!area.pages && (pathname === area.path || pathname.startsWith(`${area.path}/`))) return { area };
  }
  return undefined;
}
