/** 域管理: the hospital's production environments; topics, systems and subscriptions all belong to one. */
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Dropdown,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Space,
  Switch,
  Table,
  Typography,
  Upload,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useAuth } from '../shell/auth';
import { CreateButton, DeleteAction, FormModal, RefreshButton, RunFooter, useAct } from '../shell/crud';
import { formatTime, optional, trimmed } from '../shell/format';
import { PERMISSIONS } from '../shell/navigation';
import { useRequest } from '../shell/useRequest';
import {
  createDomain,
  deleteDomain,
  exportDomain,
  importDomain,
  listDomains,
  purgeExpired,
  updateDomain,
  type ConfigFormat,
  type Domain,
  type ImportResult,
  type PurgeResult,
} from './api';
import { codeRule, EnableAction, EnabledTag, ErrorAlert, ProblemList, readFile } from './common';
import { setStoredDomain } from './domain';
import { useRevisions } from './RevisionsDrawer';

export default function DomainsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { can } = useAuth();
  const canManage = can(PERMISSIONS.engineConfigManage);
  const canPurge = can(PERMISSIONS.engineRetentionManage);
  const domains = useRequest(listDomains, []);
  const act = useAct(domains.reload);
  const [openRevisions, revisionsDrawer] = useRevisions('domain', domains.reload);
  const [editing, setEditing] = useState<Domain | 'new' | null>(null);
  const [importing, setImporting] = useState<Domain | null>(null);
  const [purging, setPurging] = useState<Domain | null>(null);

  const open = (d: Domain, path: string) => {
    setStoredDomain(d.id);
    void navigate(`${path}?domainId=${encodeURIComponent(d.id)}`);
  };

  const columns: TableColumnsType<Domain> = [
    {
      title: t('engine.domains.code'),
      dataIndex: 'code',
      render: (v: string) => <Typography.Text strong>{v}</Typography.Text>,
    },
    {
      title: t('engine.domains.name'),
      dataIndex: 'name',
      render: (v: string, d) => (
        <div>
          <div>{v}</div>
          {d.description ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {d.description}
            </Typography.Text>
          ) : null}
        </div>
      ),
    },
    { title: t('engine.status'), dataIndex: 'enabled', render: (v: boolean) => <EnabledTag enabled={v} /> },
    {
      title: t('engine.domains.retentionDays'),
      dataIndex: 'retentionDays',
      render: (v: number) => t('engine.domains.days', { n: v }),
    },
    {
      title: t('engine.domains.topicCount'),
      dataIndex: 'topicCount',
      render: (v: number, d) => (
        <Button
          type="link"
          size="small"
          onClick={() => open(d, '/engine/topics')}
          data-testid={`domain-topics-${d.code}`}
        >
          {v}
        </Button>
      ),
    },
    {
      title: t('engine.domains.systemCount'),
      dataIndex: 'systemCount',
      render: (v: number, d) => (
        <Button type="link" size="small" onClick={() => open(d, '/engine/systems')}>
          {v}
        </Button>
      ),
    },
    {
      title: t('engine.domains.subscriptionCount'),
      dataIndex: 'subscriptionCount',
      render: (v: number, d) => (
        <Button type="link" size="small" onClick={() => open(d, '/engine/subscriptions')}>
          {v}
        </Button>
      ),
    },
    { title: t('engine.updatedAt'), dataIndex: 'updatedAt', render: (v: string) => formatTime(v), responsive: ['xl'] },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, d) => (
        <Space size={0} wrap>
          <Button type="link" size="small" onClick={() => open(d, '/engine/topics')}>
            {t('engine.domains.openTopics')}
          </Button>
          {canManage ? (
            <>
              <Button type="link" size="small" onClick={() => setEditing(d)}>
                {t('common.edit')}
              </Button>
              <EnableAction
                name={d.name}
                enabled={d.enabled}
                act={act}
                update={(enabled) => updateDomain(d.id, { enabled })}
              />
            </>
          ) : null}
          {canManage ? (
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  { key: 'json', label: t('engine.domains.exportJson') },
                  { key: 'yaml', label: t('engine.domains.exportYaml') },
                ],
                onClick: ({ key }) =>
                  void act(() => exportDomain(d, key as ConfigFormat), t('engine.domains.exported')),
              }}
            >
              <Button type="link" size="small" icon={<DownloadOutlined />}>
                {t('engine.domains.export')}
              </Button>
            </Dropdown>
          ) : null}
          {canManage ? (
            <Button type="link" size="small" icon={<UploadOutlined />} onClick={() => setImporting(d)}>
              {t('engine.domains.import')}
            </Button>
          ) : null}
          <Button type="link" size="small" onClick={() => openRevisions(d)}>
            {t('engine.revisions.open')}
          </Button>
          {canPurge ? (
            <Button type="link" size="small" onClick={() => setPurging(d)}>
              {t('engine.domains.purge')}
            </Button>
          ) : null}
          {canManage ? (
            <DeleteAction
              title={t('engine.domains.deleteConfirm', { name: d.name })}
              onConfirm={() => act(() => deleteDomain(d.id), t('engine.deleted'))}
            />
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={t('nav.engine.domains')}
      extra={
        <Space>
          <RefreshButton onClick={domains.reload} />
          {canManage ? (
            <CreateButton onClick={() => setEditing('new')} testId="domain-create">
              {t('engine.domains.create')}
            </CreateButton>
          ) : null}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('engine.domains.hint')}</Typography.Paragraph>
      <ErrorAlert error={domains.error} />
      <Table<Domain>
        rowKey="id"
        size="middle"
        data-testid="domains-table"
        loading={domains.loading}
        columns={columns}
        dataSource={domains.data ?? []}
        pagination={false}
      />
      {editing ? (
        <DomainModal
          domain={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            domains.reload();
          }}
        />
      ) : null}
      {importing ? <ImportModal domain={importing} onClose={() => setImporting(null)} onDone={domains.reload} /> : null}
      {purging ? <PurgeModal domain={purging} onClose={() => setPurging(null)} /> : null}
      {revisionsDrawer}
    </Card>
  );
}

