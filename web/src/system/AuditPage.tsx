import { SearchOutlined } from '@ant-design/icons';
import {
  AutoComplete,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  theme,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError, usePagedList } from '../shell/crud';
import { formatTime } from '../shell/format';
import { searchAudit, type AuditEntry, type AuditQuery } from './api';

/** Actions the server records today; the field accepts any other action too. */
const KNOWN_ACTIONS = [
  'auth.*',
  'auth.login',
  'auth.login.failed',
  'auth.lockout',
  'auth.logout',
  'auth.password.change',
  'auth.token.create',
  'auth.token.revoke',
  'system.*',
  'system.user.create',
  'system.user.update',
  'system.user.reset-password',
  'system.user.unlock',
  'system.role.create',
  'system.role.update',
  'system.role.delete',
  'system.profile.update',
];

type Instant = { toISOString(): string };
interface FilterValues {
  range?: [Instant | null, Instant | null] | null;
  username?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  outcome?: 'success' | 'failure';
}

type Filters = Omit<AuditQuery, 'page' | 'pageSize'>;

function toFilters(v: FilterValues): Filters {
  const text = (s: string | undefined) => s?.trim() || undefined;
  return {
    from: v.range?.[0]?.toISOString(),
    to: v.range?.[1]?.toISOString(),
    username: text(v.username),
    action: text(v.action),
    objectType: text(v.objectType),
    objectId: text(v.objectId),
    outcome: v.outcome,
  };
}

export default function AuditPage() {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const [form] = Form.useForm<FilterValues>();
  const [filters, setFilters] = useState<Filters>({});
  const audit = usePagedList(({ page, pageSize }) => searchAudit({ ...filters, page, pageSize }), [filters]);

  const columns: TableColumnsType<AuditEntry> = [
    { title: t('audit.at'), dataIndex: 'at', width: 170, render: (v: string) => formatTime(v) },
    { title: t('audit.username'), dataIndex: 'username', width: 140, render: (v: string | null) => v ?? '—' },
    { title: t('audit.ip'), dataIndex: 'ip', width: 140, responsive: ['lg'], render: (v: string | null) => v ?? '—' },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      render: (v: string) => (
        <Typography.Text code style={{ whiteSpace: 'nowrap' }}>
          {v}
        </Typography.Text>
      ),
    },
    {
      title: t('audit.object'),
      key: 'object',
      width: 220,
      render: (_: unknown, e) =>
        e.objectType ? (
          <Typography.Text
            style={{ maxWidth: 200 }}
            ellipsis={{ tooltip: e.objectId ? `${e.objectType} #${e.objectId}` : e.objectType }}
          >
            {e.objectType}
            {e.objectId ? <Typography.Text type="secondary"> #{e.objectId}</Typography.Text> : null}
          </Typography.Text>
        ) : (
          '—'
        ),
    },
    {
      title: t('audit.outcome'),
      dataIndex: 'outcome',
      width: 90,
      render: (v: AuditEntry['outcome']) =>
        v === 'success' ? <Tag color="green">{t('audit.success')}</Tag> : <Tag color="red">{t('audit.failure')}</Tag>,
    },
    { title: t('audit.summary'), dataIndex: 'summary', render: (v: string | null) => v || '—' },
  ];

  return (
    <Card title={t('audit.title')}>
      <Form<FilterValues>
        form={form}
        layout="vertical"
        data-testid="audit-filters"
        onFinish={(values) => {
          setFilters(toFilters(values));
          audit.firstPage();
        }}
      >
        <Row gutter={16}>
          <Col xs={24} md={12} xl={8}>
            <Form.Item name="range" label={t('audit.timeRange')}>
              <DatePicker.RangePicker showTime style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6} xl={4}>
            <Form.Item name="username" label={t('audit.username')}>
              <Input allowClear data-testid="audit-username" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6} xl={4}>
            <Form.Item name="action" label={t('audit.action')} tooltip={t('audit.actionHint')}>
              <AutoComplete
                allowClear
                data-testid="audit-action"
                options={KNOWN_ACTIONS.map((a) => ({ value: a }))}
                showSearch={{ filterOption: (input, option) => !!option?.value?.toString().includes(input) }}
              />
            </Form.Item>
          </Col>
          <Col xs={12} md={6} xl={4}>
            <Form.Item name="objectType" label={t('audit.objectType')}>
              <Input allowClear data-testid="audit-object-type" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6} xl={4}>
            <Form.Item name="objectId" label={t('audit.objectId')}>
              <Input allowClear data-testid="audit-object-id" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6} xl={4}>
            <Form.Item name="outcome" label={t('audit.outcome')}>
              <Select
                allowClear
                data-testid="audit-outcome"
                options={[
                  { value: 'success', label: t('audit.success') },
                  { value: 'failure', label: t('audit.failure') },
                ]}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12} xl={8} style={{ display: 'flex', alignItems: 'flex-end' }}>
            <Form.Item>
              <Space>
                <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="audit-search">
                  {t('common.search')}
                </Button>
                <Button
                  onClick={() => {
                    form.resetFields();
                    setFilters({});
                    audit.firstPage();
                  }}
                >
                  {t('common.reset')}
                </Button>
              </Space>
            </Form.Item>
          </Col>
        </Row>
      </Form>
      <LoadError error={audit.error} />
      <Table<AuditEntry>
        rowKey="id"
        size="middle"
        data-testid="audit-table"
        columns={columns}
        {...audit.tableProps}
        expandable={{
          rowExpandable: (e) => e.changes !== null && e.changes !== undefined,
          expandedRowRender: (e) => (
            <div>
              <Typography.Text type="secondary">{t('audit.changes')}</Typography.Text>
              <pre
                data-testid="audit-changes"
                style={{
                  margin: '8px 0 0',
                  padding: 12,
                  background: token.colorFillTertiary,
                  borderRadius: token.borderRadius,
                  maxHeight: 360,
                  overflow: 'auto',
                  fontSize: 12,
                }}
              >
                {JSON.stringify(e.changes, null, 2)}
              </pre>
            </div>
          ),
        }}
      />
    </Card>
  );
}
