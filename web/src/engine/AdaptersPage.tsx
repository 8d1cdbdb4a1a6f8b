/** 适配器管理: the built-in adapters — name, class, direction, protocol — with each one's configuration schema. */
import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Modal, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRequest } from '../shell/useRequest';
import { listAdapters, type Adapter, type JsonSchema } from './api';
import { CodeBlock, ErrorAlert } from './common';
import { kindOf } from './SchemaForm';

interface SchemaRow {
  path: string;
  kind: string;
  required: boolean;
  description: string;
}

/** The schema's properties as a flat list, for reading at a glance. */
function schemaRows(schema: JsonSchema, prefix = ''): SchemaRow[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([key, prop]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const kind = kindOf(prop);
    const enumValues = prop.enum ?? (prop.anyOf ?? []).flatMap((a) => ('const' in a ? [a.const] : []));
    const row: SchemaRow = {
      path,
      kind: enumValues.length
        ? enumValues.map(String).join(' | ')
        : kind === 'map'
          ? 'map<string, string>'
          : typeof prop.type === 'string'
            ? prop.type
            : kind,
      required: required.has(key),
      description: [prop.description, prop.default !== undefined ? `default ${JSON.stringify(prop.default)}` : '']
        .filter(Boolean)
        .join(' · '),
    };
    return kind === 'object' ? [row, ...schemaRows(prop, path)] : [row];
  });
}

export default function AdaptersPage() {
  const { t, i18n } = useTranslation();
  const adapters = useRequest(listAdapters, []);
  const [viewing, setViewing] = useState<Adapter | null>(null);
  const english = i18n.language === 'en';

  const columns: TableColumnsType<Adapter> = [
    {
      title: t('engine.adapters.name'),
      key: 'name',
      render: (_: unknown, a) => (
        <div>
          <Typography.Text strong>{english ? a.nameEn : a.name}</Typography.Text>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {english ? a.name : a.nameEn}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    {
      title: t('engine.adapters.type'),
      dataIndex: 'type',
      render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
    },
    {
      title: t('engine.adapters.className'),
      dataIndex: 'className',
      render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
    },
    {
      title: t('engine.adapters.direction'),
      dataIndex: 'direction',
      filters: [
        { text: t('engine.adapters.inbound'), value: 'inbound' },
        { text: t('engine.adapters.outbound'), value: 'outbound' },
      ],
      onFilter: (value, a) => a.direction === value,
      render: (v: Adapter['direction']) =>
        v === 'inbound' ? (
          <Tag color="blue">{t('engine.adapters.inbound')}</Tag>
        ) : (
          <Tag color="green">{t('engine.adapters.outbound')}</Tag>
        ),
    },
    { title: t('engine.adapters.protocol'), dataIndex: 'protocol' },
    { title: t('engine.description'), dataIndex: 'description' },
    {
      title: t('engine.adapters.config'),
      key: 'schema',
      render: (_: unknown, a) =>
        Object.keys(a.configSchema?.properties ?? {}).length ? (
          <Button type="link" size="small" onClick={() => setViewing(a)} data-testid={`adapter-schema-${a.type}`}>
            {t('engine.adapters.viewSchema')}
          </Button>
        ) : (
          <Typography.Text type="secondary">{t('engine.adapters.noConfig')}</Typography.Text>
        ),
    },
  ];

  return (
    <Card
      title={t('nav.engine.adapters')}
      extra={
        <Button icon={<ReloadOutlined />} onClick={adapters.reload}>
          {t('common.refresh')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('engine.adapters.hint')}</Typography.Paragraph>
      <ErrorAlert error={adapters.error} />
      <Table<Adapter>
        rowKey={(a) => `${a.direction}:${a.type}`}
        size="middle"
        data-testid="adapters-table"
        loading={adapters.loading}
        columns={columns}
        dataSource={adapters.data ?? []}
        pagination={false}
      />
      {viewing ? (
        <Modal
          open
          width={820}
          footer={null}
          onCancel={() => setViewing(null)}
          title={t('engine.adapters.schemaTitle', { name: english ? viewing.nameEn : viewing.name })}
        >
          <Table<SchemaRow>
            size="small"
            rowKey="path"
            pagination={false}
            style={{ marginBottom: 16 }}
            dataSource={schemaRows(viewing.configSchema)}
            columns={[
              {
                title: t('engine.adapters.field'),
                dataIndex: 'path',
                render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
              },
              { title: t('engine.adapters.fieldType'), dataIndex: 'kind' },
              {
                title: t('engine.adapters.required'),
                dataIndex: 'required',
                render: (v: boolean) => (v ? <Tag color="red">{t('common.yes')}</Tag> : t('common.no')),
              },
              { title: t('engine.description'), dataIndex: 'description' },
            ]}
          />
          <CodeBlock text={JSON.stringify(viewing.configSchema, null, 2)} maxHeight={320} />
        </Modal>
      ) : null}
    </Card>
  );
}
