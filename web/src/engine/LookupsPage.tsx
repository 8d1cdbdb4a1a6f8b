/** 映射表: value ↔ code tables (one-to-one or one-to-many) used by transforms; entries, CSV/Excel import and export. */
import { DownloadOutlined, PlusOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Dropdown,
  Empty,
  Flex,
  Form,
  Input,
  Modal,
  Radio,
  Row,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
  Upload,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../shell/auth';
import { CreateButton, DeleteAction, FormModal, RunFooter, useAct, usePagedList } from '../shell/crud';
import { optional, trimmed } from '../shell/format';
import { PERMISSIONS } from '../shell/navigation';
import { useRequest } from '../shell/useRequest';
import {
  createLookup,
  createLookupEntry,
  deleteLookup,
  deleteLookupEntry,
  exportLookup,
  importLookup,
  listLookupEntries,
  listLookups,
  updateLookup,
  updateLookupEntry,
  type Domain,
  type Lookup,
  type LookupEntry,
  type LookupFileFormat,
  type LookupImportResult,
} from './api';
import { codeRule, ErrorAlert, ProblemList, readFile } from './common';
import { DomainCard, useEngineDomain } from './domain';

export default function LookupsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canManage = can(PERMISSIONS.engineTransformManage);
  const engine = useEngineDomain();
  const domainId = engine.domainId;
  const [q, setQ] = useState('');
  const lookups = useRequest(
    () => (domainId ? listLookups(domainId, q || undefined) : Promise.resolve([])),
    [domainId, q],
  );
  const act = useAct(lookups.reload);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [editing, setEditing] = useState<Lookup | 'new' | null>(null);
  const selected = (lookups.data ?? []).find((l) => l.id === selectedId) ?? null;

  const columns: TableColumnsType<Lookup> = [
    {
      title: t('engine.lookups.code'),
      dataIndex: 'code',
      render: (v: string, l) => (
        <div>
          <Typography.Text strong>{v}</Typography.Text>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {l.name}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    {
      title: t('engine.lookups.kind'),
      dataIndex: 'multi',
      render: (v: boolean) =>
        v ? <Tag color="purple">{t('engine.lookups.multi')}</Tag> : <Tag>{t('engine.lookups.single')}</Tag>,
    },
    { title: t('engine.lookups.entryCount'), dataIndex: 'entryCount', width: 90 },
    ...(canManage
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, l: Lookup) => (
              <Space size={0} onClick={(e) => e.stopPropagation()}>
                <Button type="link" size="small" onClick={() => setEditing(l)}>
                  {t('common.edit')}
                </Button>
                <DeleteAction
                  title={t('engine.lookups.deleteConfirm', { name: l.name })}
                  onConfirm={() =>
                    act(async () => {
                      await deleteLookup(l.id);
                      if (selectedId === l.id) setSelectedId(null);
                    }, t('engine.deleted'))
                  }
                />
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <DomainCard
      title={t('nav.engine.lookups')}
      engine={engine}
      extra={
        canManage && domainId ? (
          <CreateButton onClick={() => setEditing('new')} testId="lookup-create">
            {t('engine.lookups.create')}
          </CreateButton>
        ) : null
      }
    >
      <Row gutter={16}>
        <Col xs={24} xl={10}>
          <Flex gap={12} style={{ marginBottom: 12 }}>
            <Input.Search
              allowClear
              placeholder={t('engine.lookups.searchPlaceholder')}
              onSearch={(v) => setQ(v.trim())}
            />
            <Button icon={<ReloadOutlined />} onClick={lookups.reload} aria-label={t('common.refresh')} />
          </Flex>
          <ErrorAlert error={lookups.error} />
          <Table<Lookup>
            rowKey="id"
            size="small"
            data-testid="lookups-table"
            loading={lookups.loading}
            columns={columns}
            dataSource={lookups.data ?? []}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            onRow={(l) => ({ onClick: () => setSelectedId(l.id), style: { cursor: 'pointer' } })}
            rowClassName={(l) => (l.id === selectedId ? 'ant-table-row-selected' : '')}
            locale={{ emptyText: <Empty description={t('engine.lookups.empty')} /> }}
          />
        </Col>
        <Col xs={24} xl={14}>
          {selected ? (
            <Entries key={selected.id} lookup={selected} canManage={canManage} onChanged={lookups.reload} />
          ) : (
            <Empty description={t('engine.lookups.pick')} style={{ marginTop: 48 }} />
          )}
        </Col>
      </Row>
      {editing && engine.domain ? (
        <LookupModal
          domain={engine.domain}
          lookup={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(l) => {
            setEditing(null);
            setSelectedId(l.id);
            lookups.reload();
          }}
        />
      ) : null}
    </DomainCard>
  );
}

interface LookupValues {
  code: string;
  name: string;
  description?: string;
  multi: boolean;
}

function LookupModal({
  domain,
  lookup,
  onClose,
  onSaved,
}: {
  domain: Domain;
  lookup: Lookup | null;
  onClose: () => void;
  onSaved: (l: Lookup) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<LookupValues>();

  async function save(v: LookupValues) {
    const saved = lookup
      ? await updateLookup(lookup.id, { name: v.name.trim(), description: trimmed(v.description), multi: v.multi })
      : await createLookup({
          domainId: domain.id,
          code: v.code.trim(),
          name: v.name.trim(),
          description: optional(v.description),
          multi: v.multi,
        });
    onSaved(saved);
  }

  return (
    <FormModal<LookupValues>
      form={form}
      title={lookup ? t('engine.lookups.editTitle', { name: lookup.name }) : t('engine.lookups.create')}
      onSave={save}
      fieldCodes={{ HT_ENGINE_CONFLICT: 'code' }}
      onClose={onClose}
      initialValues={
        lookup
          ? { code: lookup.code, name: lookup.name, description: lookup.description ?? '', multi: lookup.multi }
          : { multi: false }
      }
    >
      <Form.Item
        name="code"
        label={t('engine.lookups.code')}
        extra={lookup ? undefined : t('engine.lookups.codeHint')}
        rules={lookup ? [] : [{ required: true, message: t('engine.codeRequired') }, codeRule(t, 64)]}
      >
        <Input disabled={!!lookup} />
      </Form.Item>
      <Form.Item
        name="name"
        label={t('engine.lookups.name')}
        rules={[{ required: true, whitespace: true, message: t('engine.nameRequired') }]}
      >
        <Input />
      </Form.Item>
      <Form.Item name="description" label={t('engine.description')}>
        <Input.TextArea rows={2} />
      </Form.Item>
      <Form.Item
        name="multi"
        label={t('engine.lookups.kind')}
        valuePropName="checked"
        extra={t('engine.lookups.multiHint')}
      >
        <Switch checkedChildren={t('engine.lookups.multi')} unCheckedChildren={t('engine.lookups.single')} />
      </Form.Item>
    </FormModal>
  );
}

function Entries({ lookup, canManage, onChanged }: { lookup: Lookup; canManage: boolean; onChanged: () => void }) {
  const { t } = useTranslation();
  const entries = usePagedList(
    ({ q, page, pageSize }) => listLookupEntries(lookup.id, { q, page, pageSize }),
    [lookup.id],
  );
  const reload = () => {
    entries.reload();
    onChanged();
  };
  const act = useAct(reload);
  const [editing, setEditing] = useState<LookupEntry | 'new' | null>(null);
  const [importing, setImporting] = useState(false);

  const columns: TableColumnsType<LookupEntry> = [
    {
      title: t('engine.lookups.key'),
      dataIndex: 'key',
      render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
    },
    {
      title: t('engine.lookups.value'),
      dataIndex: 'value',
      render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
    },
    { title: t('engine.description'), dataIndex: 'description', render: (v: string | null) => v || '—' },
    ...(canManage
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 130,
            render: (_: unknown, e: LookupEntry) => (
              <Space size={0}>
                <Button type="link" size="small" onClick={() => setEditing(e)}>
                  {t('common.edit')}
                </Button>
                <DeleteAction
                  title={t('common.confirmDelete')}
                  onConfirm={() => act(() => deleteLookupEntry(lookup.id, e.id), t('engine.deleted'))}
                />
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <Card
      size="small"
      title={
        <Space>
          <span>{lookup.name}</span>
          <Typography.Text type="secondary">{lookup.code}</Typography.Text>
          {lookup.multi ? (
            <Tag color="purple">{t('engine.lookups.multi')}</Tag>
          ) : (
            <Tag>{t('engine.lookups.single')}</Tag>
          )}
        </Space>
      }
      extra={
        <Space wrap>
          <Dropdown
            trigger={['click']}
            menu={{
              items: [
                { key: 'csv', label: 'CSV' },
                { key: 'xlsx', label: 'Excel (.xlsx)' },
              ],
              onClick: ({ key }) =>
                void act(() => exportLookup(lookup, key as LookupFileFormat), t('engine.lookups.exported')),
            }}
          >
            <Button size="small" icon={<DownloadOutlined />}>
              {t('engine.lookups.export')}
            </Button>
          </Dropdown>
          {canManage ? (
            <>
              <Button size="small" icon={<UploadOutlined />} onClick={() => setImporting(true)}>
                {t('engine.lookups.import')}
              </Button>
              <Button size="small" type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
                {t('engine.lookups.addEntry')}
              </Button>
            </>
          ) : null}
        </Space>
      }
    >
      {lookup.description ? <Typography.Paragraph type="secondary">{lookup.description}</Typography.Paragraph> : null}
      <Input.Search
        allowClear
        placeholder={t('engine.lookups.entrySearchPlaceholder')}
        style={{ width: 280, marginBottom: 12 }}
        onSearch={entries.search}
      />
      <ErrorAlert error={entries.error} />
      <Table<LookupEntry>
        rowKey="id"
        size="small"
        data-testid="lookup-entries"
        columns={columns}
        {...entries.tableProps}
      />
      {editing ? (
        <EntryModal
          lookup={lookup}
          entry={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      ) : null}
      {importing ? <ImportModal lookup={lookup} onClose={() => setImporting(false)} onDone={reload} /> : null}
    </Card>
  );
}

interface EntryValues {
  key: string;
  value: string;
  description?: string;
}

function EntryModal({
  lookup,
  entry,
  onClose,
  onSaved,
}: {
  lookup: Lookup;
  entry: LookupEntry | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<EntryValues>();

  async function save(v: EntryValues) {
    if (entry) {
      await updateLookupEntry(lookup.id, entry.id, {
        key: v.key,
        value: v.value,
        description: trimmed(v.description),
      });
    } else {
      await createLookupEntry(lookup.id, { key: v.key, value: v.value, description: optional(v.description) });
    }
    onSaved();
  }

  return (
    <FormModal<EntryValues>
      form={form}
      title={entry ? t('engine.lookups.editEntry') : t('engine.lookups.addEntry')}
      onSave={save}
      fieldCodes={{ HT_ENGINE_LOOKUP_KEY_EXISTS: 'key', HT_ENGINE_LOOKUP_ENTRY_EXISTS: 'value' }}
      onClose={onClose}
      initialValues={entry ? { key: entry.key, value: entry.value, description: entry.description ?? '' } : {}}
    >
      <Form.Item
        name="key"
        label={t('engine.lookups.key')}
        rules={[{ required: true, message: t('engine.lookups.keyRequired') }]}
      >
        <Input style={{ fontFamily: 'monospace' }} />
      </Form.Item>
      <Form.Item
        name="value"
        label={t('engine.lookups.value')}
        rules={[{ required: true, message: t('engine.lookups.valueRequired') }]}
      >
        <Input style={{ fontFamily: 'monospace' }} />
      </Form.Item>
      <Form.Item name="description" label={t('engine.description')}>
        <Input />
      </Form.Item>
    </FormModal>
  );
}

function ImportModal({ lookup, onClose, onDone }: { lookup: Lookup; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<{ name: string; format: LookupFileFormat; content: string } | null>(null);
  const [mode, setMode] = useState<'merge' | 'replace'>('merge');
  const [result, setResult] = useState<LookupImportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const act = useAct();

  async function run() {
    if (!file) return;
    setBusy(true);
    await act(async () => {
      setResult(
        await importLookup(lookup.id, { format: file.format, content: file.content, mode, encoding: 'base64' }),
      );
      onDone();
    }, t('engine.lookups.imported'));
    setBusy(false);
  }

  return (
    <Modal
      open
      title={t('engine.lookups.importTitle', { name: lookup.name })}
      onCancel={onClose}
      destroyOnHidden
      footer={
        <RunFooter done={!!result} onClose={onClose}>
          <Button type="primary" disabled={!file} loading={busy} onClick={() => void run()}>
            {t('engine.lookups.import')}
          </Button>
        </RunFooter>
      }
    >
      <Typography.Paragraph type="secondary">{t('engine.lookups.importHint')}</Typography.Paragraph>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Upload
          accept=".csv,.xlsx"
          showUploadList={false}
          beforeUpload={(f) => {
            const format: LookupFileFormat = /\.xlsx$/i.test(f.name) ? 'xlsx' : 'csv';
            // Sent as bytes (base64) so the server can tell GBK from UTF-8 CSV files.
            void readFile(f, 'base64').then((content) => {
              setFile({ name: f.name, format, content });
              setResult(null);
            });
            return false;
          }}
        >
          <Button icon={<UploadOutlined />}>{t('engine.lookups.chooseFile')}</Button>
        </Upload>
        {file ? (
          <Typography.Text>
            {file.name} · {file.format.toUpperCase()}
          </Typography.Text>
        ) : null}
        <Radio.Group
          value={mode}
          onChange={(e) => setMode(e.target.value as 'merge' | 'replace')}
          options={[
            { value: 'merge', label: t('engine.lookups.merge') },
            { value: 'replace', label: t('engine.lookups.replace') },
          ]}
        />
        {mode === 'replace' ? <Alert type="warning" showIcon title={t('engine.lookups.replaceWarning')} /> : null}
        {result ? (
          <>
            <Descriptions
              size="small"
              bordered
              column={2}
              items={[
                { key: 'i', label: t('engine.lookups.importedCount'), children: result.imported },
                { key: 's', label: t('engine.lookups.skipped'), children: result.skipped },
              ]}
            />
            <ProblemList problems={result.problems} />
          </>
        ) : null}
      </Space>
    </Modal>
  );
}
