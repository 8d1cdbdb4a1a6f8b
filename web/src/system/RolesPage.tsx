import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  Form,
  Input,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/errors';
import { useAuth } from '../shell/auth';
import { CreateButton, DeleteAction, FormModal, LoadError, RefreshButton, useAct } from '../shell/crud';
import { trimmed } from '../shell/format';
import { PERMISSIONS } from '../shell/navigation';
import { useRequest } from '../shell/useRequest';
import { createRole, deleteRole, listPermissions, listRoles, updateRole, type Permission, type Role } from './api';
import PermissionPicker from './PermissionPicker';
import { roleName } from './roleLabel';

export default function RolesPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canManage = can(PERMISSIONS.roleManage);
  const roles = useRequest(listRoles, []);
  const permissions = useRequest(listPermissions, []);
  const act = useAct(roles.reload);
  const [editing, setEditing] = useState<Role | 'new' | null>(null);

  const columns: TableColumnsType<Role> = [
    { title: t('roles.code'), dataIndex: 'code', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    {
      title: t('roles.name'),
      key: 'name',
      render: (_: unknown, r) => (
        <Space>
          {roleName(r)}
          {r.builtin ? <Tag color="blue">{t('roles.builtin')}</Tag> : <Tag>{t('roles.custom')}</Tag>}
        </Space>
      ),
    },
    { title: t('roles.userCount'), dataIndex: 'userCount', align: 'right', width: 100 },
    {
      title: t('roles.permissions'),
      key: 'permissions',
      render: (_: unknown, r) => t('roles.permissionCount', { count: r.permissions.length }),
    },
    {
      title: t('roles.description'),
      dataIndex: 'description',
      ellipsis: true,
      responsive: ['lg'],
      render: (v: string | null) => v ?? '—',
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, r) => {
        const readOnly = r.builtin || !canManage;
        const blocked = r.builtin ? t('roles.builtinNoDelete') : r.userCount > 0 ? t('roles.inUseNoDelete') : undefined;
        return (
          <Space size={0}>
            <Button type="link" size="small" onClick={() => setEditing(r)} data-testid={`role-edit-${r.code}`}>
              {readOnly ? t('roles.view') : t('common.edit')}
            </Button>
            {!canManage ? null : blocked ? (
              <Tooltip title={blocked}>
                <Button type="link" size="small" danger disabled>
                  {t('common.delete')}
                </Button>
              </Tooltip>
            ) : (
              <DeleteAction
                title={t('roles.deleteConfirm', { name: roleName(r) })}
                onConfirm={() => act(() => deleteRole(r.id), t('roles.deleted'))}
              />
            )}
          </Space>
        );
      },
    },
  ];

  return (
    <Card
      title={t('roles.title')}
      extra={
        <Space>
          <RefreshButton onClick={roles.reload} />
          {canManage ? (
            <CreateButton onClick={() => setEditing('new')} testId="role-create">
              {t('roles.create')}
            </CreateButton>
          ) : null}
        </Space>
      }
    >
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 16 }}
        title={t('roles.separationTitle')}
        description={t('roles.separation')}
        data-testid="separation-of-duties"
      />
      <LoadError error={roles.error} />
      <Table<Role>
        rowKey="id"
        size="middle"
        data-testid="roles-table"
        loading={roles.loading}
        columns={columns}
        dataSource={roles.data ?? []}
        pagination={false}
      />
      {editing ? (
        <RoleModal
          role={editing === 'new' ? null : editing}
          readOnly={editing !== 'new' && (editing.builtin || !canManage)}
          permissions={permissions.data ?? []}
          permissionsError={permissions.error}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            roles.reload();
          }}
        />
      ) : null}
    </Card>
  );
}

interface RoleValues {
  code: string;
  name: string;
  nameEn?: string;
  description?: string;
  permissions: string[];
}

function RoleModal({
  role,
  readOnly,
  permissions,
  permissionsError,
  onClose,
  onSaved,
}: {
  role: Role | null;
  readOnly: boolean;
  permissions: Permission[];
  permissionsError: unknown;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<RoleValues>();

  async function save(values: RoleValues) {
    const common = {
      name: values.name.trim(),
      nameEn: values.nameEn?.trim() || undefined,
      description: trimmed(values.description),
      permissions: values.permissions,
    };
    if (role) {
      await updateRole(role.id, common);
      void message.success(t('roles.updated'));
    } else {
      await createRole({ code: values.code.trim(), ...common });
      void message.success(t('roles.created'));
    }
    onSaved();
  }

  return (
    <FormModal<RoleValues>
      form={form}
      width={760}
      title={role ? t(readOnly ? 'roles.viewTitle' : 'roles.editTitle', { name: roleName(role) }) : t('roles.create')}
      readOnly={readOnly}
      onSave={save}
      fieldCodes={{ HT_SYSTEM_ROLE_EXISTS: 'code' }}
      onClose={onClose}
      initialValues={
        role
          ? {
              code: role.code,
              name: role.name,
              nameEn: role.nameEn,
              description: role.description ?? '',
              permissions: role.permissions,
            }
          : { permissions: [] }
      }
    >
      {role?.builtin ? (
        <Alert type="info" showIcon title={t('roles.builtinReadOnly')} style={{ marginBottom: 16 }} />
      ) : null}
      <Flex gap={16} wrap>
        <Form.Item
          name="code"
          label={t('roles.code')}
          style={{ flex: 1 }}
          rules={
            role
              ? []
              : [
                  { required: true, message: t('roles.codeRequired') },
                  { pattern: /^[a-z][a-z0-9_-]{1,39}$/, message: t('roles.codePattern') },
                ]
          }
        >
          <Input disabled={!!role} data-testid="role-code" />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('roles.name')}
          style={{ flex: 1 }}
          rules={[{ required: true, whitespace: true, message: t('roles.nameRequired') }]}
        >
          <Input data-testid="role-name" />
        </Form.Item>
        <Form.Item name="nameEn" label={t('roles.nameEn')} style={{ flex: 1 }}>
          <Input data-testid="role-name-en" />
        </Form.Item>
      </Flex>
      <Form.Item name="description" label={t('roles.description')}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 3 }} />
      </Form.Item>
      {permissionsError ? (
        <Alert type="error" showIcon title={errorMessage(permissionsError, t('errors.loadFailed'))} />
      ) : null}
      <Form.Item name="permissions" label={t('roles.permissions')}>
        <PermissionPicker permissions={permissions} />
      </Form.Item>
    </FormModal>
  );
}
