import {
  App,
  Button,
  Card,
  Flex,
  Form,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../shell/auth';
import { ConfirmAction, CreateButton, FormModal, LoadError, RefreshButton, useAct, usePagedList } from '../shell/crud';
import { PERMISSIONS } from '../shell/navigation';
import { formatTime, optional, trimmed } from '../shell/format';
import { PasswordPolicy, usePasswordRules } from '../shell/PasswordForm';
import { useRequest } from '../shell/useRequest';
import {
  createUser,
  listRoles,
  listUsers,
  resetUserPassword,
  unlockUser,
  updateUser,
  type Role,
  type User,
  type UserQuery,
} from './api';
import { roleName } from './roleLabel';

type Status = NonNullable<UserQuery['status']>;

export default function UsersPage() {
  const { t } = useTranslation();
  const { me, can } = useAuth();
  const canManage = can(PERMISSIONS.userManage);
  const [status, setStatus] = useState<Status | undefined>(undefined);
  const users = usePagedList(({ q, page, pageSize }) => listUsers({ q, status, page, pageSize }), [status]);
  // Role choices; an account that may not read roles just gets no choices.
  const roles = useRequest(() => listRoles().catch((): Role[] => []), []);
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const act = useAct(users.reload);

  const columns: TableColumnsType<User> = [
    {
      title: t('users.username'),
      dataIndex: 'username',
      render: (v: string) => <Typography.Text strong>{v}</Typography.Text>,
    },
    { title: t('users.displayName'), dataIndex: 'displayName' },
    { title: t('users.email'), dataIndex: 'email', render: (v: string | null) => v ?? '—', responsive: ['lg'] },
    { title: t('users.phone'), dataIndex: 'phone', render: (v: string | null) => v ?? '—', responsive: ['xl'] },
    {
      title: t('users.roles'),
      dataIndex: 'roles',
      render: (_: unknown, u) => u.roles.map((r) => <Tag key={r.id}>{r.name}</Tag>),
    },
    {
      title: t('users.status'),
      key: 'status',
      render: (_: unknown, u) => (
        <Space size={4} wrap>
          {u.enabled ? <Tag color="green">{t('users.statusEnabled')}</Tag> : <Tag>{t('users.statusDisabled')}</Tag>}
          {u.locked ? (
            <Tooltip title={u.lockedUntil ? t('users.lockedUntil', { time: formatTime(u.lockedUntil) }) : undefined}>
              <Tag color="red">{t('users.statusLocked')}</Tag>
            </Tooltip>
          ) : null}
          {u.mustChangePassword ? <Tag color="orange">{t('users.mustChange')}</Tag> : null}
        </Space>
      ),
    },
    {
      title: t('users.lastLoginAt'),
      dataIndex: 'lastLoginAt',
      render: (v: string | null) => formatTime(v),
      responsive: ['md'],
    },
  ];
  const actions: TableColumnsType<User> = [
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, u) => (
        <Space size={0} wrap>
          <Button type="link" size="small" onClick={() => setEditing(u)} data-testid={`user-edit-${u.username}`}>
            {t('common.edit')}
          </Button>
          {u.enabled ? (
            <ConfirmAction
              title={t('users.disableConfirm', { username: u.username })}
              onConfirm={() => act(() => updateUser(u.id, { enabled: false }), t('users.disabled'))}
              danger
              disabled={u.id === me?.id}
            >
              {t('users.disable')}
            </ConfirmAction>
          ) : (
            <ConfirmAction
              title={t('users.enableConfirm', { username: u.username })}
              onConfirm={() => act(() => updateUser(u.id, { enabled: true }), t('users.enabled'))}
            >
              {t('users.enable')}
            </ConfirmAction>
          )}
          <Button type="link" size="small" onClick={() => setResetting(u)}>
            {t('users.resetPassword')}
          </Button>
          {u.locked ? (
            <ConfirmAction
              title={t('users.unlockConfirm', { username: u.username })}
              onConfirm={() => act(() => unlockUser(u.id), t('users.unlocked'))}
            >
              {t('users.unlock')}
            </ConfirmAction>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={t('users.title')}
      extra={
        canManage ? (
          <CreateButton onClick={() => setEditing('new')} testId="user-create">
            {t('users.create')}
          </CreateButton>
        ) : null
      }
    >
      <Flex gap={12} wrap style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          placeholder={t('users.searchPlaceholder')}
          style={{ width: 280 }}
          data-testid="users-search"
          onSearch={users.search}
        />
        <Select<Status>
          allowClear
          placeholder={t('users.status')}
          style={{ width: 160 }}
          value={status}
          onChange={(value) => {
            setStatus(value);
            users.firstPage();
          }}
          options={[
            { value: 'enabled', label: t('users.statusEnabled') },
            { value: 'disabled', label: t('users.statusDisabled') },
            { value: 'locked', label: t('users.statusLocked') },
          ]}
        />
        <RefreshButton onClick={users.reload} />
      </Flex>
      <LoadError error={users.error} />
      <Table<User>
        rowKey="id"
        data-testid="users-table"
        size="middle"
        columns={canManage ? [...columns, ...actions] : columns}
        {...users.tableProps}
      />
      {editing ? (
        <UserModal
          user={editing === 'new' ? null : editing}
          roles={roles.data ?? []}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            users.reload();
          }}
        />
      ) : null}
      {resetting ? (
        <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} onDone={users.reload} />
      ) : null}
    </Card>
  );
}

