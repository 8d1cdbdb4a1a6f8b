/**
 * 接入端点: the inbound endpoints of a domain — MLLP listeners (HL7 v2 over TCP or TLS) and HIPMessageServer
 * WebService endpoints — with their live state (listening / stopped / failed and why), open connections and message
 * counts, refreshed every 5 s. Create and edit in a drawer whose settings form is generated from the protocol's JSON
 * Schema (the adapter catalogue's inbound `mllp` / `soap` entries, as the subscriptions page does for adapters);
 * enable and disable, delete, revisions, and a link to the messages an endpoint brought in.
 */
import { DownOutlined, InfoCircleOutlined } from '@ant-design/icons';
import {
  Alert,
  Badge,
  Button,
  Col,
  Drawer,
  Dropdown,
  Flex,
  Form,
  Input,
  Radio,
  Row,
  Segmented,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useEffect, useMemo, useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { useAuth } from '../shell/auth';
import { CreateButton, DeleteAction, FormError, RefreshButton, useAct, useFormSave } from '../shell/crud';
import { formatTime } from '../shell/format';
import { PERMISSIONS } from '../shell/navigation';
import { useRequest } from '../shell/useRequest';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpointStatus,
  listAdapters,
  listAllTopics,
  listEndpoints,
  updateEndpoint,
  type Adapter,
  type Endpoint,
  type EndpointProtocol,
  type EndpointStatus,
  type JsonSchema,
  type Topic,
} from './api';
import { codeRule, EnableAction, ErrorAlert } from './common';
import { DomainCard, useEngineDomain } from './domain';
import { useRevisions } from './RevisionsDrawer';
import { EditorSwitch, formable, JsonField, kindOf, SchemaFields, toForm, useSchemaEditor } from './SchemaForm';

/** The page refreshes the list and every endpoint's status this often. */
const REFRESH_MS = 5000;
const PROTOCOLS: readonly EndpointProtocol[] = ['mllp', 'soap'];

interface EndpointRow extends Endpoint {
  /** null while it could not be read (the endpoint was just deleted, or the status call failed). */
  status: EndpointStatus | null;
}

async function loadEndpoints(domainId: string, protocol: EndpointProtocol | undefined): Promise<EndpointRow[]> {
  const page = await listEndpoints({ domainId, ...(protocol ? { protocol } : {}), page: 1, pageSize: 200 });
  const statuses = await Promise.all(page.items.map((e) => getEndpointStatus(e.id).catch(() => null)));
  return page.items.map((e, i) => ({ ...e, status: statuses[i] ?? null }));
}

// ---- settings schemas as SchemaForm shows them ----------------------------------------------------------------------

/** The schema without its `null` alternative, when it is "X or null". */
function nonNull(p: JsonSchema): JsonSchema | undefined {
  const alts = p.anyOf ?? p.oneOf;
  if (!alts || alts.length !== 2) return undefined;
  const rest = alts.filter((a) => a.type !== 'null');
  return rest.length === 1 ? rest[0] : undefined;
}

function isNullable(p: JsonSchema): boolean {
  return !!nonNull(p) || (Array.isArray(p.type) && p.type.includes('null'));
}

const SCALARS = ['string', 'integer', 'number', 'boolean'];

/**
 * Settings as form fields: "text or null" becomes a text field (left empty = null), a constant a one-value choice;
 * "object or null" (TLS) stays JSON, so leaving it empty keeps plain TCP instead of forcing its required fields;
 * only settings without a default are required.
 */
function settingsFormSchema(schema: JsonSchema): JsonSchema {
  const properties = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([key, p]): [string, JsonSchema] => {
      const inner = nonNull(p);
      const innerType = inner ? (Array.isArray(inner.type) ? inner.type[0] : inner.type) : undefined;
      if (inner && innerType && SCALARS.includes(innerType)) {
        return [key, { ...inner, description: p.description ?? inner.description, default: inner.default }];
      }
      if (p.const !== undefined && !p.enum) return [key, { ...p, enum: [p.const] }];
      return [key, p];
    }),
  );
  // TypeBox lists every property as required, also those the server fills in with their default: only a setting
  // without a default (the MLLP port) must be filled in.
  const required = (schema.required ?? []).filter((key) => {
    const p = schema.properties?.[key];
    return p !== undefined && p.default === undefined && !isNullable(p);
  });
  return { ...schema, properties, required };
}

