/**
 * 临床数据中心 (CDR) browser: pick an entity (with its record count), narrow by patient id, visit number, any number
 * (business key, application, order or visit number) and state, page through the records; a row opens the record.
 * Entity, filters and page live in the address, so the record page's "back" and a shared link show the same list.
 */
import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Flex, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ErrorAlert } from '../engine/common';
import { formatTime } from '../shell/format';
import { useRequest } from '../shell/useRequest';
import { listServices } from './api';
import { listCdrEntities, listCdrRecords, type CdrEntity, type CdrRecord, type CdrRecordQuery } from './cdrApi';
import { cdrRecordPath } from './CdrSection';
import { useServiceName } from './tags';

const FILTERS = ['patientId', 'visitNo', 'number', 'state'] as const;
type Filter = (typeof FILTERS)[number];
type FormValues = Partial<Record<Filter, string>>;

/** The entity's name in the console's language. */
export function useEntityName(): (e: { name: string; nameEn: string }) => string {
  const { i18n } = useTranslation();
  const english = i18n.language === 'en';
  return (e) => (english && e.nameEn ? e.nameEn : e.name);
}

/** A record's state by the entity's state machine (its name in the console's language), else the code. */
export function StateTag({ entity, state }: { entity: CdrEntity | undefined; state: string | null }) {
  const nameOf = useEntityName();
  if (!state) return <>—</>;
  const known = entity?.states?.find((s) => s.code === state);
  return (
    <Tag color="blue" data-testid="cdr-state">
      {known ? nameOf(known) : state}
      {known ? <Typography.Text type="secondary"> {state}</Typography.Text> : null}
    </Tag>
  );
}

/** Service action → its name (in the console's language), from the catalogue. */
export function useServiceNames(): (action: string) => string {
  const services = useRequest(() => listServices(), []);
  const nameOf = useServiceName();
  const byAction = useMemo(() => new Map((services.data ?? []).map((s) => [s.action, s])), [services.data]);
  return (action) => {
    const s = byAction.get(action);
    return s ? nameOf(s) : action;
  };
}

