/**
 * A service at work: 订阅方 — the subscriptions of the service's topic in the default domain, with the deliveries
 * still open for each — and 最近消息 — its most recent messages, newest first, each opening 消息检索's detail page.
 */
import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { EnabledTag, ErrorAlert, MessageStatusTag } from '../engine/common';
import { useAuth } from '../shell/auth';
import { formatTime } from '../shell/format';
import { PERMISSIONS } from '../shell/navigation';
import { useRequest } from '../shell/useRequest';
import { getServiceActivity, type ActivitySubscription, type RecentMessage } from './api';
import { messagePath } from './TryItCard';

const DAY_MS = 24 * 3600_000;

/** `refresh` changes after each 试一试, so the new message shows at once. */
export default function ServiceActivityCards({ action, refresh }: { action: string; refresh: number }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const activity = useRequest(() => getServiceActivity(action), [action, refresh]);
  const data = activity.data;
  const topic = data?.topic ?? null;
  const reload = (
    <Button size="small" icon={<ReloadOutlined />} onClick={activity.reload} data-testid="activity-reload">
      {t('common.refresh')}
    </Button>
  );
  if (activity.error && !data) {
    return (
      <Card title={t('services.activity.recentTitle')} size="small" extra={reload}>
        <ErrorAlert error={activity.error} style={{ marginBottom: 0 }} />
      </Card>
    );
  }
  if (data && !topic) {
    return (
      <Alert
        type="warning"
        showIcon
        data-testid="activity-no-topic"
        title={t('services.activity.noTopic', { action })}
      />
    );
  }

  const subscriptionsLink =
    topic && can(PERMISSIONS.engineConfigRead)
      ? `/engine/subscriptions?${new URLSearchParams({ domainId: topic.domainId, topicId: topic.id }).toString()}`
      : null;

  const subColumns: TableColumnsType<ActivitySubscription> = [
    {
      title: t('services.activity.subscriber'),
      key: 'subscriber',
      render: (_: unknown, s) => (
        <Space size={4} wrap>
          <Typography.Text code>{s.subscriberCode ?? s.subscriberId}</Typography.Text>
          {s.subscriberName ? <Typography.Text type="secondary">{s.subscriberName}</Typography.Text> : null}
        </Space>
      ),
    },
    { title: t('services.activity.subscription'), dataIndex: 'name' },
    { title: t('services.activity.adapter'), dataIndex: 'adapter', render: (v: string) => <Tag>{v}</Tag> },
    {
      title: t('engine.status'),
      key: 'status',
      render: (_: unknown, s) => (
        <Space size={4}>
          <EnabledTag enabled={s.enabled} />
          {s.paused ? <Tag color="orange">{t('engine.subscriptions.paused')}</Tag> : null}
        </Space>
      ),
    },
    {
      title: t('services.activity.pending'),
      dataIndex: 'pending',
      align: 'right',
      render: (n: number) => (n > 0 ? <Typography.Text strong>{n}</Typography.Text> : n),
    },
  ];

  const messageColumns: TableColumnsType<RecentMessage> = [
    {
      title: t('services.activity.receivedAt'),
      dataIndex: 'receivedAt',
      render: (v: string, m) => (
        <Link to={messagePath(m.id)} data-testid="recent-message-link">
          {formatTime(v)}
        </Link>
      ),
    },
    { title: t('engine.status'), dataIndex: 'status', render: (v: string) => <MessageStatusTag status={v} /> },
    {
      title: t('services.activity.sender'),
      key: 'sender',
      render: (_: unknown, m) =>
        m.system ? (
          <Typography.Text code>{m.system}</Typography.Text>
        ) : (
          <Typography.Text type="secondary">
            {t(`services.activity.inbound.${m.inbound}`, { defaultValue: m.inbound })}
          </Typography.Text>
        ),
    },
    {
      title: t('engine.indexField.patientId'),
      key: 'patient',
      render: (_: unknown, m) =>
        m.patientId || m.patientName ? (
          <Space size={4}>
            {m.patientId ? <Typography.Text code>{m.patientId}</Typography.Text> : null}
            {m.patientName ?? ''}
          </Space>
        ) : (
          '—'
        ),
    },
    { title: t('engine.indexField.visitNo'), dataIndex: 'visitNo', render: (v: string | null) => v ?? '—' },
    {
      title: t('engine.indexField.applicationNo'),
      dataIndex: 'applicationNo',
      responsive: ['lg'],
      render: (v: string | null) => v ?? '—',
    },
    {
      title: t('engine.indexField.orderNo'),
      dataIndex: 'orderNo',
      responsive: ['lg'],
      render: (v: string | null) => v ?? '—',
    },
    {
      title: t('services.activity.error'),
      dataIndex: 'error',
      responsive: ['xl'],
      render: (v: string | null) =>
        v ? (
          <Typography.Text type="danger" ellipsis={{ tooltip: v }} style={{ maxWidth: 280 }}>
            {v}
          </Typography.Text>
        ) : null,
    },
  ];

  const days = data ? Math.max(1, Math.round((Date.now() - Date.parse(data.recentFrom)) / DAY_MS)) : 0;
  return (
    <>
      <Card
        title={t('services.activity.subscribersTitle')}
        size="small"
        extra={
          subscriptionsLink ? (
            <Link to={subscriptionsLink} data-testid="activity-subscriptions-link">
              {t('services.activity.manageSubscriptions')}
            </Link>
          ) : null
        }
      >
        <Table<ActivitySubscription>
          rowKey="id"
          size="small"
          data-testid="service-subscribers"
          loading={activity.loading}
          columns={subColumns}
          dataSource={data?.subscriptions ?? []}
          pagination={false}
          locale={{ emptyText: <Empty description={t('services.activity.noSubscribers')} /> }}
        />
      </Card>
      <Card
        title={t('services.activity.recentTitle')}
        size="small"
        extra={
          <Space>
            {topic && !topic.enabled ? <Tag>{t('services.activity.topicDisabled')}</Tag> : null}
            {reload}
          </Space>
        }
      >
        <ErrorAlert error={activity.error} />
        <Table<RecentMessage>
          rowKey="id"
          size="small"
          data-testid="service-recent"
          loading={activity.loading}
          columns={messageColumns}
          dataSource={data?.recent ?? []}
          pagination={false}
          locale={{ emptyText: <Empty description={t('services.activity.noMessages', { days })} /> }}
        />
      </Card>
    </>
  );
}
