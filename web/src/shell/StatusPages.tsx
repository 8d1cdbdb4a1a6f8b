import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';

export function Forbidden({ permission }: { permission: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status="403"
      title={t('errors.forbiddenTitle')}
      subTitle={t('errors.forbidden', { permission })}
      extra={<Button onClick={() => navigate('/overview')}>{t('common.backToOverview')}</Button>}
    />
  );
}

export function NotFound() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={t('errors.notFoundTitle')}
      subTitle={t('errors.notFound')}
      extra={<Button onClick={() => navigate('/overview')}>{t('common.backToOverview')}</Button>}
    />
  );
}