/** Every setting's default, for a new endpoint's form. */
function settingsDefaults(schema: JsonSchema): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schema.properties ?? {})
      .filter(([, p]) => p.default !== undefined && p.default !== null)
      .map(([k, p]) => [k, p.default]),
  );
}

/**
 * The form's settings as the API takes them. A PATCH keeps the keys it is not given, so a field the user emptied is
 * sent as what "empty" means for it: null when the setting may be null, an empty list or map.
 */
function completeSettings(schema: JsonSchema, value: Record<string, unknown>): Record<string, unknown> {
  const out = { ...value };
  for (const [key, p] of Object.entries(schema.properties ?? {})) {
    if (out[key] !== undefined) continue;
    if (isNullable(p)) out[key] = null;
    else if (kindOf(p) === 'tags') out[key] = [];
    else if (kindOf(p) === 'map') out[key] = {};
  }
  return out;
}

/** The topic codes an endpoint routes to (MLLP: by MSH-9 and the default; SOAP: its aliases). */
function topicCodes(e: Endpoint): string[] {
  const s = e.settings as Record<string, unknown>;
  const codes: unknown[] =
    e.protocol === 'mllp'
      ? [...Object.values((s.topicByEvent ?? {}) as Record<string, unknown>), s.defaultTopic]
      : Object.values((s.aliases ?? {}) as Record<string, unknown>);
  return [...new Set(codes.filter((c): c is string => typeof c === 'string' && c !== ''))];
}

/** Where the endpoint is reached: the runtime's address, else what its settings ask for. */
function addressOf(e: EndpointRow): string {
  if (e.status?.address) return e.status.address;
  const s = e.settings as Record<string, unknown>;
  if (e.protocol === 'mllp') return `${String(s.host ?? '0.0.0.0')}:${String(s.port ?? '')}`;
  return String(s.path ?? '');
}

// ---- page ----------------------------------------------------------------------------------------------------------

