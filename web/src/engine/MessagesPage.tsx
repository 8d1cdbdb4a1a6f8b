/**
 * 消息检索: search the messages of a domain by id, patient, visit, order, application, topic, system, status and time;
 * saved queries (收藏); bulk resend by the current filter. The filter lives in the address, so a detail page's
 * "back" and a shared link show the same result.
 */
import { DeleteOutlined, RedoOutlined, SearchOutlined, StarOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Col,
  DatePicker,
  Dropdown,
  Empty,
  Form,
  Input,
  Modal,
  Radio,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { errorMessage } from '../api/errors';
import { useAuth } from '../shell/auth';
import { formatTime } from '../shell/format';
import { PERMISSIONS } from '../shell/navigation';
import { useRequest } from '../shell/useRequest';
import {
  bulkResend,
  deleteSavedQuery,
  listAllSystems,
  listAllTopics,
  listSavedQueries,
  saveQuery,
  searchMessages,
  type BulkResendMode,
  type MessageFilter,
  type MessagePage,
  type MessageStatus,
  type MessageSummary,
  type SavedQuery,
} from './api';
import { ErrorAlert, formatBytes, MessageStatusTag, Mono, emptyPage } from './common';
import { DomainCard, useEngineDomain } from './domain';
import { MESSAGE_STATUSES } from './types';

/** The text fields of the search form, in the order shown. */
const TEXT_FIELDS = [
  'messageId',
  'sourceMessageId',
  'patientId',
  'patientName',
  'visitNo',
  'orderNo',
  'applicationNo',
] as const;
type TextField = (typeof TEXT_FIELDS)[number];
const EPOCH = '2000-01-01T00:00:00.000Z';

/** Everything a filter holds except the domain and the time range. */
const FILTER_KEYS = [...TEXT_FIELDS, 'topicId', 'systemId', 'status'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

interface FormValues extends Partial<Record<TextField, string>> {
  topicId?: string;
  systemId?: string;
  status?: MessageStatus;
  range?: [Dayjs | null, Dayjs | null] | null;
}

/**
 * The filter in the address. Without from/to the server picks the window itself: the last 24 hours, or no limit when
 * an id or number field is given.
 */
function filterFromParams(params: URLSearchParams): MessageFilter {
  const f: MessageFilter = {};
  for (const k of [...FILTER_KEYS, 'from', 'to'] as const) {
    const v = params.get(k);
    if (v) (f as Record<string, string>)[k] = v;
  }
  return f;
}

function valuesFromParams(params: URLSearchParams): FormValues {
  const from = params.get('from');
  const to = params.get('to');
  return {
    ...Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? undefined])),
    range: from || to ? [from ? dayjs(from) : null, to ? dayjs(to) : null] : null,
  };
}

