import { AuditOutlined, SafetyOutlined, TeamOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Card, Col, Descriptions, List, Row, Skeleton, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorMessage } from '../api/errors';
import { useAuth } from '../shell/auth';
import { formatTime } from '../shell/format';
import { PERMISSIONS } from '../shell/navigation';
import { useRequest } from '../shell/useRequest';
import { fetchMeta } from './api';

/** 平台总览: only what is real today — the running product and the signed-in user. */
export default function OverviewPage() {
  const { t } = useTranslation();
  const { me, can } = useAuth();
  const meta = useRequest(fetchMeta, []);

  const links: { path: string; icon: ReactNode; label: string; permission?: string }[] = [
    { path: '/system/users', icon: <TeamOutlined />, label: t('nav.system.users'), permission: PERMISSIONS.userRead },
    { path: '/system/roles', icon: <SafetyOutlined />, label: t('nav.system.roles'), permission: PERMISSIONS.roleRead },
    { path: '/system/audit', icon: <AuditOutlined />, label: t('nav.system.audit'), permission: PERMISSIONS.auditRead },
    { path: '/profile', icon: <UserOutlined />, label: t('nav.system.profile') },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('overview.title')}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={t('overview.product')} data-testid="overview-product">
            {meta.error ? (
              <Alert type="error" showIcon title={errorMessage(meta.error, t('errors.loadFailed'))} />
            ) : !meta.data ? (
              <Skeleton active paragraph={{ rows: 3 }} />
            ) : (
              <Descriptions column={1} size="small">
                <Descriptions.Item label={t('overview.productName')}>
                  {meta.data.name === 'Hutong' ? t('app.name') : meta.data.name}
                </Descriptions.Item>
                <Descriptions.Item label={t('overview.version')}>
                  <Typography.Text code data-testid="meta-version">
                    {meta.data.version}
                  </Typography.Text>
                </Descriptions.Item>
                <Descriptions.Item label={t('overview.database')}>
                  <span data-testid="meta-database">
                    {t(`overview.databases.${meta.data.database}`, { defaultValue: meta.data.database })}
                  </span>
                </Descriptions.Item>
                <Descriptions.Item label={t('overview.durability')}>
                  <Tag color={meta.data.durability === 'fsync' ? 'green' : 'orange'} data-testid="meta-durability">
                    {t(`overview.durabilities.${meta.data.durability}`)}
                  </Tag>
                </Descriptions.Item>
                <Descriptions.Item label={t('overview.startedAt')}>{formatTime(meta.data.startedAt)}</Descriptions.Item>
              </Descriptions>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('overview.currentUser')} data-testid="overview-user">
            {me ? (
              <Descriptions column={1} size="small">
                <Descriptions.Item label={t('users.username')}>{me.username}</Descriptions.Item>
                <Descriptions.Item label={t('users.displayName')}>{me.displayName}</Descriptions.Item>
                <Descriptions.Item label={t('overview.roles')}>
                  {me.roles.length ? me.roles.map((r) => <Tag key={r.id}>{r.name}</Tag>) : t('common.none')}
                </Descriptions.Item>
                <Descriptions.Item label={t('overview.lastLogin')}>
                  {me.lastLoginAt ? formatTime(me.lastLoginAt) : t('overview.never')}
                </Descriptions.Item>
              </Descriptions>
            ) : null}
          </Card>
        </Col>
        <Col span={24}>
          <Card title={t('overview.available')}>
            <List
              grid={{ gutter: 16, xs: 1, sm: 2, md: 4 }}
              dataSource={links.filter((l) => can(l.permission))}
              renderItem={(l) => (
                <List.Item>
                  <Link to={l.path}>
                    <Space>
                      {l.icon}
                      {l.label}
                    </Space>
                  </Link>
                </List.Item>
              )}
            />
            <Typography.Text type="secondary">{t('overview.availableHint')}</Typography.Text>
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