export default function EndpointsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canManage = can(PERMISSIONS.engineConfigManage);
  const canReadMessages = can(PERMISSIONS.engineMessageRead);
  const engine = useEngineDomain();
  const domainId = engine.domainId;
  const [protocol, setProtocol] = useState<EndpointProtocol | undefined>(undefined);
  const endpoints = useRequest(
    () => (domainId ? loadEndpoints(domainId, protocol) : Promise.resolve([])),
    [domainId, protocol],
  );
  const adapters = useRequest(listAdapters, []);
  const topics = useRequest(() => (domainId ? listAllTopics(domainId) : Promise.resolve([])), [domainId]);
  const topicByCode = useMemo(() => new Map((topics.data ?? []).map((x) => [x.code, x])), [topics.data]);
  const inbound = useMemo(() => (adapters.data ?? []).filter((a) => a.direction === 'inbound'), [adapters.data]);
  const act = useAct(endpoints.reload);
  const [openRevisions, revisionsDrawer] = useRevisions('endpoint', endpoints.reload);
  const [editing, setEditing] = useState<Endpoint | 'new' | null>(null);

  // Live status: refresh while the page is shown and the tab is visible.
  const { reload } = endpoints;
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const columns: TableColumnsType<EndpointRow> = [
    {
      title: t('engine.endpoints.protocol'),
      dataIndex: 'protocol',
      width: 120,
      render: (v: EndpointProtocol) => (
        <Tag color={v === 'mllp' ? 'geekblue' : 'purple'} data-testid="endpoint-protocol">
          {t(`engine.endpoints.protocols.${v}`)}
        </Tag>
      ),
    },
    {
      title: t('engine.endpoints.endpoint'),
      key: 'name',
      render: (_: unknown, e) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{e.name}</Typography.Text>
          <Typography.Text type="secondary" code>
            {e.code}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('engine.endpoints.address'),
      key: 'address',
      render: (_: unknown, e) => (
        <Typography.Text code copyable={{ text: addressOf(e) }} data-testid="endpoint-address">
          {addressOf(e)}
        </Typography.Text>
      ),
    },
    {
      title: t('engine.endpoints.enabled'),
      dataIndex: 'enabled',
      width: 80,
      render: (v: boolean, e) =>
        canManage ? (
          <EnableAction name={e.name} enabled={v} act={act} update={(enabled) => updateEndpoint(e.id, { enabled })}>
            <Switch size="small" checked={v} data-testid="endpoint-enabled" />
          </EnableAction>
        ) : (
          <Switch size="small" checked={v} disabled />
        ),
    },
    {
      title: t('engine.status'),
      key: 'state',
      render: (_: unknown, e) => <EndpointState endpoint={e} />,
    },
    {
      title: t('engine.endpoints.connections'),
      key: 'connections',
      width: 80,
      align: 'right',
      render: (_: unknown, e) =>
        e.protocol === 'mllp' ? <span data-testid="endpoint-connections">{e.status?.connections ?? '—'}</span> : '—',
    },
    {
      title: t('engine.endpoints.counts'),
      key: 'counts',
      render: (_: unknown, e) => <Counts status={e.status} />,
    },
    {
      title: t('engine.endpoints.lastMessage'),
      key: 'last',
      responsive: ['lg'],
      render: (_: unknown, e) => formatTime(e.status?.lastMessageAt),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, e) => (
        <Space size={0} wrap>
          {canManage ? (
            <Button type="link" size="small" onClick={() => setEditing(e)} data-testid="endpoint-edit">
              {t('common.edit')}
            </Button>
          ) : null}
          {canReadMessages ? <MessagesLink endpoint={e} topicByCode={topicByCode} /> : null}
          <Button type="link" size="small" onClick={() => openRevisions(e)}>
            {t('engine.revisions.open')}
          </Button>
          {canManage ? (
            <DeleteAction
              title={t('engine.endpoints.deleteConfirm', { name: e.name })}
              onConfirm={() => act(() => deleteEndpoint(e.id), t('engine.deleted'))}
              testId="endpoint-delete"
            />
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <DomainCard
      title={t('nav.engine.endpoints')}
      engine={engine}
      extra={
        canManage && domainId ? (
          <CreateButton onClick={() => setEditing('new')} testId="endpoint-create">
            {t('engine.endpoints.create')}
          </CreateButton>
        ) : null
      }
    >
      <Flex gap={12} wrap align="center" style={{ marginBottom: 16 }}>
        <Segmented<string>
          value={protocol ?? 'all'}
          onChange={(v) => setProtocol(v === 'all' ? undefined : (v as EndpointProtocol))}
          options={[
            { value: 'all', label: t('common.all') },
            ...PROTOCOLS.map((p) => ({ value: p, label: t(`engine.endpoints.protocols.${p}`) })),
          ]}
        />
        <RefreshButton onClick={endpoints.reload} />
        <Typography.Text type="secondary">
          {t('engine.endpoints.autoRefresh', { seconds: REFRESH_MS / 1000 })}
        </Typography.Text>
      </Flex>
      <ErrorAlert error={endpoints.error} />
      <Table<EndpointRow>
        rowKey="id"
        size="middle"
        data-testid="endpoints-table"
        loading={endpoints.loading && !endpoints.data}
        columns={columns}
        dataSource={endpoints.data ?? []}
        pagination={false}
        onRow={(e) => ({ 'data-testid': `endpoint-row-${e.code}` }) as HTMLAttributes<HTMLElement>}
        locale={{ emptyText: t('engine.endpoints.empty') }}
      />
      {editing && domainId ? (
        <EndpointDrawer
          endpoint={editing === 'new' ? null : editing}
          domainId={domainId}
          adapters={inbound}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            endpoints.reload();
          }}
        />
      ) : null}
      {revisionsDrawer}
    </DomainCard>
  );
}

