/**
 * One record of 临床数据中心: its keys and index values, its state, its data with the field names of the catalogue
 * (the entity's 新增/注册 service first, then its other services), and its history newest first — each version with the
 * service that made it, the operation, the state it left, when, and a link to the message in 消息检索.
 */
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Card, Collapse, Descriptions, Empty, Result, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, errorMessage } from '../api/errors';
import { CodeBlock } from '../engine/common';
import { useAuth } from '../shell/auth';
import { formatTime } from '../shell/format';
import { PERMISSIONS } from '../shell/navigation';
import { useRequest } from '../shell/useRequest';
import { getService, listServices, type ServiceDefinition } from './api';
import { StateTag, useEntityName, useServiceNames } from './CdrBrowserPage';
import { getCdrRecord, listCdrEntities, type CdrEntity, type CdrHistoryEntry, type CdrRecord } from './cdrApi';
import { flattenFields } from './FieldTable';
import { messagePath } from './TryItCard';

interface FieldInfo {
  label: string;
  options?: { code: string; display?: string }[];
}

/**
 * Labels of the entity's fields by JSON key: the 新增/注册 (add) service's definition first, then the entity's other
 * services fill what it lacks (a status service's own fields).
 */
async function fieldsOfEntity(entity: string, services: readonly string[]): Promise<Map<string, FieldInfo>> {
  const catalogue = await listServices();
  const ofEntity = catalogue.filter((s) => s.entity === entity || services.includes(s.action));
  ofEntity.sort((a, b) => Number(b.operation === 'add') - Number(a.operation === 'add'));
  const defs = await Promise.all(ofEntity.map((s) => getService(s.action).catch((): ServiceDefinition | null => null)));
  const out = new Map<string, FieldInfo>();
  for (const def of defs) {
    for (const f of flattenFields(def?.fields ?? [])) {
      if (!out.has(f.key)) out.set(f.key, { label: f.label, ...(f.options ? { options: f.options } : {}) });
    }
  }
  return out;
}

function MessageLink({ id }: { id: string }) {
  const { can } = useAuth();
  return can(PERMISSIONS.engineMessageRead) ? (
    <Link to={messagePath(id)} data-testid="cdr-message-link">
      <Typography.Text code>{id}</Typography.Text>
    </Link>
  ) : (
    <Typography.Text code copyable>
      {id}
    </Typography.Text>
  );
}

export default function CdrRecordPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const detail = useRequest(() => getCdrRecord(id), [id]);
  const entities = useRequest(listCdrEntities, []);
  const back = () => void navigate(-1);

  if (detail.error && !detail.data) {
    const notFound = detail.error instanceof ApiError && detail.error.status === 404;
    return (
      <Card>
        <Result
          status={notFound ? '404' : 'error'}
          title={notFound ? t('services.cdr.recordNotFound') : t('errors.loadFailed')}
          subTitle={errorMessage(detail.error, t('errors.loadFailed'))}
          extra={<Button onClick={() => void navigate('/interaction/cdr')}>{t('services.cdr.back')}</Button>}
        />
      </Card>
    );
  }
  if (!detail.data) return <Card loading />;
  const { record, history } = detail.data;
  const entity = entities.data?.find((e) => e.entity === record.entity);
  return <RecordView record={record} history={history} entity={entity} onBack={back} />;
}

function RecordView({
  record,
  history,
  entity,
  onBack,
}: {
  record: CdrRecord;
  history: CdrHistoryEntry[];
  entity: CdrEntity | undefined;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  const entityName = useEntityName();
  const serviceName = useServiceNames();
  const services = entity?.services;
  const fields = useRequest(() => fieldsOfEntity(record.entity, services ?? []), [record.entity, services?.join(',')]);
  const info = fields.data ?? new Map<string, FieldInfo>();

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="cdr-record">
      <Card
        title={
          <Space wrap>
            <Button type="text" icon={<ArrowLeftOutlined />} onClick={onBack} aria-label={t('services.cdr.back')} />
            <span data-testid="cdr-record-title">{entity ? entityName(entity) : record.entity}</span>
            <Typography.Text code>{record.key}</Typography.Text>
            {record.state ? <StateTag entity={entity} state={record.state} /> : null}
          </Space>
        }
      >
        <Descriptions
          size="small"
          bordered
          column={{ xs: 1, md: 2, xl: 3 }}
          data-testid="cdr-record-header"
          items={[
            { key: 'key', label: entity?.keyLabel ?? t('services.cdr.key'), children: record.key },
            {
              key: 'entity',
              label: t('services.cdr.entity'),
              children: <Typography.Text code>{record.entity}</Typography.Text>,
            },
            {
              key: 'state',
              label: t('services.cdr.state'),
              children: <StateTag entity={entity} state={record.state} />,
            },
            { key: 'patientId', label: t('engine.indexField.patientId'), children: record.patientId ?? '—' },
            { key: 'patientName', label: t('engine.indexField.patientName'), children: record.patientName ?? '—' },
            { key: 'visitNo', label: t('engine.indexField.visitNo'), children: record.visitNo ?? '—' },
            { key: 'orderNo', label: t('engine.indexField.orderNo'), children: record.orderNo ?? '—' },
            {
              key: 'applicationNo',
              label: t('engine.indexField.applicationNo'),
              children: record.applicationNo ?? '—',
            },
            { key: 'version', label: t('services.cdr.version'), children: record.version },
            { key: 'createdAt', label: t('services.cdr.createdAt'), children: formatTime(record.createdAt) },
            { key: 'updatedAt', label: t('services.cdr.updatedAt'), children: formatTime(record.updatedAt) },
            { key: 'lastService', label: t('services.cdr.lastService'), children: serviceName(record.lastService) },
            {
              key: 'lastMessage',
              label: t('services.cdr.lastMessage'),
              span: 'filled' as const,
              children: <MessageLink id={record.lastMessageId} />,
            },
          ]}
        />
      </Card>

      <Card title={t('services.cdr.dataTitle')} size="small" loading={fields.loading && !fields.data}>
        <DataView data={record.data} info={info} />
        <Collapse
          ghost
          style={{ marginTop: 8 }}
          items={[
            {
              key: 'json',
              label: t('services.cdr.rawJson'),
              children: <CodeBlock text={JSON.stringify(record.data, null, 2)} testId="cdr-record-json" />,
            },
          ]}
        />
      </Card>

      <Card title={t('services.cdr.historyTitle')} size="small">
        {history.length === 0 ? (
          <Empty description={t('services.cdr.noHistory')} />
        ) : (
          <Timeline
            data-testid="cdr-history"
            items={history.map((h) => ({
              key: h.version,
              color: h.operation === 'cancel' || h.operation === 'delete' ? 'red' : 'blue',
              content: <HistoryItem entry={h} entity={entity} serviceName={serviceName} />,
            }))}
          />
        )}
      </Card>
    </Space>
  );
}

