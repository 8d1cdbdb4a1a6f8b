/**
 * 服务目录: every interaction service the platform speaks, searchable by name, action or S code and filterable by
 * category and operation. The filters live in the address so a filtered list can be shared; a row opens the service.
 */
import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Input, Select, Table, Typography, type TableColumnsType } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ErrorAlert } from '../engine/common';
import { useRequest } from '../shell/useRequest';
import { listServices, OPERATIONS, type ServiceOperation, type ServiceQuery, type ServiceSummary } from './api';
import { KindTag, OperationTag, useCategoryName, useServiceName } from './tags';

function queryFromParams(params: URLSearchParams): ServiceQuery {
  const q = params.get('q')?.trim();
  const category = params.get('category');
  const operation = params.get('operation');
  return {
    ...(q ? { q } : {}),
    ...(category ? { category } : {}),
    ...(operation && (OPERATIONS as readonly string[]).includes(operation)
      ? { operation: operation as ServiceOperation }
      : {}),
  };
}

export const detailPath = (action: string) => `/interaction/catalogue/${encodeURIComponent(action)}`;

export default function CataloguePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const categoryName = useCategoryName();
  const nameOf = useServiceName();
  const [params, setParams] = useSearchParams();
  const query = useMemo(() => queryFromParams(params), [params]);
  const [text, setText] = useState(query.q ?? '');
  // The box follows the address (back and forward, a shared link).
  useEffect(() => setText(query.q ?? ''), [query.q]);

  const services = useRequest(() => listServices(query), [query]);
  // Category choices come from the whole catalogue, not from the filtered answer.
  const all = useRequest(() => listServices(), []);
  const categories = useMemo(() => [...new Set((all.data ?? []).map((s) => s.category))], [all.data]);

  function update(key: keyof ServiceQuery, value: string | undefined) {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  }

  const columns: TableColumnsType<ServiceSummary> = [
    {
      title: t('services.name'),
      dataIndex: 'name',
      render: (_: string, s) => (
        <Flex vertical>
          <Link to={detailPath(s.action)} onClick={(e) => e.stopPropagation()} data-testid="service-link">
            {nameOf(s)}
          </Link>
          {nameOf(s) !== s.name ? <Typography.Text type="secondary">{s.name}</Typography.Text> : null}
        </Flex>
      ),
    },
    {
      title: t('services.action'),
      dataIndex: 'action',
      render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
    },
    { title: t('services.sCode'), dataIndex: 'sCode', render: (v: string | undefined) => v ?? '—' },
    { title: t('services.category'), dataIndex: 'category', render: (v: string) => categoryName(v) },
    {
      title: t('services.operation'),
      dataIndex: 'operation',
      render: (v: ServiceOperation) => <OperationTag operation={v} />,
    },
    { title: t('services.kind'), dataIndex: 'standard', render: (v: boolean) => <KindTag standard={v} /> },
    {
      title: t('services.interactions'),
      key: 'interactions',
      responsive: ['lg'],
      render: (_: unknown, s) => (
        <Typography.Text style={{ fontFamily: 'monospace', fontSize: 12 }}>
          {s.request} → {s.response ?? '—'}
        </Typography.Text>
      ),
    },
    { title: t('services.fieldCount'), dataIndex: 'fieldCount', responsive: ['xl'], align: 'right' },
  ];

  return (
    <Card title={t('nav.services.catalog')}>
      <Flex gap={12} wrap align="center" style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          placeholder={t('services.searchPlaceholder')}
          style={{ width: 300 }}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onSearch={(v) => update('q', v.trim() || undefined)}
          data-testid="services-search"
        />
        <Select<string>
          allowClear
          placeholder={t('services.category')}
          style={{ width: 180 }}
          value={query.category}
          onChange={(v) => update('category', v)}
          options={categories.map((c) => ({ value: c, label: categoryName(c) }))}
          data-testid="services-category"
        />
        <Select<ServiceOperation>
          allowClear
          placeholder={t('services.operation')}
          style={{ width: 140 }}
          value={query.operation}
          onChange={(v) => update('operation', v)}
          options={OPERATIONS.map((o) => ({ value: o, label: t(`services.operationName.${o}`) }))}
          data-testid="services-operation"
        />
        <Button
          icon={<ReloadOutlined />}
          onClick={() => {
            services.reload();
            all.reload();
          }}
        >
          {t('common.refresh')}
        </Button>
        <Typography.Text type="secondary" data-testid="services-count">
          {services.data ? t('services.count', { count: services.data.length }) : null}
        </Typography.Text>
      </Flex>
      <ErrorAlert error={services.error} />
      <Table<ServiceSummary>
        rowKey="action"
        size="middle"
        data-testid="services-table"
        loading={services.loading}
        columns={columns}
        dataSource={services.data ?? []}
        onRow={(s) => ({ onClick: () => void navigate(detailPath(s.action)), style: { cursor: 'pointer' } })}
        pagination={{
          defaultPageSize: 20,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { total }),
        }}
      />
    </Card>
  );
}
