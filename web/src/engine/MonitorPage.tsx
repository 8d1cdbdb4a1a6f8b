/**
 * 运行监控: health of the publish/subscribe engine — intake and trend, latency, queues, recent errors, topic
 * activity ranking, topic reach and the vendors of connected systems. Refreshes every 10 s.
 */
import { Card, Col, Empty, Row, Space, Statistic, Table, Tag, Typography, theme, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatTime } from '../shell/format';
import type { Stats } from './api';
import { formatMs } from './common';
import { DomainCard, useEngineDomain } from './domain';
import { MonitorToolbar, RankingChart, TrendChart, useStats } from './monitor';

type Queue = Stats['queues'][number];

function formatAge(seconds: number | null): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export default function MonitorPage() {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const engine = useEngineDomain();
  const stats = useStats(engine.domainId);
  const s = stats.data;

  const queueColumns: TableColumnsType<Queue> = [
    { title: t('engine.subscriptions.name'), dataIndex: 'name' },
    { title: t('engine.messages.topic'), dataIndex: 'topicCode' },
    { title: t('engine.subscriptions.system'), dataIndex: 'systemCode' },
    {
      title: t('engine.monitor.depth'),
      dataIndex: 'depth',
      sorter: (a, b) => a.depth - b.depth,
      defaultSortOrder: 'descend',
      render: (v: number) => (v > 0 ? <Typography.Text strong>{v}</Typography.Text> : v),
    },
    { title: t('engine.monitor.oldest'), dataIndex: 'oldestAgeSeconds', render: (v: number | null) => formatAge(v) },
    { title: t('engine.monitor.inFlight'), dataIndex: 'inFlight' },
    {
      title: t('engine.status'),
      key: 'state',
      render: (_: unknown, q) =>
        !q.enabled ? (
          <Tag>{t('engine.disabled')}</Tag>
        ) : q.paused ? (
          <Tag color="orange">{t('engine.subscriptions.paused')}</Tag>
        ) : (
          <Tag color="green">{t('engine.monitor.running')}</Tag>
        ),
    },
  ];

  const running = s ? s.queues.filter((q) => q.enabled && !q.paused).length : 0;
  const reached = s ? s.topics.filter((x) => x.subscribers.length > 0).length : 0;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="engine-monitor">
      <DomainCard
        title={t('nav.engine.monitor')}
        engine={engine}
        extra={<MonitorToolbar stats={stats} />}
        error={stats.error}
        loading={!s && stats.loading && !stats.error}
      >
        {s ? (
          <Row gutter={[16, 16]}>
            <Col xs={12} md={8} xl={4}>
              <Statistic title={t('engine.monitor.received')} value={s.totals.received} />
            </Col>
            <Col xs={12} md={8} xl={4}>
              <Statistic
                title={t('engine.monitor.delivered')}
                value={s.totals.delivered}
                styles={{ content: { color: token.colorSuccess } }}
              />
            </Col>
            <Col xs={12} md={8} xl={4}>
              <Statistic
                title={t('engine.monitor.failed')}
                value={s.totals.failed}
                styles={{ content: { color: s.totals.failed ? token.colorError : undefined } }}
              />
            </Col>
            <Col xs={12} md={8} xl={4}>
              <Statistic title={t('engine.monitor.pending')} value={s.totals.pending} />
            </Col>
            <Col xs={12} md={8} xl={4}>
              <Statistic
                title={t('engine.monitor.dead')}
                value={s.totals.dead}
                styles={{ content: { color: s.totals.dead ? token.colorError : undefined } }}
              />
            </Col>
            <Col xs={12} md={8} xl={4}>
              <Statistic
                title={t('engine.monitor.latency')}
                value={s.latency.samples ? `${formatMs(s.latency.p50Ms)} / ${formatMs(s.latency.p95Ms)}` : '—'}
                suffix={
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    p50 / p95
                  </Typography.Text>
                }
              />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('engine.monitor.samples', { n: s.latency.samples })}
              </Typography.Text>
            </Col>
            <Col xs={12} md={8} xl={4}>
              <Statistic title={t('engine.monitor.systems')} value={s.totals.systems} />
            </Col>
            <Col xs={12} md={8} xl={4}>
              <Statistic title={t('engine.monitor.topics')} value={s.totals.topics} />
            </Col>
            <Col xs={12} md={8} xl={4}>
              <Statistic title={t('engine.monitor.reach')} value={reached} suffix={`/ ${s.totals.topics}`} />
            </Col>
            <Col xs={12} md={8} xl={4}>
              <Statistic title={t('engine.monitor.subscriptions')} value={s.totals.subscriptions} />
            </Col>
            <Col xs={12} md={8} xl={4}>
              <Statistic title={t('engine.monitor.runningSubscriptions')} value={running} />
            </Col>
            <Col xs={12} md={8} xl={4}>
              <Statistic title={t('engine.monitor.queued')} value={s.queues.reduce((n, q) => n + q.depth, 0)} />
            </Col>
          </Row>
        ) : null}
      </DomainCard>
      {s ? (
        <>
          <Row gutter={16}>
            <Col xs={24} xl={16}>
              <Card title={t('engine.monitor.trend')}>
                <TrendChart perMinute={s.perMinute} />
              </Card>
            </Col>
            <Col xs={24} xl={8}>
              <Card title={t('engine.monitor.ranking')}>
                <RankingChart
                  rows={s.ranking.slice(0, 10).map((r) => ({ label: r.name || r.code }))}
                  height={300}
                  series={[
                    {
                      name: t('engine.monitor.received'),
                      values: s.ranking.slice(0, 10).map((r) => r.count),
                      color: token.colorPrimary,
                    },
                  ]}
                />
              </Card>
            </Col>
          </Row>
          <Card title={t('engine.monitor.queues')}>
            <Table<Queue>
              rowKey="subscriptionId"
              size="small"
              data-testid="monitor-queues"
              columns={queueColumns}
              dataSource={s.queues}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              locale={{ emptyText: <Empty description={t('engine.monitor.noQueues')} /> }}
            />
          </Card>
          <Row gutter={16}>
            <Col xs={24} xl={16}>
              <Card title={t('engine.monitor.recentErrors')}>
                {s.recentErrors.length ? (
                  <div data-testid="monitor-errors" style={{ maxHeight: 420, overflow: 'auto' }}>
                    {s.recentErrors.map((e) => (
                      <div
                        key={`${e.messageId}-${e.deliveryId ?? ''}-${e.at}`}
                        style={{ padding: '8px 0', borderBottom: `1px solid ${token.colorBorderSecondary}` }}
                      >
                        <Space wrap size={8}>
                          <Typography.Text type="secondary">{formatTime(e.at)}</Typography.Text>
                          {e.topicCode ? <Tag>{e.topicCode}</Tag> : null}
                          {e.subscriptionName ? <Tag color="blue">{e.subscriptionName}</Tag> : null}
                          <Link to={`/engine/messages/${encodeURIComponent(e.messageId)}`}>{e.messageId}</Link>
                        </Space>
                        <Typography.Paragraph
                          type="danger"
                          style={{ marginBottom: 0, fontSize: 12 }}
                          ellipsis={{ rows: 2, tooltip: e.error }}
                        >
                          {e.error}
                        </Typography.Paragraph>
                      </div>
                    ))}
                  </div>
                ) : (
                  <Empty description={t('engine.monitor.noErrors')} />
                )}
              </Card>
            </Col>
            <Col xs={24} xl={8}>
              <Card title={t('engine.monitor.vendors')}>
                <Table
                  rowKey="vendor"
                  size="small"
                  pagination={false}
                  dataSource={s.totals.vendors}
                  locale={{ emptyText: <Empty description={t('engine.monitor.noVendors')} /> }}
                  columns={[
                    {
                      title: t('engine.systems.vendor'),
                      dataIndex: 'vendor',
                      render: (v: string) => v || t('engine.monitor.unknownVendor'),
                    },
                    { title: t('engine.monitor.systems'), dataIndex: 'systems', width: 100 },
                  ]}
                />
              </Card>
            </Col>
          </Row>
        </>
      ) : null}
    </Space>
  );
}
