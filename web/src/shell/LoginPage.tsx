import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { errorMessage } from '../api/errors';
import { safeNext, useAuth } from './auth';
import CenteredCard from './CenteredCard';

interface Values {
  username: string;
  password: string;
}

export default function LoginPage() {
  const { t } = useTranslation();
  const { state, login } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (state.status === 'ready') return <Navigate to={next ?? '/overview'} replace />;
  const changePath = next ? `/change-password?next=${encodeURIComponent(next)}` : '/change-password';
  if (state.status === 'password-change') return <Navigate to={changePath} replace />;

  async function submit(values: Values) {
    setBusy(true);
    setError(null);
    try {
      const me = await login(values.username.trim(), values.password);
      void navigate(me.mustChangePassword ? changePath : (next ?? '/overview'), { replace: true });
    } catch (err) {
      setError(errorMessage(err, t('auth.loginFailed')));
      setBusy(false);
    }
  }

  return (
    <CenteredCard title={t('auth.loginTitle')}>
      {error ? (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />
      ) : null}
      <Form<Values> layout="vertical" onFinish={submit} requiredMark={false} data-testid="login-form">
        <Form.Item
          name="username"
          label={t('auth.username')}
          rules={[{ required: true, message: t('auth.usernameRequired') }]}
        >
          <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('auth.password')}
          rules={[{ required: true, message: t('auth.passwordRequired') }]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
          {t('auth.submit')}
        </Button>
      </Form>
    </CenteredCard>
  );
}
