import { KeyOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Row,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/errors';
import { useAuth } from '../shell/auth';
import { applyServerErrors } from '../shell/formErrors';
import { formatTime, trimmed } from '../shell/format';
import PasswordForm from '../shell/PasswordForm';
import { useRequest } from '../shell/useRequest';
import { createToken, listTokens, revokeToken, updateProfile, type ApiToken, type CreatedToken } from './api';

interface DetailValues {
  displayName: string;
  email?: string;
  phone?: string;
}

export default function ProfilePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { me, setMe } = useAuth();
  const [form] = Form.useForm<DetailValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!me) return null;

  async function save(values: DetailValues) {
    setBusy(true);
    setError(null);
    try {
      setMe(
        await updateProfile({
          displayName: values.displayName.trim(),
          email: trimmed(values.email),
          phone: trimmed(values.phone),
        }),
      );
      void message.success(t('profile.updated'));
    } catch (err) {
      setError(applyServerErrors(form, err, t('errors.unexpected')) ?? null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={12}>
        <Card title={t('profile.account')} style={{ marginBottom: 16 }}>
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('users.username')}>{me.username}</Descriptions.Item>
            <Descriptions.Item label={t('users.roles')}>
              {me.roles.length ? me.roles.map((r) => <Tag key={r.id}>{r.name}</Tag>) : t('common.none')}
            </Descriptions.Item>
            <Descriptions.Item label={t('users.lastLoginAt')}>{formatTime(me.lastLoginAt)}</Descriptions.Item>
          </Descriptions>
        </Card>
        <Card title={t('profile.basic')}>
          {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
          <Form<DetailValues>
            form={form}
            layout="vertical"
            onFinish={save}
            data-testid="profile-form"
            initialValues={{ displayName: me.displayName, email: me.email ?? '', phone: me.phone ?? '' }}
          >
            <Form.Item
              name="displayName"
              label={t('users.displayName')}
              rules={[{ required: true, whitespace: true, message: t('users.displayNameRequired') }]}
            >
              <Input data-testid="profile-display-name" />
            </Form.Item>
            <Form.Item
              name="email"
              label={t('users.email')}
              rules={[{ type: 'email', message: t('users.emailInvalid') }]}
            >
              <Input data-testid="profile-email" />
            </Form.Item>
            <Form.Item name="phone" label={t('users.phone')}>
              <Input data-testid="profile-phone" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="profile-save">
              {t('common.save')}
            </Button>
          </Form>
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card title={t('password.title')}>
          <PasswordForm onChanged={() => void message.success(t('password.changed'))} />
        </Card>
      </Col>
      <Col span={24}>
        <TokensCard />
      </Col>
    </Row>
  );
}

function TokensCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const tokens = useRequest(listTokens, []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);

  async function revoke(token: ApiToken) {
    try {
      await revokeToken(token.id);
      void message.success(t('profile.tokenRevoked'));
      tokens.reload();
    } catch (err) {
      void message.error(errorMessage(err, t('errors.unexpected')));
    }
  }

  const columns: TableColumnsType<ApiToken> = [
    { title: t('profile.tokenName'), dataIndex: 'name' },
    {
      title: t('profile.tokenPrefix'),
      dataIndex: 'prefix',
      render: (v: string) => <Typography.Text code>{v}…</Typography.Text>,
    },
    { title: t('profile.tokenCreatedAt'), dataIndex: 'createdAt', render: (v: string) => formatTime(v) },
    {
      title: t('profile.tokenLastUsedAt'),
      dataIndex: 'lastUsedAt',
      render: (v: string | null) => (v ? formatTime(v) : t('profile.tokenNeverUsed')),
    },
    {
      title: t('profile.tokenExpiresAt'),
      dataIndex: 'expiresAt',
      render: (v: string | null) => (v ? formatTime(v) : t('profile.tokenNoExpiry')),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, token) => (
        <Popconfirm title={t('profile.tokenRevokeConfirm', { name: token.name })} onConfirm={() => revoke(token)}>
          <Button type="link" size="small" danger>
            {t('profile.tokenRevoke')}
          </Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <Card
      title={
        <span>
          <KeyOutlined /> {t('profile.tokens')}
        </span>
      }
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="token-create">
          {t('profile.tokenCreate')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('profile.tokensHint')}</Typography.Paragraph>
      {tokens.error ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={errorMessage(tokens.error, t('errors.loadFailed'))}
        />
      ) : null}
      <Table<ApiToken>
        rowKey="id"
        size="small"
        data-testid="tokens-table"
        loading={tokens.loading}
        columns={columns}
        dataSource={tokens.data ?? []}
        pagination={false}
      />
      {creating ? (
        <CreateTokenModal
          onClose={() => setCreating(false)}
          onCreated={(token) => {
            setCreating(false);
            setCreated(token);
            tokens.reload();
          }}
        />
      ) : null}
      {created ? (
        <Modal
          open
          title={t('profile.tokenCreatedTitle')}
          onCancel={() => setCreated(null)}
          footer={
            <Button type="primary" onClick={() => setCreated(null)}>
              {t('common.close')}
            </Button>
          }
        >
          <Alert type="warning" showIcon title={t('profile.tokenCreatedHint')} style={{ marginBottom: 16 }} />
          <Typography.Paragraph
            copyable={{ text: created.token, tooltips: [t('common.copy'), t('common.copied')] }}
            code
            data-testid="token-value"
            style={{ wordBreak: 'break-all' }}
          >
            {created.token}
          </Typography.Paragraph>
        </Modal>
      ) : null}
    </Card>
  );
}

function CreateTokenModal({ onClose, onCreated }: { onClose: () => void; onCreated: (token: CreatedToken) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ name: string; expiresInDays?: number | null }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(values: { name: string; expiresInDays?: number | null }) {
    setBusy(true);
    setError(null);
    try {
      onCreated(await createToken(values.name.trim(), values.expiresInDays ?? undefined));
    } catch (err) {
      setError(applyServerErrors(form, err, t('errors.unexpected')) ?? null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      title={t('profile.tokenCreate')}
      okText={t('common.create')}
      onOk={() => form.submit()}
      confirmLoading={busy}
      onCancel={onClose}
      destroyOnHidden
    >
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          name="name"
          label={t('profile.tokenName')}
          rules={[{ required: true, whitespace: true, message: t('profile.tokenNameRequired') }]}
        >
          <Input maxLength={100} data-testid="token-name" />
        </Form.Item>
        <Form.Item
          name="expiresInDays"
          label={t('profile.tokenExpiresInDays')}
          extra={t('profile.tokenExpiresInDaysHint')}
        >
          <InputNumber min={1} max={3650} precision={0} style={{ width: 160 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
