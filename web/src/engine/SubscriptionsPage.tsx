/** 订阅关系: which system receives which topic, through which adapter, with its own filter, transform and retries. */
import { ApiOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Col,
  Divider,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { errorMessage } from '../api/errors';
import { useAuth } from '../shell/auth';
import { CreateButton, DeleteAction, FormModal, RefreshButton, useAct, usePagedList } from '../shell/crud';
import { PERMISSIONS } from '../shell/navigation';
import { useRequest } from '../shell/useRequest';
import {
  createSubscription,
  deleteSubscription,
  listAdapters,
  listAllSystems,
  listAllTopics,
  listSubscriptions,
  listTransforms,
  pauseSubscription,
  testAdapter,
  updateSubscription,
  type Adapter,
  type AdapterTestResult,
  type Ordering,
  type Subscription,
  type System,
  type Topic,
  type Transform,
} from './api';
import { EnableAction, EnabledTag, ErrorAlert, formatMs, num, emptyPage } from './common';
import { DomainCard, useEngineDomain } from './domain';
import { useRevisions } from './RevisionsDrawer';
import { EditorSwitch, formable, JsonField, SchemaFields, toForm, useSchemaEditor } from './SchemaForm';

export default function SubscriptionsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canManage = can(PERMISSIONS.engineConfigManage);
  const engine = useEngineDomain();
  const domainId = engine.domainId;
  const [params, setParams] = useSearchParams();
  const topicId = params.get('topicId') ?? undefined;
  const systemId = params.get('systemId') ?? undefined;
  const subs = usePagedList(
    ({ page, pageSize }) =>
      domainId
        ? listSubscriptions({ domainId, topicId, systemId, page, pageSize })
        : Promise.resolve(emptyPage<Subscription>()),
    [domainId, topicId, systemId],
  );
  const topics = useRequest(() => (domainId ? listAllTopics(domainId) : Promise.resolve([])), [domainId]);
  const systems = useRequest(() => (domainId ? listAllSystems(domainId) : Promise.resolve([])), [domainId]);
  const adapters = useRequest(listAdapters, []);
  const transforms = useRequest(
    () => (domainId ? listTransforms(domainId).catch((): Transform[] => []) : Promise.resolve([])),
    [domainId],
  );
  const topicById = useMemo(() => new Map((topics.data ?? []).map((x) => [x.id, x])), [topics.data]);
  const systemById = useMemo(() => new Map((systems.data ?? []).map((x) => [x.id, x])), [systems.data]);
  const act = useAct(subs.reload);
  const [openRevisions, revisionsDrawer] = useRevisions('subscription', subs.reload);
  const [editing, setEditing] = useState<Subscription | 'new' | null>(null);

  const setFilter = (key: 'topicId' | 'systemId', value: string | undefined) => {
    if (value) params.set(key, value);
    else params.delete(key);
    setParams(params, { replace: true });
    subs.firstPage();
  };

  const columns: TableColumnsType<Subscription> = [
    {
      title: t('engine.subscriptions.name'),
      dataIndex: 'name',
      render: (v: string) => <Typography.Text strong>{v}</Typography.Text>,
    },
    {
      title: t('engine.subscriptions.topic'),
      dataIndex: 'topicId',
      render: (id: string) => topicById.get(id)?.code ?? id,
    },
    {
      title: t('engine.subscriptions.system'),
      dataIndex: 'systemId',
      render: (id: string) => systemById.get(id)?.code ?? id,
    },
    { title: t('engine.subscriptions.adapter'), dataIndex: 'adapter', render: (v: string) => <Tag>{v}</Tag> },
    {
      title: t('engine.subscriptions.ordering'),
      key: 'ordering',
      responsive: ['lg'],
      render: (_: unknown, s) =>
        s.ordering === 'fifo' ? t('engine.subscriptions.fifo') : `${t('engine.subscriptions.parallel')} × ${s.workers}`,
    },
    {
      title: t('engine.subscriptions.retry'),
      key: 'retry',
      responsive: ['xl'],
      render: (_: unknown, s) =>
        t('engine.subscriptions.retrySummary', {
          attempts: s.maxAttempts,
          initial: formatMs(s.backoffInitialMs),
          max: formatMs(s.backoffMaxMs),
        }),
    },
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
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, s) => (
        <Space size={0} wrap>
          {canManage ? (
            <>
              <Button type="link" size="small" onClick={() => setEditing(s)}>
                {t('common.edit')}
              </Button>
              <Button
                type="link"
                size="small"
                onClick={() =>
                  act(
                    () => pauseSubscription(s.id, !s.paused),
                    s.paused ? t('engine.subscriptions.resumed') : t('engine.subscriptions.pausedDone'),
                  )
                }
              >
                {s.paused ? t('engine.subscriptions.resume') : t('engine.subscriptions.pause')}
              </Button>
              <EnableAction
                name={s.name}
                enabled={s.enabled}
                act={act}
                update={(enabled) => updateSubscription(s.id, { enabled })}
              />
            </>
          ) : null}
          <Button type="link" size="small" onClick={() => openRevisions(s)}>
            {t('engine.revisions.open')}
          </Button>
          {canManage ? (
            <DeleteAction
              title={t('engine.subscriptions.deleteConfirm', { name: s.name })}
              onConfirm={() => act(() => deleteSubscription(s.id), t('engine.deleted'))}
            />
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <DomainCard
      title={t('nav.engine.subscriptions')}
      engine={engine}
      extra={
        canManage && domainId ? (
          <CreateButton onClick={() => setEditing('new')} testId="subscription-create">
            {t('engine.subscriptions.create')}
          </CreateButton>
        ) : null
      }
    >
      <Flex gap={12} wrap style={{ marginBottom: 16 }}>
        <Select<string>
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('engine.subscriptions.topic')}
          style={{ width: 240 }}
          value={topicId}
          onChange={(v) => setFilter('topicId', v)}
          options={(topics.data ?? []).map((x) => ({ value: x.id, label: `${x.name} (${x.code})` }))}
        />
        <Select<string>
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('engine.subscriptions.system')}
          style={{ width: 240 }}
          value={systemId}
          onChange={(v) => setFilter('systemId', v)}
          options={(systems.data ?? []).map((x) => ({ value: x.id, label: `${x.name} (${x.code})` }))}
        />
        <RefreshButton onClick={subs.reload} />
      </Flex>
      <ErrorAlert error={subs.error} />
      <Table<Subscription>
        rowKey="id"
        size="middle"
        data-testid="subscriptions-table"
        columns={columns}
        {...subs.tableProps}
      />
      {editing ? (
        <SubscriptionModal
          subscription={editing === 'new' ? null : editing}
          topics={topics.data ?? []}
          systems={systems.data ?? []}
          adapters={(adapters.data ?? []).filter((a) => a.direction === 'outbound')}
          transforms={transforms.data ?? []}
          initialTopicId={topicId}
          initialSystemId={systemId}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            subs.reload();
          }}
        />
      ) : null}
      {revisionsDrawer}
    </DomainCard>
  );
}