function EndpointState({ endpoint: e }: { endpoint: EndpointRow }) {
  const { t } = useTranslation();
  const s = e.status;
  if (!s) return <Badge status="default" text="—" />;
  const badge =
    s.state === 'listening' ? (
      <Badge
        status="success"
        text={e.protocol === 'soap' ? t('engine.endpoints.state.serving') : t('engine.endpoints.state.listening')}
      />
    ) : s.state === 'failed' ? (
      <Badge status="error" text={t('engine.endpoints.state.failed')} />
    ) : (
      <Badge status="default" text={t('engine.endpoints.state.stopped')} />
    );
  return (
    <Space orientation="vertical" size={0} data-testid="endpoint-status" data-state={s.state}>
      {badge}
      {s.state === 'failed' && s.error ? (
        <Typography.Text type="danger" style={{ fontSize: 12, maxWidth: 260 }} ellipsis={{ tooltip: s.error }}>
          {s.error}
        </Typography.Text>
      ) : null}
      {s.since ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('engine.endpoints.since', { at: formatTime(s.since) })}
        </Typography.Text>
      ) : null}
    </Space>
  );
}

function Counts({ status: s }: { status: EndpointStatus | null }) {
  const { t } = useTranslation();
  if (!s) return <>—</>;
  return (
    <Space size={12} wrap>
      <Tooltip title={t('engine.endpoints.received')}>
        <span data-testid="endpoint-received">{s.received}</span>
      </Tooltip>
      <Tooltip title={t('engine.endpoints.accepted')}>
        <Typography.Text type="success" data-testid="endpoint-accepted">
          {s.accepted}
        </Typography.Text>
      </Tooltip>
      <Tooltip
        title={
          s.lastError
            ? `${t('engine.endpoints.rejected')} · ${t('engine.endpoints.lastError')}：${s.lastError}（${formatTime(s.lastErrorAt)}）`
            : t('engine.endpoints.rejected')
        }
      >
        <Typography.Text type={s.rejected > 0 ? 'danger' : 'secondary'} data-testid="endpoint-rejected">
          {s.rejected}
          {s.lastError ? <InfoCircleOutlined style={{ marginInlineStart: 4 }} /> : null}
        </Typography.Text>
      </Tooltip>
    </Space>
  );
}

/** The messages an endpoint brought in: message search in its domain, by one of the topics it routes to. */
function MessagesLink({ endpoint: e, topicByCode }: { endpoint: Endpoint; topicByCode: Map<string, Topic> }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const domainLink = `/engine/messages?domainId=${encodeURIComponent(e.domainId)}`;
  const topics = topicCodes(e)
    .map((code) => topicByCode.get(code))
    .filter((x): x is Topic => !!x);
  const topicLink = (x: Topic) => `${domainLink}&topicId=${encodeURIComponent(x.id)}`;
  if (topics.length === 1) {
    return (
      <Link to={topicLink(topics[0]!)} data-testid="endpoint-messages" style={{ padding: '0 7px' }}>
        {t('engine.messagesLink')}
      </Link>
    );
  }
  if (topics.length === 0) {
    return (
      <Link to={domainLink} data-testid="endpoint-messages" style={{ padding: '0 7px' }}>
        {t('engine.messagesLink')}
      </Link>
    );
  }
  return (
    <Dropdown
      menu={{
        items: [
          ...topics.map((x) => ({ key: x.id, label: `${x.name} (${x.code})` })),
          { type: 'divider' as const },
          { key: '*', label: t('engine.endpoints.allMessages') },
        ],
        onClick: ({ key }) => {
          const topic = topics.find((x) => x.id === key);
          void navigate(topic ? topicLink(topic) : domainLink);
        },
      }}
    >
      <Button type="link" size="small" data-testid="endpoint-messages">
        {t('engine.messagesLink')} <DownOutlined />
      </Button>
    </Dropdown>
  );
}

// ---- create / edit -------------------------------------------------------------------------------------------------

interface EndpointValues {
  protocol: EndpointProtocol;
  code: string;
  name: string;
  enabled: boolean;
  /** In the shape of SchemaForm (unused when editing as JSON). */
  settings: unknown;
  settingsJson: string;
}

const FIELD_CODES = { HT_ENGINE_CONFLICT: 'code' };

