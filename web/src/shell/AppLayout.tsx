import { LogoutOutlined, MenuFoldOutlined, MenuUnfoldOutlined, UserOutlined } from '@ant-design/icons';
import {
  App,
  Avatar,
  Breadcrumb,
  Button,
  Dropdown,
  Flex,
  Layout,
  Menu,
  Spin,
  Typography,
  theme,
  type MenuProps,
} from 'antd';
import { Suspense, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from './auth';
import LanguageSwitch from './LanguageSwitch';
import Logo from './Logo';
import { NAVIGATION, matchNavigation } from './navigation';
import RouteErrorBoundary from './RouteErrorBoundary';

const { Header, Sider, Content } = Layout;
type MenuItem = Required<MenuProps>['items'][number];

export default function AppLayout() {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const { message } = App.useApp();
  const { me, can, logout } = useAuth();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  const match = matchNavigation(pathname);
  const [openKeys, setOpenKeys] = useState<string[]>(match?.area.pages ? [`area:${match.area.key}`] : []);

  // Keep the current area open when navigating from elsewhere (overview links, user menu).
  useEffect(() => {
    const key = match?.area.pages ? `area:${match.area.key}` : undefined;
    if (key) setOpenKeys((keys) => (keys.includes(key) ? keys : [...keys, key]));
  }, [match?.area]);

  const areaTitle = match ? t(`nav.${match.area.key}.title`) : undefined;
  const pageTitle = match?.page ? t(`nav.${match.area.key}.${match.page.key}`) : undefined;
  useEffect(() => {
    document.title = [pageTitle ?? areaTitle, t('app.name')].filter(Boolean).join(' - ');
  }, [areaTitle, pageTitle, t]);

  const items = useMemo<MenuItem[]>(
    () =>
      NAVIGATION.flatMap((area): MenuItem[] => {
        const label = t(`nav.${area.key}.title`);
        if (!area.pages)
          return [{ key: area.path, icon: area.icon, label, 'data-testid': `nav-${area.key}` } as MenuItem];
        const children = area.pages
          .filter((page) => can(page.permission))
          .map((page) => ({
            key: page.path,
            label: t(`nav.${area.key}.${page.key}`),
            'data-testid': `nav-${area.key}-${page.key}`,
          }));
        return children.length ? [{ key: `area:${area.key}`, icon: area.icon, label, children } as MenuItem] : [];
      }),
    [t, can],
  );

  const userMenu: MenuProps = {
    items: [
      { key: 'profile', icon: <UserOutlined />, label: t('header.profile') },
      { type: 'divider' },
      { key: 'logout', icon: <LogoutOutlined />, label: t('header.logout'), danger: true },
    ],
    onClick: ({ key }) => {
      if (key === 'profile') void navigate('/profile');
      if (key === 'logout') {
        void logout().then(() => {
          void message.success(t('header.loggedOut'));
          void navigate('/login', { replace: true });
        });
      }
    },
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        trigger={null}
        width={256}
        breakpoint="lg"
        style={{ overflow: 'auto', height: '100vh', position: 'sticky', top: 0, insetInlineStart: 0 }}
      >
        <Flex align="center" gap={10} style={{ height: 56, paddingInline: collapsed ? 26 : 20 }}>
          <Logo size={28} />
          {collapsed ? null : (
            <Typography.Text strong style={{ color: '#fff', fontSize: 16, whiteSpace: 'nowrap' }}>
              {t('app.name')}
            </Typography.Text>
          )}
        </Flex>
        <Menu
          theme="dark"
          mode="inline"
          data-testid="main-menu"
          items={items}
          selectedKeys={match ? [match.page?.path ?? match.area.path] : []}
          openKeys={collapsed ? undefined : openKeys}
          onOpenChange={setOpenKeys}
          onClick={({ key }) => navigate(key)}
        />
      </Sider>
      <Layout>
        <Header
          style={{
            position: 'sticky',
            top: 0,
            zIndex: 10,
            background: token.colorBgContainer,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            paddingInline: 16,
            display: 'flex',
            alignItems: 'center',
            gap: 16,
          }}
        >
          <Button
            type="text"
            aria-label={collapsed ? t('header.expand') : t('header.collapse')}
            icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
            onClick={() => setCollapsed((c) => !c)}
          />
          <Typography.Text strong style={{ fontSize: 16, whiteSpace: 'nowrap' }} data-testid="product-name">
            互通 Hutong
          </Typography.Text>
          <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>
            {t('app.subtitle')}
          </Typography.Text>
          <div style={{ flex: 1 }} />
          <LanguageSwitch />
          <Dropdown menu={userMenu} trigger={['click']} placement="bottomRight">
            <Button type="text" data-testid="user-menu" style={{ height: 40 }}>
              <Avatar size="small" icon={<UserOutlined />} style={{ background: token.colorPrimary }} />
              <span>{me?.displayName || me?.username}</span>
            </Button>
          </Dropdown>
        </Header>
        <Content style={{ padding: 16 }}>
          {areaTitle && pageTitle ? (
            <Breadcrumb style={{ marginBottom: 12 }} items={[{ title: areaTitle }, { title: pageTitle }]} />
          ) : null}
          <RouteErrorBoundary key={pathname}>
            <Suspense fallback={<Spin style={{ display: 'block', marginTop: 80 }} />}>
              <Outlet />
            </Suspense>
          </RouteErrorBoundary>
        </Content>
      </Layout>
    </Layout>
  );
}