type TransformMode = 'none' | 'expression' | 'named';

interface SubscriptionValues {
  topicId: string;
  systemId: string;
  name: string;
  adapter: string;
  /** In the shape of SchemaForm (or unused when editing as JSON). */
  adapterConfig: unknown;
  adapterJson: string;
  filter?: string;
  transformMode: TransformMode;
  transform?: string;
  transformRef?: string;
  maxAttempts?: number | null;
  backoffInitialMs?: number | null;
  backoffMaxMs?: number | null;
  ordering: Ordering;
  workers?: number | null;
  enabled: boolean;
}

const FIELD_CODES = {
  HT_ENGINE_CONFLICT: 'name',
  HT_ENGINE_ADAPTER_CONFIG_INVALID: 'adapter',
  HT_ENGINE_ADAPTER_UNKNOWN: 'adapter',
};

function SubscriptionModal({
  subscription,
  topics,
  systems,
  adapters,
  transforms,
  initialTopicId,
  initialSystemId,
  onClose,
  onSaved,
}: {
  subscription: Subscription | null;
  topics: Topic[];
  systems: System[];
  adapters: Adapter[];
  transforms: Transform[];
  initialTopicId?: string;
  initialSystemId?: string;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<SubscriptionValues>();
  const initialAdapter = subscription?.adapter ?? adapters.find((a) => a.type === 'http')?.type ?? adapters[0]?.type;
  const initialSchema = adapters.find((a) => a.type === initialAdapter)?.configSchema;
  const adapterType = Form.useWatch('adapter', form) ?? initialAdapter;
  const transformMode = Form.useWatch('transformMode', form);
  const ordering = Form.useWatch('ordering', form);
  const adapter = adapters.find((a) => a.type === adapterType);
  const schema = adapter?.configSchema;
  // Complex or unknown schemas are edited as JSON; the user may switch to JSON for any adapter.
  const editor = useSchemaEditor(form, { field: 'adapterConfig', jsonField: 'adapterJson', schema, initialSchema });
  const [testing, setTesting] = useState(false);
  const [testResult, setTestResult] = useState<AdapterTestResult | { ok: false; message: string } | null>(null);

  async function runTest() {
    setTestResult(null);
    let adapterConfig: Record<string, unknown>;
    try {
      adapterConfig = editor.current();
    } catch {
      setTestResult({ ok: false, message: t('engine.schema.invalidJson') });
      return;
    }
    if (!adapterType) return;
    setTesting(true);
    try {
      setTestResult(await testAdapter(adapterType, adapterConfig));
    } catch (err) {
      setTestResult({ ok: false, message: errorMessage(err, t('errors.unexpected')) });
    } finally {
      setTesting(false);
    }
  }

  async function save(v: SubscriptionValues) {
    const common = {
      name: v.name.trim(),
      adapter: v.adapter,
      adapterConfig: editor.current(),
      filter: v.filter?.trim() || null,
      transform: v.transformMode === 'expression' ? v.transform?.trim() || null : null,
      transformRef: v.transformMode === 'named' ? v.transformRef || null : null,
      maxAttempts: num(v.maxAttempts),
      backoffInitialMs: num(v.backoffInitialMs),
      backoffMaxMs: num(v.backoffMaxMs),
      ordering: v.ordering,
      workers: v.ordering === 'fifo' ? 1 : num(v.workers),
      enabled: v.enabled,
    };
    if (subscription) await updateSubscription(subscription.id, common);
    else await createSubscription({ topicId: v.topicId, systemId: v.systemId, ...common });
    onSaved();
  }

  const initial: Partial<SubscriptionValues> = subscription
    ? {
        topicId: subscription.topicId,
        systemId: subscription.systemId,
        name: subscription.name,
        adapter: subscription.adapter,
        adapterConfig: formable(initialSchema) ? toForm(initialSchema, subscription.adapterConfig) : undefined,
        adapterJson: JSON.stringify(subscription.adapterConfig ?? {}, null, 2),
        filter: subscription.filter ?? '',
        transformMode: subscription.transformRef ? 'named' : subscription.transform ? 'expression' : 'none',
        transform: subscription.transform ?? '',
        transformRef: subscription.transformRef ?? undefined,
        maxAttempts: subscription.maxAttempts,
        backoffInitialMs: subscription.backoffInitialMs,
        backoffMaxMs: subscription.backoffMaxMs,
        ordering: subscription.ordering,
        workers: subscription.workers,
        enabled: subscription.enabled,
      }
    : {
        topicId: initialTopicId,
        systemId: initialSystemId,
        adapter: initialAdapter,
        adapterConfig: formable(initialSchema) ? toForm(initialSchema, {}) : undefined,
        adapterJson: '{}',
        transformMode: 'none',
        ordering: 'parallel',
        enabled: true,
      };

  return (
    <FormModal<SubscriptionValues>
      form={form}
      width={860}
      title={
        subscription
          ? t('engine.subscriptions.editTitle', { name: subscription.name })
          : t('engine.subscriptions.create')
      }
      onSave={save}
      fieldCodes={FIELD_CODES}
      onClose={onClose}
      saveTestId="subscription-save"
      formTestId="subscription-form"
      errorTestId="subscription-error"
      initialValues={initial}
      onValuesChange={(changed: Partial<SubscriptionValues>) => {
        if ('adapter' in changed) {
          editor.reset(adapters.find((a) => a.type === changed.adapter)?.configSchema, {});
          setTestResult(null);
        }
      }}
    >
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item
            name="topicId"
            label={t('engine.subscriptions.topic')}
            rules={[{ required: true, message: t('engine.subscriptions.topicRequired') }]}
          >
            <Select
              disabled={!!subscription}
              showSearch={{ optionFilterProp: 'label' }}
              data-testid="subscription-topic"
              options={topics.map((x) => ({ value: x.id, label: `${x.name} (${x.code})` }))}
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name="systemId"
            label={t('engine.subscriptions.system')}
            rules={[{ required: true, message: t('engine.subscriptions.systemRequired') }]}
          >
            <Select
              disabled={!!subscription}
              showSearch={{ optionFilterProp: 'label' }}
              data-testid="subscription-system"
              options={systems.map((x) => ({ value: x.id, label: `${x.name} (${x.code})` }))}
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name="name"
            label={t('engine.subscriptions.name')}
            rules={[{ required: true, whitespace: true, message: t('engine.nameRequired') }]}
          >
            <Input data-testid="subscription-name" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="enabled" label={t('engine.status')} valuePropName="checked">
            <Switch checkedChildren={t('engine.enabled')} unCheckedChildren={t('engine.disabled')} />
          </Form.Item>
        </Col>
      </Row>

      <Divider titlePlacement="start" plain>
        {t('engine.subscriptions.adapterSection')}
      </Divider>
      <Flex gap={16} align="flex-start">
        <Form.Item
          name="adapter"
          label={t('engine.subscriptions.adapter')}
          rules={[{ required: true }]}
          style={{ flex: 1 }}
          extra={adapter?.description}
        >
          <Select
            data-testid="subscription-adapter"
            options={adapters.map((a) => ({
              value: a.type,
              label: `${i18n.language === 'en' ? a.nameEn : a.name} (${a.type})`,
            }))}
          />
        </Form.Item>
        <Form.Item label=" ">
          <Space>
            {formable(schema) ? <EditorSwitch size="middle" json={editor.jsonMode} onChange={editor.switchTo} /> : null}
            <Button
              icon={<ApiOutlined />}
              loading={testing}
              onClick={() => void runTest()}
              disabled={!adapterType}
              data-testid="subscription-test"
            >
              {t('engine.subscriptions.test')}
            </Button>
          </Space>
        </Form.Item>
      </Flex>
      {testResult ? (
        <Alert
          type={testResult.ok ? 'success' : 'error'}
          showIcon
          closable
          onClose={() => setTestResult(null)}
          title={testResult.ok ? t('engine.subscriptions.testOk') : t('engine.subscriptions.testFailed')}
          description={testResult.message}
          style={{ marginBottom: 16 }}
          data-testid="subscription-test-result"
        />
      ) : null}
      {editor.jsonMode ? (
        <JsonField
          name="adapterJson"
          label={t('engine.subscriptions.adapterConfig')}
          rows={8}
          testId="subscription-adapter-json"
        />
      ) : schema ? (
        <SchemaFields schema={schema} name={['adapterConfig']} />
      ) : null}

      <Divider titlePlacement="start" plain>
        {t('engine.subscriptions.rulesSection')}
      </Divider>
      <Form.Item name="filter" label={t('engine.subscriptions.filter')} extra={t('engine.subscriptions.filterHint')}>
        <Input.TextArea
          rows={2}
          style={{ fontFamily: 'monospace' }}
          placeholder="patient.type = 'inpatient'"
          data-testid="subscription-filter"
        />
      </Form.Item>
      <Form.Item name="transformMode" label={t('engine.subscriptions.transform')}>
        <Radio.Group
          options={[
            { value: 'none', label: t('engine.subscriptions.transformNone') },
            { value: 'expression', label: t('engine.subscriptions.transformExpression') },
            { value: 'named', label: t('engine.subscriptions.transformNamed') },
          ]}
        />
      </Form.Item>
      {transformMode === 'expression' ? (
        <Form.Item name="transform" extra={t('engine.subscriptions.transformHint')}>
          <Input.TextArea rows={5} style={{ fontFamily: 'monospace' }} placeholder={'{ "id": patientId }'} />
        </Form.Item>
      ) : null}
      {transformMode === 'named' ? (
        <Form.Item
          name="transformRef"
          rules={[{ required: true, message: t('engine.subscriptions.transformRefRequired') }]}
        >
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            notFoundContent={t('engine.subscriptions.noTransforms')}
            options={transforms.map((x) => ({ value: x.code, label: `${x.name} (${x.code})` }))}
          />
        </Form.Item>
      ) : null}

      <Divider titlePlacement="start" plain>
        {t('engine.subscriptions.deliverySection')}
      </Divider>
      <Row gutter={16}>
        <Col span={8}>
          <Form.Item name="maxAttempts" label={t('engine.subscriptions.maxAttempts')}>
            <InputNumber
              min={1}
              max={1000}
              precision={0}
              style={{ width: '100%' }}
              placeholder={t('engine.serverDefault')}
            />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="backoffInitialMs" label={t('engine.subscriptions.backoffInitial')}>
            <InputNumber
              min={10}
              precision={0}
              style={{ width: '100%' }}
              suffix="ms"
              placeholder={t('engine.serverDefault')}
            />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="backoffMaxMs" label={t('engine.subscriptions.backoffMax')}>
            <InputNumber
              min={10}
              precision={0}
              style={{ width: '100%' }}
              suffix="ms"
              placeholder={t('engine.serverDefault')}
            />
          </Form.Item>
        </Col>
        <Col span={16}>
          <Form.Item
            name="ordering"
            label={t('engine.subscriptions.ordering')}
            extra={ordering === 'fifo' ? t('engine.subscriptions.fifoHint') : t('engine.subscriptions.parallelHint')}
          >
            <Radio.Group
              optionType="button"
              options={[
                { value: 'parallel', label: t('engine.subscriptions.parallel') },
                { value: 'fifo', label: t('engine.subscriptions.fifo') },
              ]}
            />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="workers" label={t('engine.subscriptions.workers')}>
            <InputNumber
              min={1}
              max={64}
              precision={0}
              disabled={ordering === 'fifo'}
              style={{ width: '100%' }}
              placeholder={t('engine.serverDefault')}
            />
          </Form.Item>
        </Col>
      </Row>
    </FormModal>
  );
}
