/** 订户管理: the business systems of a domain that publish and subscribe, with their credentials and allowlists. */
import {
  Alert,
  Button,
  Flex,
  Form,
  Input,
  Modal,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useAuth } from '../shell/auth';
import {
  ConfirmAction,
  CreateButton,
  DeleteAction,
  FormModal,
  RefreshButton,
  useAct,
  usePagedList,
} from '../shell/crud';
import { optional, trimmed } from '../shell/format';
import { PERMISSIONS } from '../shell/navigation';
import {
  createSystem,
  deleteSystem,
  listSystems,
  rotateSecret,
  updateSystem,
  type AuthType,
  type Domain,
  type System,
} from './api';
import { CodeBlock, codeRule, EnableAction, EnabledTag, ErrorAlert, emptyPage } from './common';
import { DomainCard, useEngineDomain } from './domain';
import { useRevisions } from './RevisionsDrawer';

export default function SystemsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { can } = useAuth();
  const canManage = can(PERMISSIONS.engineConfigManage);
  const engine = useEngineDomain();
  const domainId = engine.domainId;
  const [enabled, setEnabled] = useState<boolean | undefined>(undefined);
  const systems = usePagedList(
    ({ q, page, pageSize }) =>
      domainId ? listSystems({ domainId, q, enabled, page, pageSize }) : Promise.resolve(emptyPage<System>()),
    [domainId, enabled],
  );
  const act = useAct(systems.reload);
  const [openRevisions, revisionsDrawer] = useRevisions('system', systems.reload);
  const [editing, setEditing] = useState<System | 'new' | null>(null);
  const [secret, setSecret] = useState<{ system: System; secret: string } | null>(null);

  async function rotate(s: System) {
    await act(async () => {
      const r = await rotateSecret(s.id);
      setSecret({ system: s, secret: r.secret });
    }, t('engine.systems.rotated'));
  }

  const columns: TableColumnsType<System> = [
    {
      title: t('engine.systems.code'),
      dataIndex: 'code',
      render: (v: string) => <Typography.Text strong>{v}</Typography.Text>,
    },
    { title: t('engine.systems.name'), dataIndex: 'name' },
    { title: t('engine.systems.vendor'), dataIndex: 'vendor', render: (v: string | null) => v || '—' },
    {
      title: t('engine.systems.contact'),
      dataIndex: 'contact',
      render: (v: string | null) => v || '—',
      responsive: ['xl'],
    },
    {
      title: t('engine.systems.auth'),
      key: 'auth',
      render: (_: unknown, s) => (
        <Space size={4} wrap>
          <Tag>{s.authType === 'basic' ? 'Basic' : 'Bearer'}</Tag>
          {s.hasSecret ? null : <Tag color="orange">{t('engine.systems.noSecret')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('engine.systems.ipAllowlist'),
      dataIndex: 'ipAllowlist',
      render: (v: string[]) =>
        v.length ? (
          v.map((ip) => <Tag key={ip}>{ip}</Tag>)
        ) : (
          <Tooltip title={t('engine.systems.loopbackHint')}>
            <Typography.Text type="secondary">{t('engine.systems.loopbackOnly')}</Typography.Text>
          </Tooltip>
        ),
    },
    { title: t('engine.status'), dataIndex: 'enabled', render: (v: boolean) => <EnabledTag enabled={v} /> },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, s) => (
        <Space size={0} wrap>
          <Button
            type="link"
            size="small"
            onClick={() => navigate(`/engine/messages?systemId=${encodeURIComponent(s.id)}`)}
          >
            {t('engine.messagesLink')}
          </Button>
          {canManage ? (
            <>
              <Button type="link" size="small" onClick={() => setEditing(s)} data-testid={`system-edit-${s.code}`}>
                {t('common.edit')}
              </Button>
              <EnableAction
                name={s.name}
                enabled={s.enabled}
                act={act}
                update={(enabled) => updateSystem(s.id, { enabled })}
              />
              <ConfirmAction
                title={t('engine.systems.rotateConfirm', { name: s.name })}
                onConfirm={() => rotate(s)}
                testId={`system-rotate-${s.code}`}
              >
                {t('engine.systems.rotate')}
              </ConfirmAction>
            </>
          ) : null}
          <Button type="link" size="small" onClick={() => openRevisions(s)}>
            {t('engine.revisions.open')}
          </Button>
          {canManage ? (
            <DeleteAction
              title={t('engine.systems.deleteConfirm', { name: s.name })}
              onConfirm={() => act(() => deleteSystem(s.id), t('engine.deleted'))}
            />
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <DomainCard
      title={t('nav.engine.subscribers')}
      engine={engine}
      extra={
        canManage && domainId ? (
          <CreateButton onClick={() => setEditing('new')} testId="system-create">
            {t('engine.systems.create')}
          </CreateButton>
        ) : null
      }
    >
      <Flex gap={12} wrap style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          placeholder={t('engine.systems.searchPlaceholder')}
          style={{ width: 280 }}
          onSearch={systems.search}
        />
        <Select<'true' | 'false'>
          allowClear
          placeholder={t('engine.status')}
          style={{ width: 140 }}
          value={enabled === undefined ? undefined : enabled ? 'true' : 'false'}
          onChange={(v) => {
            setEnabled(v === undefined ? undefined : v === 'true');
            systems.firstPage();
          }}
          options={[
            { value: 'true', label: t('engine.enabled') },
            { value: 'false', label: t('engine.disabled') },
          ]}
        />
        <RefreshButton onClick={systems.reload} />
      </Flex>
      <ErrorAlert error={systems.error} />
      <Table<System> rowKey="id" size="middle" data-testid="systems-table" columns={columns} {...systems.tableProps} />
      {editing && engine.domain ? (
        <SystemModal
          domain={engine.domain}
          system={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(created) => {
            setEditing(null);
            if (created) setSecret(created);
            systems.reload();
          }}
        />
      ) : null}
      {secret ? (
        <SecretModal
          domain={engine.domain}
          system={secret.system}
          secret={secret.secret}
          onClose={() => setSecret(null)}
        />
      ) : null}
      {revisionsDrawer}
    </DomainCard>
  );
}

interface SystemValues {
  code: string;
  name: string;
  vendor?: string;
  contact?: string;
  description?: string;
  authType: AuthType;
  authUsername?: string;
  ipAllowlist: string[];
  enabled: boolean;
}

const FIELD_CODES = {
  HT_ENGINE_CONFLICT: 'code',
  HT_ENGINE_ALLOWLIST_INVALID: 'ipAllowlist',
};

function SystemModal({
  domain,
  system,
  onClose,
  onSaved,
}: {
  domain: Domain;
  system: System | null;
  onClose: () => void;
  onSaved: (created?: { system: System; secret: string }) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<SystemValues>();
  const authType = Form.useWatch('authType', form);

  async function save(v: SystemValues) {
    const ipAllowlist = v.ipAllowlist.map((s) => s.trim()).filter(Boolean);
    if (system) {
      await updateSystem(system.id, {
        name: v.name.trim(),
        vendor: trimmed(v.vendor) || null,
        contact: trimmed(v.contact) || null,
        description: trimmed(v.description) || null,
        authType: v.authType,
        authUsername: (v.authType === 'basic' && trimmed(v.authUsername)) || null,
        ipAllowlist,
        enabled: v.enabled,
      });
      onSaved();
    } else {
      const created = await createSystem({
        domainId: domain.id,
        code: v.code.trim(),
        name: v.name.trim(),
        vendor: optional(v.vendor),
        contact: optional(v.contact),
        description: optional(v.description),
        authType: v.authType,
        authUsername: v.authType === 'basic' ? optional(v.authUsername) : undefined,
        ipAllowlist,
        enabled: v.enabled,
      });
      onSaved(created);
    }
  }

  return (
    <FormModal<SystemValues>
      form={form}
      width={640}
      title={system ? t('engine.systems.editTitle', { name: system.name }) : t('engine.systems.create')}
      onSave={save}
      fieldCodes={FIELD_CODES}
      onClose={onClose}
      saveTestId="system-save"
      formTestId="system-form"
      initialValues={
        system
          ? {
              code: system.code,
              name: system.name,
              vendor: system.vendor ?? '',
              contact: system.contact ?? '',
              description: system.description ?? '',
              authType: system.authType,
              authUsername: system.authUsername ?? '',
              ipAllowlist: system.ipAllowlist,
              enabled: system.enabled,
            }
          : { authType: 'token', ipAllowlist: [], enabled: true }
      }
    >
      <Flex gap={16}>
        <Form.Item
          name="code"
          label={t('engine.systems.code')}
          style={{ flex: 1 }}
          rules={system ? [] : [{ required: true, message: t('engine.codeRequired') }, codeRule(t)]}
        >
          <Input disabled={!!system} data-testid="system-code" />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('engine.systems.name')}
          style={{ flex: 1 }}
          rules={[{ required: true, whitespace: true, message: t('engine.nameRequired') }]}
        >
          <Input data-testid="system-name" />
        </Form.Item>
      </Flex>
      <Flex gap={16}>
        <Form.Item name="vendor" label={t('engine.systems.vendor')} style={{ flex: 1 }}>
          <Input />
        </Form.Item>
        <Form.Item name="contact" label={t('engine.systems.contact')} style={{ flex: 1 }}>
          <Input />
        </Form.Item>
      </Flex>
      <Form.Item name="description" label={t('engine.description')}>
        <Input.TextArea rows={2} />
      </Form.Item>
      <Flex gap={16}>
        <Form.Item name="authType" label={t('engine.systems.authType')} style={{ flex: 1 }}>
          <Radio.Group
            options={[
              { value: 'token', label: t('engine.systems.authToken') },
              { value: 'basic', label: t('engine.systems.authBasic') },
            ]}
          />
        </Form.Item>
        {authType === 'basic' ? (
          <Form.Item
            name="authUsername"
            label={t('engine.systems.authUsername')}
            extra={t('engine.systems.authUsernameHint')}
            style={{ flex: 1 }}
          >
            <Input autoComplete="off" />
          </Form.Item>
        ) : null}
      </Flex>
      <Form.Item name="ipAllowlist" label={t('engine.systems.ipAllowlist')} extra={t('engine.systems.ipAllowlistHint')}>
        <Select mode="tags" open={false} tokenSeparators={[',', ' ', ';']} placeholder="10.1.2.3, 10.1.0.0/16" />
      </Form.Item>
      <Form.Item name="enabled" label={t('engine.status')} valuePropName="checked">
        <Switch checkedChildren={t('engine.enabled')} unCheckedChildren={t('engine.disabled')} />
      </Form.Item>
      {system ? null : (
        <Alert type="info" showIcon title={t('engine.systems.secretOnCreate')} style={{ marginBottom: 0 }} />
      )}
    </FormModal>
  );
}

function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

/** The generated secret, shown once, with how a system calls in with it. */
function SecretModal({
  domain,
  system,
  secret,
  onClose,
}: {
  domain: Domain | undefined;
  system: System;
  secret: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const origin = window.location.origin;
  const endpoint = `${origin}/api/hip/${domain?.code ?? '{domain}'}/{topic}`;
  const username = system.authUsername || system.code;
  const header =
    system.authType === 'basic'
      ? `Authorization: Basic ${base64(`${username}:${secret}`)}`
      : `Authorization: Bearer ${secret}`;
  const curl = [
    `curl -X POST '${endpoint}' \\`,
    `  -H '${header}' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '{"patientId":"P0001","patientName":"…"}'`,
  ].join('\n');
  return (
    <Modal
      open
      width={720}
      title={t('engine.systems.secretTitle', { name: system.name })}
      onCancel={onClose}
      destroyOnHidden
      maskClosable={false}
      footer={
        <Button type="primary" onClick={onClose} data-testid="system-secret-close">
          {t('engine.systems.secretSaved')}
        </Button>
      }
    >
      <Alert type="warning" showIcon title={t('engine.systems.secretOnce')} style={{ marginBottom: 16 }} />
      <Typography.Paragraph>
        <Typography.Text strong>{t('engine.systems.secret')}：</Typography.Text>
        <Typography.Text code copyable={{ text: secret }} data-testid="system-secret">
          {secret}
        </Typography.Text>
      </Typography.Paragraph>
      <Typography.Paragraph>
        {system.authType === 'basic' ? t('engine.systems.howBasic', { username }) : t('engine.systems.howBearer')}
      </Typography.Paragraph>
      <CodeBlock text={curl} maxHeight={200} />
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {system.ipAllowlist.length ? t('engine.systems.allowlistSet') : t('engine.systems.loopbackHint')}
      </Typography.Paragraph>
    </Modal>
  );
}
