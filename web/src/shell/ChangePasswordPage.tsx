import { App, Button, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate, useSearchParams } from 'react-router-dom';
import { safeNext, useAuth } from './auth';
import CenteredCard from './CenteredCard';
import PasswordForm from './PasswordForm';

/** The page a user is held on while the server requires a password change (first sign-in, reset). */
export default function ChangePasswordPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { state, refresh, logout } = useAuth();
  const [params] = useSearchParams();

  if (state.status === 'anonymous') return <Navigate to="/login" replace />;
  if (state.status === 'ready') return <Navigate to={safeNext(params.get('next')) ?? '/overview'} replace />;

  return (
    <CenteredCard title={t('password.forcedTitle')} width={460}>
      <Typography.Paragraph type="secondary">{t('password.forcedHint')}</Typography.Paragraph>
      <PasswordForm
        onChanged={async () => {
          void message.success(t('password.changed'));
          await refresh();
        }}
      />
      <Button type="link" style={{ paddingInline: 0, marginTop: 8 }} onClick={() => void logout()}>
        {t('header.logout')}
      </Button>
    </CenteredCard>
  );
}