export default function CdrBrowserPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const entityName = useEntityName();
  const serviceName = useServiceNames();
  const [params, setParams] = useSearchParams();
  const [form] = Form.useForm<FormValues>();
  const entities = useRequest(listCdrEntities, []);

  // Without an entity in the address: the first that holds records (else the first).
  const list = entities.data ?? [];
  const entityCode = params.get('entity') ?? (list.find((e) => e.count > 0) ?? list[0])?.entity;
  const entity = list.find((e) => e.entity === entityCode);
  const page = Number(params.get('page') ?? '1') || 1;
  const pageSize = Number(params.get('pageSize') ?? '20') || 20;
  const filters = useMemo(
    () => Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? undefined]).filter(([, v]) => v)) as FormValues,
    [params],
  );
  const query: CdrRecordQuery | undefined = entityCode ? { entity: entityCode, ...filters, page, pageSize } : undefined;
  const records = useRequest(
    () => (query ? listCdrRecords(query) : Promise.resolve(undefined)),
    [JSON.stringify(query ?? null)],
  );

  // The form follows the address (back and forward, a shared link), but not the address its own search just wrote:
  // the router renders that change in a transition, and resetting the form then would wipe what the user typed since.
  const submitted = useRef<string | undefined>(undefined);
  useEffect(() => {
    const key = JSON.stringify(filters);
    if (submitted.current === key) return;
    submitted.current = undefined;
    form.setFieldsValue({ patientId: undefined, visitNo: undefined, number: undefined, state: undefined, ...filters });
  }, [filters, form]);

  function update(next: Record<string, string | undefined>) {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    setParams(p);
  }

  function search(values: FormValues) {
    const trimmed = Object.fromEntries(FILTERS.map((k) => [k, values[k]?.trim() || undefined]));
    submitted.current = JSON.stringify(Object.fromEntries(Object.entries(trimmed).filter(([, v]) => v)));
    update({ ...trimmed, page: undefined });
  }

  const columns: TableColumnsType<CdrRecord> = [
    {
      title: entity?.keyLabel ?? t('services.cdr.key'),
      dataIndex: 'key',
      render: (v: string, r) => (
        <Link to={cdrRecordPath(r.id)} onClick={(e) => e.stopPropagation()} data-testid="cdr-record-link">
          <Typography.Text code>{v}</Typography.Text>
        </Link>
      ),
    },
    {
      title: t('services.cdr.patient'),
      key: 'patient',
      render: (_: unknown, r) =>
        r.patientId || r.patientName ? (
          <Space size={4}>
            {r.patientId ? <Typography.Text code>{r.patientId}</Typography.Text> : null}
            {r.patientName ?? ''}
          </Space>
        ) : (
          '—'
        ),
    },
    { title: t('engine.indexField.visitNo'), dataIndex: 'visitNo', render: (v: string | null) => v ?? '—' },
    {
      title: t('services.cdr.numbers'),
      key: 'numbers',
      responsive: ['lg'],
      render: (_: unknown, r) => [r.applicationNo, r.orderNo].filter(Boolean).join(' / ') || '—',
    },
    {
      title: t('services.cdr.state'),
      dataIndex: 'state',
      render: (v: string | null) => <StateTag entity={entity} state={v} />,
    },
    { title: t('services.cdr.version'), dataIndex: 'version', align: 'right', responsive: ['md'] },
    {
      title: t('services.cdr.lastService'),
      dataIndex: 'lastService',
      responsive: ['xl'],
      render: (v: string) => serviceName(v),
    },
    { title: t('services.cdr.updatedAt'), dataIndex: 'updatedAt', render: (v: string) => formatTime(v) },
  ];

  const data = records.data;
  return (
    <Card title={t('nav.services.cdr')}>
      <Flex gap={12} wrap align="center" style={{ marginBottom: 16 }}>
        <Select<string>
          showSearch={{ optionFilterProp: 'label' }}
          style={{ width: 280 }}
          placeholder={t('services.cdr.entity')}
          loading={entities.loading}
          value={entityCode}
          onChange={(v) => update({ entity: v, state: undefined, page: undefined })}
          options={list.map((e) => ({
            value: e.entity,
            label: `${entityName(e)}（${e.count}）`,
          }))}
          data-testid="cdr-entity"
        />
        <Typography.Text type="secondary" data-testid="cdr-count">
          {data ? t('services.cdr.count', { count: data.total }) : null}
        </Typography.Text>
        <Button
          icon={<ReloadOutlined />}
          onClick={() => {
            entities.reload();
            records.reload();
          }}
        >
          {t('common.refresh')}
        </Button>
      </Flex>
      <Form<FormValues> form={form} layout="inline" onFinish={search} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item name="patientId" label={t('engine.indexField.patientId')}>
          <Input allowClear style={{ width: 160 }} data-testid="cdr-patient-id" />
        </Form.Item>
        <Form.Item name="visitNo" label={t('engine.indexField.visitNo')}>
          <Input allowClear style={{ width: 160 }} data-testid="cdr-visit-no" />
        </Form.Item>
        <Form.Item name="number" label={t('services.cdr.number')} tooltip={t('services.cdr.numberHint')}>
          <Input allowClear style={{ width: 180 }} data-testid="cdr-number" />
        </Form.Item>
        {entity?.states?.length ? (
          <Form.Item name="state" label={t('services.cdr.state')}>
            <Select<string>
              allowClear
              style={{ width: 160 }}
              options={entity.states.map((s) => ({ value: s.code, label: `${entityName(s)}（${s.code}）` }))}
              data-testid="cdr-state-filter"
            />
          </Form.Item>
        ) : null}
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="cdr-search">
              {t('common.search')}
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                update({
                  patientId: undefined,
                  visitNo: undefined,
                  number: undefined,
                  state: undefined,
                  page: undefined,
                });
              }}
            >
              {t('common.reset')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      <ErrorAlert error={entities.error ?? records.error} />
      <Table<CdrRecord>
        rowKey="id"
        size="middle"
        data-testid="cdr-records"
        loading={records.loading || entities.loading}
        columns={columns}
        dataSource={data?.items ?? []}
        onRow={(r) => ({ onClick: () => void navigate(cdrRecordPath(r.id)), style: { cursor: 'pointer' } })}
        locale={{
          emptyText: (
            <Empty
              description={
                !entities.loading && list.length === 0 ? t('services.cdr.noEntities') : t('services.cdr.noRecords')
              }
            />
          ),
        }}
        pagination={{
          current: page,
          pageSize,
          total: data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { total }),
          onChange: (p, size) =>
            update({ page: p > 1 ? String(p) : undefined, pageSize: size !== 20 ? String(size) : undefined }),
        }}
      />
    </Card>
  );
}