interface UserValues {
  username: string;
  displayName: string;
  email?: string;
  phone?: string;
  password: string;
  roleIds: string[];
}

const FIELD_CODES = {
  HT_SYSTEM_USER_EXISTS: 'username',
  HT_AUTH_PASSWORD_POLICY: 'password',
  HT_SYSTEM_ROLE_CONFLICT: 'roleIds',
};

function UserModal({
  user,
  roles,
  onClose,
  onSaved,
}: {
  user: User | null;
  roles: Role[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<UserValues>();
  const passwordRules = usePasswordRules();

  async function save(values: UserValues) {
    if (user) {
      await updateUser(user.id, {
        displayName: values.displayName.trim(),
        email: trimmed(values.email),
        phone: trimmed(values.phone),
        roleIds: values.roleIds,
      });
      void message.success(t('users.updated'));
    } else {
      await createUser({
        username: values.username.trim(),
        displayName: values.displayName.trim(),
        email: optional(values.email),
        phone: optional(values.phone),
        password: values.password,
        roleIds: values.roleIds,
      });
      void message.success(t('users.created'));
    }
    onSaved();
  }

  return (
    <FormModal<UserValues>
      form={form}
      width={560}
      title={user ? t('users.editTitle', { username: user.username }) : t('users.create')}
      onSave={save}
      fieldCodes={FIELD_CODES}
      onClose={onClose}
      saveTestId="user-save"
      formTestId="user-form"
      errorTestId="user-form-error"
      initialValues={
        user
          ? {
              username: user.username,
              displayName: user.displayName,
              email: user.email ?? '',
              phone: user.phone ?? '',
              roleIds: user.roles.map((r) => r.id),
            }
          : { roleIds: [] }
      }
    >
      <Form.Item
        name="username"
        label={t('users.username')}
        rules={
          user
            ? []
            : [
                { required: true, message: t('users.usernameRequired') },
                { pattern: /^[A-Za-z0-9_.@-]{2,64}$/, message: t('users.usernamePattern') },
              ]
        }
      >
        <Input disabled={!!user} autoComplete="off" data-testid="user-username" />
      </Form.Item>
      <Form.Item
        name="displayName"
        label={t('users.displayName')}
        rules={[{ required: true, whitespace: true, message: t('users.displayNameRequired') }]}
      >
        <Input data-testid="user-display-name" />
      </Form.Item>
      <Flex gap={16}>
        <Form.Item
          name="email"
          label={t('users.email')}
          rules={[{ type: 'email', message: t('users.emailInvalid') }]}
          style={{ flex: 1 }}
        >
          <Input data-testid="user-email" />
        </Form.Item>
        <Form.Item name="phone" label={t('users.phone')} style={{ flex: 1 }}>
          <Input data-testid="user-phone" />
        </Form.Item>
      </Flex>
      {user ? null : (
        <Form.Item
          name="password"
          label={t('users.initialPassword')}
          extra={t('users.initialPasswordHint')}
          rules={[{ required: true, message: t('password.newRequired') }, ...passwordRules]}
        >
          <Input.Password autoComplete="new-password" data-testid="user-password" />
        </Form.Item>
      )}
      <Form.Item name="roleIds" label={t('users.roles')} extra={t('users.separationHint')}>
        <Select
          mode="multiple"
          allowClear
          data-testid="user-roles"
          optionFilterProp="label"
          options={roles.map((r) => ({ value: r.id, label: roleName(r) }))}
        />
      </Form.Item>
      {user ? null : <PasswordPolicy />}
    </FormModal>
  );
}

function ResetPasswordModal({ user, onClose, onDone }: { user: User; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ password: string }>();
  const rules = usePasswordRules();

  async function save(values: { password: string }) {
    await resetUserPassword(user.id, values.password);
    void message.success(t('users.resetDone'));
    onDone();
    onClose();
  }

  return (
    <FormModal<{ password: string }>
      form={form}
      title={t('users.resetTitle', { username: user.username })}
      okText={t('common.ok')}
      intro={<Typography.Paragraph type="secondary">{t('users.resetHint')}</Typography.Paragraph>}
      onSave={save}
      fieldCodes={{ HT_AUTH_PASSWORD_POLICY: 'password', HT_AUTH_PASSWORD_REUSED: 'password' }}
      onClose={onClose}
    >
      <Form.Item
        name="password"
        label={t('password.new')}
        rules={[{ required: true, message: t('password.newRequired') }, ...rules]}
      >
        <Input.Password autoComplete="new-password" data-testid="reset-password" />
      </Form.Item>
      <PasswordPolicy />
    </FormModal>
  );
}