export default function MessagesPage() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { can } = useAuth();
  const canResend = can(PERMISSIONS.engineMessageResend);
  const engine = useEngineDomain();
  const domainId = engine.domainId;
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => filterFromParams(params), [params]);
  const page = Number(params.get('page') ?? '1') || 1;
  const pageSize = Number(params.get('pageSize') ?? '20') || 20;
  const messages = useRequest(
    () =>
      domainId
        ? searchMessages({ ...filter, domainId, page, pageSize })
        : Promise.resolve<MessagePage>({ ...emptyPage<MessageSummary>(), totalCapped: false, from: null, to: null }),
    [domainId, filter, page, pageSize],
  );
  const topics = useRequest(() => (domainId ? listAllTopics(domainId) : Promise.resolve([])), [domainId]);
  const systems = useRequest(() => (domainId ? listAllSystems(domainId) : Promise.resolve([])), [domainId]);
  const saved = useRequest(() => listSavedQueries().catch((): SavedQuery[] => []), []);
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const [resending, setResending] = useState(false);

  // The form shows what the address says (a link from another page, back and forward), but not the address its own
  // search just wrote: the router renders that in a transition, and resetting the form then would undo later typing.
  const written = useRef<string | undefined>(undefined);
  useEffect(() => {
    const own = written.current === params.toString();
    written.current = undefined;
    if (!own) form.setFieldsValue(valuesFromParams(params));
  }, [form, params]);

  function apply(values: FormValues) {
    const next = new URLSearchParams();
    const keepDomain = params.get('domainId');
    if (keepDomain) next.set('domainId', keepDomain);
    for (const k of FILTER_KEYS) {
      const v = values[k];
      if (typeof v === 'string' && v.trim()) next.set(k, v.trim());
    }
    const [from, to] = values.range ?? [null, null];
    if (from) next.set('from', from.toISOString());
    if (to) next.set('to', to.toISOString());
    written.current = next.toString();
    setParams(next);
    if (next.toString() === params.toString()) messages.reload();
  }

  function applySaved(q: SavedQuery) {
    const values: FormValues = { range: form.getFieldValue('range') as FormValues['range'] };
    for (const k of FILTER_KEYS) (values as Record<string, unknown>)[k] = (q.query as Record<string, unknown>)[k];
    form.setFieldsValue({ ...Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined])), ...values });
    apply(values);
  }

  function reset() {
    form.setFieldsValue({ ...Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined])), range: null });
    apply({});
  }

  function confirmBulkResend() {
    const total = messages.data?.total ?? 0;
    let mode: BulkResendMode = 'failed-deliveries';
    modal.confirm({
      title: t('engine.messages.bulkTitle'),
      width: 520,
      content: (
        <div>
          <Typography.Paragraph>
            {t('engine.messages.bulkConfirm', {
              n: total,
              capped: messages.data?.totalCapped ? '+' : '',
            })}
          </Typography.Paragraph>
          <Radio.Group
            defaultValue={mode}
            onChange={(e) => {
              mode = e.target.value as BulkResendMode;
            }}
            options={[
              { value: 'failed-deliveries', label: t('engine.messages.bulkFailed') },
              { value: 'message', label: t('engine.messages.bulkMessage') },
            ]}
          />
        </div>
      ),
      okText: t('engine.messages.resend'),
      okButtonProps: { 'data-testid': 'bulk-resend-confirm' } as Record<string, string>,
      onOk: async () => {
        setResending(true);
        try {
          // A bulk resend needs an explicit window: the one the search applied (open ends closed at now).
          const applied = messages.data;
          const r = await bulkResend({
            filter: {
              ...filter,
              domainId,
              from: applied?.from ?? filter.from ?? EPOCH,
              to: applied?.to ?? filter.to ?? new Date().toISOString(),
            },
            mode,
          });
          void message.success(t('engine.messages.bulkDone', { n: r.count, skipped: r.skipped }));
          messages.reload();
        } catch (err) {
          void message.error(errorMessage(err, t('errors.unexpected')));
        } finally {
          setResending(false);
        }
      },
    });
  }

  const topicOptions = (topics.data ?? []).map((x) => ({ value: x.id, label: `${x.name} (${x.code})` }));
  const systemOptions = (systems.data ?? []).map((x) => ({ value: x.id, label: `${x.name} (${x.code})` }));

  const columns: TableColumnsType<MessageSummary> = [
    {
      title: t('engine.messages.receivedAt'),
      dataIndex: 'receivedAt',
      width: 170,
      render: (v: string) => formatTime(v),
    },
    {
      title: t('engine.messages.id'),
      dataIndex: 'id',
      render: (v: string, m) => (
        <Space size={4}>
          <Link to={`/engine/messages/${encodeURIComponent(v)}`} data-testid="message-link">
            <Typography.Text code style={{ maxWidth: 180 }} ellipsis={{ tooltip: v }}>
              {v}
            </Typography.Text>
          </Link>
          {m.parentId ? (
            <Tooltip title={t('engine.messages.resendOf', { id: m.parentId })}>
              <Tag color="purple">
                {t(`engine.resendKind.${m.resendKind ?? 'message'}`, { defaultValue: m.resendKind })}
              </Tag>
            </Tooltip>
          ) : null}
        </Space>
      ),
    },
    { title: t('engine.messages.topic'), dataIndex: 'topicCode' },
    { title: t('engine.messages.system'), dataIndex: 'systemCode', render: (v: string | null) => v ?? '—' },
    {
      title: t('engine.status'),
      dataIndex: 'status',
      render: (v: MessageStatus, m) =>
        m.error ? (
          <Tooltip title={m.error}>
            <span>
              <MessageStatusTag status={v} />
            </span>
          </Tooltip>
        ) : (
          <MessageStatusTag status={v} />
        ),
    },
    {
      title: t('engine.indexField.patientId'),
      key: 'patient',
      render: (_: unknown, m) =>
        m.patientId || m.patientName ? (
          <div>
            <div>{m.patientId ?? '—'}</div>
            {m.patientName ? (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {m.patientName}
              </Typography.Text>
            ) : null}
          </div>
        ) : (
          '—'
        ),
    },
    {
      title: t('engine.indexField.visitNo'),
      dataIndex: 'visitNo',
      responsive: ['xl'],
      render: (v: string | null) => <Mono value={v} width={120} />,
    },
    {
      title: t('engine.indexField.orderNo'),
      dataIndex: 'orderNo',
      responsive: ['xl'],
      render: (v: string | null) => <Mono value={v} width={120} />,
    },
    {
      title: t('engine.indexField.applicationNo'),
      dataIndex: 'applicationNo',
      responsive: ['xxl'],
      render: (v: string | null) => <Mono value={v} width={120} />,
    },
    { title: t('engine.messages.routed'), dataIndex: 'routedCount', width: 80, responsive: ['lg'] },
    {
      title: t('engine.messages.size'),
      dataIndex: 'size',
      width: 90,
      responsive: ['lg'],
      render: (v: number) => formatBytes(v),
    },
  ];

  const savedItems = saved.data ?? [];

  return (
    <DomainCard title={t('nav.engine.search')} engine={engine}>
      <Form<FormValues>
        form={form}
        layout="vertical"
        data-testid="message-filters"
        initialValues={valuesFromParams(params)}
        onFinish={(v) => apply(v)}
      >
        <Row gutter={16}>
          {TEXT_FIELDS.map((f) => (
            <Col xs={12} md={8} xl={6} xxl={4} key={f}>
              <Form.Item
                name={f}
                label={t(`engine.indexField.${f}`)}
                tooltip={f === 'patientName' ? t('engine.messages.patientNameHint') : undefined}
              >
                <Input allowClear data-testid={`message-filter-${f}`} />
              </Form.Item>
            </Col>
          ))}
          <Col xs={12} md={8} xl={6} xxl={4}>
            <Form.Item name="topicId" label={t('engine.messages.topic')}>
              <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={topicOptions} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8} xl={6} xxl={4}>
            <Form.Item name="systemId" label={t('engine.messages.system')}>
              <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={systemOptions} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8} xl={6} xxl={4}>
            <Form.Item name="status" label={t('engine.status')}>
              <Select
                allowClear
                options={MESSAGE_STATUSES.map((s) => ({ value: s, label: t(`engine.messageStatus.${s}`) }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={16} xl={12} xxl={8}>
            <Form.Item name="range" label={t('engine.messages.timeRange')} tooltip={t('engine.messages.timeRangeHint')}>
              <DatePicker.RangePicker
                showTime
                allowEmpty={[true, true]}
                allowClear
                placeholder={[t('engine.messages.defaultWindow'), t('engine.messages.now')]}
                style={{ width: '100%' }}
                presets={[
                  { label: t('engine.messages.lastHour'), value: [dayjs().subtract(1, 'hour'), dayjs()] },
                  { label: t('engine.messages.last24h'), value: [dayjs().subtract(24, 'hour'), dayjs()] },
                  { label: t('engine.messages.last7d'), value: [dayjs().subtract(7, 'day'), dayjs()] },
                  { label: t('engine.messages.last30d'), value: [dayjs().subtract(30, 'day'), dayjs()] },
                ]}
              />
            </Form.Item>
          </Col>
        </Row>
        <Space wrap style={{ marginBottom: 16 }}>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="message-search">
            {t('common.search')}
          </Button>
          <Button onClick={reset}>{t('common.reset')}</Button>
          <Button icon={<StarOutlined />} onClick={() => setSaving(true)} data-testid="saved-query-save">
            {t('engine.messages.saveQuery')}
          </Button>
          <Dropdown
            trigger={['click']}
            menu={{
              items: savedItems.length
                ? savedItems.map((q) => ({
                    key: q.id,
                    label: (
                      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
                        <span>{q.name}</span>
                        <DeleteOutlined
                          aria-label={t('common.delete')}
                          onClick={(e) => {
                            e.stopPropagation();
                            void deleteSavedQuery(q.id)
                              .then(() => {
                                void message.success(t('engine.deleted'));
                                saved.reload();
                              })
                              .catch((err: unknown) => void message.error(errorMessage(err, t('errors.unexpected'))));
                          }}
                        />
                      </Space>
                    ),
                  }))
                : [{ key: '-', label: t('engine.messages.noSavedQueries'), disabled: true }],
              onClick: ({ key }) => {
                const q = savedItems.find((x) => x.id === key);
                if (q) applySaved(q);
              },
            }}
          >
            <Button data-testid="saved-queries">
              {t('engine.messages.savedQueries')} ({savedItems.length})
            </Button>
          </Dropdown>
          {canResend ? (
            <Button
              icon={<RedoOutlined />}
              danger
              loading={resending}
              disabled={!messages.data?.total}
              onClick={confirmBulkResend}
              data-testid="bulk-resend"
            >
              {t('engine.messages.bulkResend')}
            </Button>
          ) : null}
        </Space>
      </Form>
      {messages.data && domainId ? (
        <Typography.Paragraph type="secondary" data-testid="message-window">
          {messages.data.from || messages.data.to
            ? t('engine.messages.window', {
                from: messages.data.from ? formatTime(messages.data.from) : '—',
                to: messages.data.to ? formatTime(messages.data.to) : t('engine.messages.now'),
              })
            : t('engine.messages.noWindow')}
        </Typography.Paragraph>
      ) : null}
      <ErrorAlert error={messages.error} />
      <Table<MessageSummary>
        rowKey="id"
        size="middle"
        data-testid="messages-table"
        loading={messages.loading}
        columns={columns}
        dataSource={messages.data?.items ?? []}
        locale={{ emptyText: <Empty description={t('engine.messages.empty')} /> }}
        pagination={{
          current: page,
          pageSize,
          total: messages.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) =>
            messages.data?.totalCapped ? t('engine.messages.totalCapped', { total }) : t('common.total', { total }),
          onChange: (p, s) => {
            params.set('page', String(s === pageSize ? p : 1));
            params.set('pageSize', String(s));
            setParams(params);
          },
        }}
      />
      {saving ? (
        <SaveQueryModal
          filter={Object.fromEntries(FILTER_KEYS.flatMap((k: FilterKey) => (filter[k] ? [[k, filter[k]]] : [])))}
          onClose={() => setSaving(false)}
          onSaved={() => {
            setSaving(false);
            saved.reload();
          }}
        />
      ) : null}
    </DomainCard>
  );
}

