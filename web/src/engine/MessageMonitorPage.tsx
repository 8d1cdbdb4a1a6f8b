/**
 * 消息监控: message intake per topic — who publishes it, who subscribes (and through which subscription), its
 * volume and errors over the window, with the domain's intake trend. Refreshes every 10 s.
 */
import {
  Card,
  Col,
  Empty,
  Progress,
  Row,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  theme,
  type TableColumnsType,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Stats } from './api';
import { DomainCard, useEngineDomain } from './domain';
import { MonitorToolbar, RankingChart, TrendChart, useStats } from './monitor';

type TopicRow = Stats['topics'][number];

export default function MessageMonitorPage() {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const engine = useEngineDomain();
  const stats = useStats(engine.domainId);
  const s = stats.data;
  const busiest = s ? [...s.topics].sort((a, b) => b.received - a.received).slice(0, 15) : [];

  const columns: TableColumnsType<TopicRow> = [
    {
      title: t('engine.messages.topic'),
      key: 'topic',
      render: (_: unknown, x) => (
        <div>
          <Typography.Text strong>{x.name}</Typography.Text>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {x.code}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    {
      title: t('engine.topics.publishers'),
      dataIndex: 'publishers',
      render: (v: TopicRow['publishers']) =>
        v.length ? (
          v.map((p) => (
            <Tooltip key={p.systemId} title={p.name}>
              <Tag>{p.code}</Tag>
            </Tooltip>
          ))
        ) : (
          <Typography.Text type="secondary">{t('engine.topics.anyPublisher')}</Typography.Text>
        ),
    },
    {
      title: t('engine.monitor.subscribers'),
      dataIndex: 'subscribers',
      render: (v: TopicRow['subscribers']) =>
        v.length ? (
          v.map((p) => (
            <Tooltip key={p.subscriptionId} title={`${p.name} · ${p.subscriptionName}`}>
              <Tag color="blue">{p.code}</Tag>
            </Tooltip>
          ))
        ) : (
          <Typography.Text type="warning">{t('engine.monitor.noSubscribers')}</Typography.Text>
        ),
    },
    {
      title: t('engine.monitor.received'),
      dataIndex: 'received',
      sorter: (a, b) => a.received - b.received,
      defaultSortOrder: 'descend',
    },
    {
      title: t('engine.monitor.failed'),
      dataIndex: 'failed',
      sorter: (a, b) => a.failed - b.failed,
      render: (v: number) => (v ? <Typography.Text type="danger">{v}</Typography.Text> : 0),
    },
    {
      title: t('engine.monitor.errorRate'),
      key: 'rate',
      width: 160,
      render: (_: unknown, x) =>
        x.received ? (
          <Progress
            percent={Math.round((x.failed / x.received) * 1000) / 10}
            size="small"
            status={x.failed ? 'exception' : 'success'}
          />
        ) : (
          '—'
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, x) => (
        <Space size={8}>
          <Link to={`/engine/messages?topicId=${encodeURIComponent(x.topicId)}`}>{t('engine.messagesLink')}</Link>
          {x.failed ? (
            <Link to={`/engine/messages?topicId=${encodeURIComponent(x.topicId)}&status=failed`}>
              {t('engine.monitor.failedMessages')}
            </Link>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="engine-message-monitor">
      <DomainCard
        title={t('nav.engine.messageMonitor')}
        engine={engine}
        extra={<MonitorToolbar stats={stats} />}
        error={stats.error}
        loading={!s && stats.loading && !stats.error}
      >
        {s ? (
          <Table<TopicRow>
            rowKey="topicId"
            size="middle"
            data-testid="message-monitor-topics"
            columns={columns}
            dataSource={s.topics}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            locale={{ emptyText: <Empty description={t('engine.monitor.noTopics')} /> }}
          />
        ) : null}
      </DomainCard>
      {s ? (
        <Row gutter={16}>
          <Col xs={24} xl={14}>
            <Card title={t('engine.monitor.trend')}>
              <TrendChart perMinute={s.perMinute} />
            </Card>
          </Col>
          <Col xs={24} xl={10}>
            <Card title={t('engine.monitor.volumeByTopic')}>
              <RankingChart
                rows={busiest.filter((x) => x.received > 0).map((x) => ({ label: x.name || x.code }))}
                series={[
                  {
                    name: t('engine.monitor.ok'),
                    values: busiest.filter((x) => x.received > 0).map((x) => Math.max(0, x.received - x.failed)),
                    color: token.colorPrimary,
                    stack: 'v',
                  },
                  {
                    name: t('engine.monitor.failed'),
                    values: busiest.filter((x) => x.received > 0).map((x) => x.failed),
                    color: token.colorError,
                    stack: 'v',
                  },
                ]}
              />
            </Card>
          </Col>
        </Row>
      ) : null}
    </Space>
  );
}