function HistoryItem({
  entry,
  entity,
  serviceName,
}: {
  entry: CdrHistoryEntry;
  entity: CdrEntity | undefined;
  serviceName: (action: string) => string;
}) {
  const { t } = useTranslation();
  const name = serviceName(entry.service);
  return (
    <div data-testid="cdr-history-item">
      <Space wrap size={6}>
        <Tag>v{entry.version}</Tag>
        <Typography.Text strong>{name === entry.service ? entry.serviceName || entry.service : name}</Typography.Text>
        <Typography.Text code style={{ fontSize: 12 }}>
          {entry.service}
        </Typography.Text>
        <Tag color="geekblue">{t(`services.cdr.operation.${entry.operation}`, { defaultValue: entry.operation })}</Tag>
        {entry.state ? <StateTag entity={entity} state={entry.state} /> : null}
        <Typography.Text type="secondary">{formatTime(entry.at)}</Typography.Text>
        <MessageLink id={entry.messageId} />
      </Space>
      <Collapse
        ghost
        size="small"
        items={[
          {
            key: 'data',
            label: t('services.cdr.versionData'),
            children: <CodeBlock text={JSON.stringify(entry.data, null, 2)} maxHeight={320} />,
          },
        ]}
      />
    </div>
  );
}

/** A value as text: a code with its display name when the catalogue lists it. */
function scalar(value: unknown, field: FieldInfo | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
  const display = field?.options?.find((o) => o.code === text)?.display;
  return display ? `${text}（${display}）` : text;
}

function Label({ name, info }: { name: string; info: Map<string, FieldInfo> }) {
  const label = info.get(name)?.label;
  return (
    <Space orientation="vertical" size={0}>
      <span>{label ?? name}</span>
      {label ? (
        <Typography.Text type="secondary" style={{ fontSize: 12, fontFamily: 'monospace' }}>
          {name}
        </Typography.Text>
      ) : null}
    </Space>
  );
}

/** The record's data: scalars as labelled rows, lists of objects as small tables, other nesting as JSON. */
function DataView({ data, info }: { data: Record<string, unknown>; info: Map<string, FieldInfo> }) {
  const { t } = useTranslation();
  const entries = Object.entries(data);
  if (entries.length === 0) return <Empty description={t('services.cdr.noData')} />;
  const rows = entries.map(([key, value]) => {
    let children;
    let wide = true;
    if (Array.isArray(value) && value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
      const items = value as Record<string, unknown>[];
      const keys = [...new Set(items.flatMap((o) => Object.keys(o)))];
      children = (
        <Table<Record<string, unknown>>
          size="small"
          rowKey={(_, i) => String(i)}
          pagination={false}
          dataSource={items}
          columns={keys.map((k) => ({
            key: k,
            title: <Label name={k} info={info} />,
            render: (_: unknown, row) => scalar(row[k], info.get(k)),
          }))}
        />
      );
    } else if (value && typeof value === 'object') {
      children = <CodeBlock text={JSON.stringify(value, null, 2)} maxHeight={240} />;
    } else {
      children = <span data-testid={`cdr-field-${key}`}>{scalar(value, info.get(key))}</span>;
      wide = false;
    }
    return { key, label: <Label name={key} info={info} />, children, ...(wide ? { span: 'filled' as const } : {}) };
  });
  return <Descriptions size="small" bordered column={{ xs: 1, lg: 2 }} items={rows} data-testid="cdr-record-data" />;
}