function SaveQueryModal({
  filter,
  onClose,
  onSaved,
}: {
  filter: MessageFilter;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string }>();
  const [busy, setBusy] = useState(false);
  const empty = Object.keys(filter).length === 0;
  return (
    <Modal
      open
      title={t('engine.messages.saveQuery')}
      okText={t('common.save')}
      onOk={() => form.submit()}
      confirmLoading={busy}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('engine.messages.saveQueryHint')}</Typography.Paragraph>
      {empty ? (
        <Alert type="warning" showIcon title={t('engine.messages.saveQueryEmpty')} style={{ marginBottom: 16 }} />
      ) : null}
      <Form
        form={form}
        layout="vertical"
        onFinish={async (v) => {
          setBusy(true);
          try {
            await saveQuery({ name: v.name.trim(), query: filter });
            void message.success(t('common.saved'));
            onSaved();
          } catch (err) {
            void message.error(errorMessage(err, t('errors.unexpected')));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form.Item
          name="name"
          label={t('engine.messages.queryName')}
          rules={[{ required: true, whitespace: true, message: t('engine.nameRequired') }]}
        >
          <Input maxLength={100} />
        </Form.Item>
      </Form>
      <pre style={{ fontSize: 12, margin: 0 }}>{JSON.stringify(filter, null, 2)}</pre>
    </Modal>
  );
}