interface DomainValues {
  code: string;
  name: string;
  description?: string;
  retentionDays: number;
  enabled: boolean;
}

const FIELD_CODES = { HT_ENGINE_CONFLICT: 'code' };

function DomainModal({
  domain,
  onClose,
  onSaved,
}: {
  domain: Domain | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<DomainValues>();

  async function save(v: DomainValues) {
    if (domain) {
      await updateDomain(domain.id, {
        name: v.name.trim(),
        description: trimmed(v.description) || null,
        retentionDays: v.retentionDays,
        enabled: v.enabled,
      });
    } else {
      await createDomain({
        code: v.code.trim(),
        name: v.name.trim(),
        description: optional(v.description),
        retentionDays: v.retentionDays,
        enabled: v.enabled,
      });
    }
    onSaved();
  }

  return (
    <FormModal<DomainValues>
      form={form}
      title={domain ? t('engine.domains.editTitle', { name: domain.name }) : t('engine.domains.create')}
      onSave={save}
      fieldCodes={FIELD_CODES}
      onClose={onClose}
      saveTestId="domain-save"
      initialValues={
        domain
          ? {
              code: domain.code,
              name: domain.name,
              description: domain.description ?? '',
              retentionDays: domain.retentionDays,
              enabled: domain.enabled,
            }
          : { retentionDays: 30, enabled: true }
      }
    >
      <Form.Item
        name="code"
        label={t('engine.domains.code')}
        extra={domain ? undefined : t('engine.domains.codeHint')}
        rules={domain ? [] : [{ required: true, message: t('engine.codeRequired') }, codeRule(t, 64, false)]}
      >
        <Input disabled={!!domain} data-testid="domain-code" />
      </Form.Item>
      <Form.Item
        name="name"
        label={t('engine.domains.name')}
        rules={[{ required: true, whitespace: true, message: t('engine.nameRequired') }]}
      >
        <Input data-testid="domain-name" />
      </Form.Item>
      <Form.Item name="description" label={t('engine.description')}>
        <Input.TextArea rows={2} />
      </Form.Item>
      <Flex gap={16}>
        <Form.Item
          name="retentionDays"
          label={t('engine.domains.retentionDays')}
          extra={t('engine.domains.retentionHint')}
          rules={[{ required: true }]}
          style={{ flex: 1 }}
        >
          <InputNumber min={1} max={3650} style={{ width: '100%' }} suffix={t('engine.domains.dayUnit')} />
        </Form.Item>
        <Form.Item name="enabled" label={t('engine.status')} valuePropName="checked" style={{ flex: 1 }}>
          <Switch checkedChildren={t('engine.enabled')} unCheckedChildren={t('engine.disabled')} />
        </Form.Item>
      </Flex>
    </FormModal>
  );
}

function ImportModal({ domain, onClose, onDone }: { domain: Domain; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [content, setContent] = useState<string | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const [format, setFormat] = useState<ConfigFormat>('json');
  const [preview, setPreview] = useState<ImportResult | null>(null);
  const [applied, setApplied] = useState<ImportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const act = useAct();

  async function run(dryRun: boolean) {
    if (content === null) return;
    setBusy(true);
    let result: ImportResult | undefined;
    const ok = await act(
      async () => {
        result = await importDomain(domain.id, { content, format, dryRun });
      },
      dryRun ? t('engine.domains.previewReady') : t('engine.domains.imported'),
    );
    setBusy(false);
    if (!ok || !result) return;
    if (dryRun) setPreview(result);
    else {
      setApplied(result);
      onDone();
    }
  }

  const shown = applied ?? preview;
  return (
    <Modal
      open
      width={640}
      title={t('engine.domains.importTitle', { name: domain.name })}
      onCancel={onClose}
      destroyOnHidden
      footer={
        <RunFooter done={!!applied} onClose={onClose}>
          <Button disabled={content === null} loading={busy && !preview} onClick={() => void run(true)}>
            {t('engine.domains.dryRun')}
          </Button>
          <Button
            type="primary"
            disabled={!preview || preview.problems.length > 0}
            loading={busy && !!preview}
            onClick={() => void run(false)}
            data-testid="domain-import-confirm"
          >
            {t('engine.domains.confirmImport')}
          </Button>
        </RunFooter>
      }
    >
      <Typography.Paragraph type="secondary">{t('engine.domains.importHint')}</Typography.Paragraph>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Upload
          accept=".json,.yaml,.yml"
          maxCount={1}
          showUploadList={false}
          beforeUpload={(file) => {
            void readFile(file, 'text').then((text) => {
              setContent(text);
              setFileName(file.name);
              setFormat(/\.ya?ml$/i.test(file.name) ? 'yaml' : 'json');
              setPreview(null);
              setApplied(null);
            });
            return false;
          }}
        >
          <Button icon={<UploadOutlined />}>{t('engine.domains.chooseFile')}</Button>
        </Upload>
        {fileName ? <Typography.Text>{fileName}</Typography.Text> : null}
        <Radio.Group
          value={format}
          onChange={(e) => {
            setFormat(e.target.value as ConfigFormat);
            setPreview(null);
          }}
          options={[
            { value: 'json', label: 'JSON' },
            { value: 'yaml', label: 'YAML' },
          ]}
        />
        {shown ? (
          <>
            {applied ? <Alert type="success" showIcon title={t('engine.domains.imported')} /> : null}
            <Descriptions
              size="small"
              bordered
              column={3}
              title={applied ? t('engine.domains.result') : t('engine.domains.preview')}
              items={[
                { key: 'c', label: t('engine.domains.created'), children: shown.created },
                { key: 'u', label: t('engine.domains.updated'), children: shown.updated },
                { key: 'n', label: t('engine.domains.unchanged'), children: shown.unchanged },
              ]}
            />
            <ProblemList problems={shown.problems} />
          </>
        ) : null}
      </Space>
    </Modal>
  );
}

/** 消息保留与清理: purge this domain's messages older than its retention now, instead of waiting for the schedule. */
function PurgeModal({ domain, onClose }: { domain: Domain; onClose: () => void }) {
  const { t } = useTranslation();
  const [includeUndelivered, setIncludeUndelivered] = useState(false);
  const [result, setResult] = useState<PurgeResult | null>(null);
  const [busy, setBusy] = useState(false);
  const act = useAct();
  return (
    <Modal
      open
      title={t('engine.domains.purgeTitle', { name: domain.name })}
      onCancel={onClose}
      destroyOnHidden
      footer={
        <RunFooter done={!!result} onClose={onClose}>
          <Button
            type="primary"
            danger
            loading={busy}
            onClick={() => {
              setBusy(true);
              void act(async () => {
                setResult(await purgeExpired({ domainId: domain.id, includeUndelivered }));
              }, t('engine.domains.purged')).finally(() => setBusy(false));
            }}
          >
            {t('engine.domains.purgeNow')}
          </Button>
        </RunFooter>
      }
    >
      <Typography.Paragraph>{t('engine.domains.purgeHint', { days: domain.retentionDays })}</Typography.Paragraph>
      <Checkbox
        checked={includeUndelivered}
        disabled={!!result}
        onChange={(e) => setIncludeUndelivered(e.target.checked)}
      >
        {t('engine.domains.purgeUndelivered')}
      </Checkbox>
      {includeUndelivered && !result ? (
        <Alert type="warning" showIcon title={t('engine.domains.purgeUndeliveredWarning')} style={{ marginTop: 12 }} />
      ) : null}
      {result ? (
        <Descriptions
          size="small"
          bordered
          column={2}
          style={{ marginTop: 16 }}
          items={[
            { key: 'm', label: t('engine.domains.deletedMessages'), children: result.deletedMessages },
            { key: 'd', label: t('engine.domains.deletedDeliveries'), children: result.deletedDeliveries },
            { key: 'a', label: t('engine.domains.deletedAttempts'), children: result.deletedAttempts },
            { key: 'k', label: t('engine.domains.keptUndelivered'), children: result.keptUndelivered },
          ]}
        />
      ) : null}
    </Modal>
  );
}
