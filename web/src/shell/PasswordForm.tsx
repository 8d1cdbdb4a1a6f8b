import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, ProblemCode, errorMessage } from '../api/errors';
import { changePassword } from './api';
import { PASSWORD_MIN_LENGTH, passwordClassCount } from './format';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/** The password policy, shown wherever a password is chosen. */
export function PasswordPolicy() {
  const { t } = useTranslation();
  return (
    <Alert
      type="info"
      showIcon
      data-testid="password-policy"
      title={t('password.policyTitle')}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 20 }}>
          <li>{t('password.policyLength')}</li>
          <li>{t('password.policyClasses')}</li>
          <li>{t('password.policyHistory')}</li>
        </ul>
      }
    />
  );
}

/** Client-side check of the rules the browser can see; the server has the last word. */
export function usePasswordRules() {
  const { t } = useTranslation();
  return [
    {
      validator: async (_: unknown, value: string | undefined) => {
        if (!value) return;
        if (value.length < PASSWORD_MIN_LENGTH) throw new Error(t('password.tooShort'));
        if (passwordClassCount(value) < 3) throw new Error(t('password.tooFewClasses'));
      },
    },
  ];
}

/** Current + new + confirm; calls POST /api/auth/password and reports server errors on the fields. */
export default function PasswordForm({ onChanged }: { onChanged: () => void | Promise<void> }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rules = usePasswordRules();

  async function submit(values: Values) {
    setBusy(true);
    setError(null);
    try {
      await changePassword(values.currentPassword, values.newPassword);
      form.resetFields();
      await onChanged();
    } catch (err) {
      const msg = errorMessage(err, t('errors.unexpected'));
      if (err instanceof ApiError && err.code === ProblemCode.invalidCredentials) {
        form.setFields([{ name: 'currentPassword', errors: [msg] }]);
      } else if (
        err instanceof ApiError &&
        (err.code === ProblemCode.passwordPolicy || err.code === ProblemCode.passwordReused)
      ) {
        form.setFields([{ name: 'newPassword', errors: [msg] }]);
      } else {
        setError(msg);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Form<Values> form={form} layout="vertical" onFinish={submit} requiredMark={false} data-testid="password-form">
      <PasswordPolicy />
      <div style={{ height: 16 }} />
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form.Item
        name="currentPassword"
        label={t('password.current')}
        rules={[{ required: true, message: t('password.currentRequired') }]}
      >
        <Input.Password autoComplete="current-password" data-testid="current-password" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('password.new')}
        rules={[{ required: true, message: t('password.newRequired') }, ...rules]}
      >
        <Input.Password autoComplete="new-password" data-testid="new-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('password.confirm')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('password.confirmRequired') },
          ({ getFieldValue }) => ({
            validator: async (_: unknown, value: string | undefined) => {
              if (value && value !== getFieldValue('newPassword')) throw new Error(t('password.mismatch'));
            },
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="confirm-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="change-password-submit">
        {t('password.submit')}
      </Button>
    </Form>
  );
}