function EndpointDrawer({
  endpoint,
  domainId,
  adapters,
  onClose,
  onSaved,
}: {
  endpoint: Endpoint | null;
  domainId: string;
  adapters: Adapter[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<EndpointValues>();
  const initialProtocol: EndpointProtocol = endpoint?.protocol ?? 'mllp';
  const protocol = Form.useWatch('protocol', form) ?? initialProtocol;
  const descriptorOf = (p: EndpointProtocol) => adapters.find((a) => a.type === p);
  const rawSchemaOf = (p: EndpointProtocol) => descriptorOf(p)?.configSchema;
  const schemaOf = (p: EndpointProtocol) => {
    const raw = rawSchemaOf(p);
    return raw ? settingsFormSchema(raw) : undefined;
  };
  const descriptor = descriptorOf(protocol);
  const schema = schemaOf(protocol);
  const initialSchema = schemaOf(initialProtocol);
  // The settings as the API takes them: a PATCH needs what an emptied field means (see completeSettings).
  const raw = rawSchemaOf(protocol);
  const editor = useSchemaEditor(form, {
    field: 'settings',
    jsonField: 'settingsJson',
    schema,
    initialSchema,
    complete: (value) => (raw ? completeSettings(raw, value) : value),
  });

  const { busy, error, submit } = useFormSave(
    form,
    async (v: EndpointValues) => {
      const common = { code: v.code.trim(), name: v.name.trim(), enabled: v.enabled, settings: editor.current() };
      if (endpoint) await updateEndpoint(endpoint.id, common);
      else await createEndpoint({ domainId, protocol: v.protocol, ...common });
      onSaved();
    },
    FIELD_CODES,
  );

  const initialRaw = rawSchemaOf(initialProtocol);
  const initialSettings = endpoint?.settings ?? (initialRaw ? settingsDefaults(initialRaw) : {});
  const initial: EndpointValues = {
    protocol: initialProtocol,
    code: endpoint?.code ?? '',
    name: endpoint?.name ?? '',
    enabled: endpoint?.enabled ?? true,
    settings: initialSchema && formable(initialSchema) ? toForm(initialSchema, initialSettings) : undefined,
    settingsJson: JSON.stringify(initialSettings, null, 2),
  };

  return (
    <Drawer
      open
      size={760}
      title={endpoint ? t('engine.endpoints.editTitle', { name: endpoint.name }) : t('engine.endpoints.create')}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="endpoint-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <FormError error={error} testId="endpoint-error" />
      <Form<EndpointValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={initial}
        data-testid="endpoint-form"
        onValuesChange={(changed: Partial<EndpointValues>) => {
          if (changed.protocol) {
            const nextRaw = rawSchemaOf(changed.protocol);
            editor.reset(schemaOf(changed.protocol), nextRaw ? settingsDefaults(nextRaw) : {});
          }
        }}
      >
        <Form.Item name="protocol" label={t('engine.endpoints.protocol')}>
          <Radio.Group
            disabled={!!endpoint}
            optionType="button"
            data-testid="endpoint-protocol-choice"
            options={PROTOCOLS.map((p) => ({ value: p, label: t(`engine.endpoints.protocols.${p}`) }))}
          />
        </Form.Item>
        {descriptor ? (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title={i18n.language === 'en' ? descriptor.nameEn : descriptor.name}
            description={descriptor.description}
          />
        ) : null}
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="code"
              label={t('engine.endpoints.code')}
              rules={[{ required: true, message: t('engine.codeRequired') }, codeRule(t)]}
            >
              <Input data-testid="endpoint-code" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="name"
              label={t('engine.endpoints.name')}
              rules={[{ required: true, whitespace: true, message: t('engine.nameRequired') }]}
            >
              <Input data-testid="endpoint-name" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="enabled" label={t('engine.status')} valuePropName="checked">
              <Switch checkedChildren={t('engine.enabled')} unCheckedChildren={t('engine.disabled')} />
            </Form.Item>
          </Col>
          <Col span={12}>
            {formable(schema) ? (
              <Form.Item label={t('engine.endpoints.settings')}>
                <EditorSwitch json={editor.jsonMode} onChange={editor.switchTo} />
              </Form.Item>
            ) : null}
          </Col>
        </Row>
        {editor.jsonMode ? (
          <JsonField
            name="settingsJson"
            label={t('engine.endpoints.settings')}
            rows={14}
            testId="endpoint-settings-json"
          />
        ) : schema ? (
          <SchemaFields schema={schema} name={['settings']} />
        ) : null}
      </Form>
    </Drawer>
  );
}
