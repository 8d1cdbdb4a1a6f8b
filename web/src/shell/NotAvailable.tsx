import { Button, Result, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';

/**
 * The one honest page for every area not built yet: it says so, names the page and tells what it
 * will do — no sample data, no placeholder charts.
 */
export default function NotAvailable({ area, page }: { area: string; page?: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const areaName = t(`nav.${area}.title`);
  const pageName = page ? t(`nav.${area}.${page}`) : areaName;
  const description = t(`soon.${area}.${page ?? 'area'}`);
  return (
    <Result
      data-testid="not-available"
      status="info"
      title={`${pageName} · ${t('soon.title')}`}
      subTitle={
        page ? t('soon.subtitle', { page: pageName, area: areaName }) : t('soon.subtitleArea', { area: areaName })
      }
      extra={
        <Button type="primary" onClick={() => navigate('/overview')}>
          {t('common.backToOverview')}
        </Button>
      }
    >
      <div style={{ maxWidth: 720, margin: '0 auto', textAlign: 'center' }}>
        <Typography.Paragraph>{t('soon.plan', { description })}</Typography.Paragraph>
        {page ? (
          <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
            {t(`soon.${area}.area`)}
          </Typography.Paragraph>
        ) : null}
      </div>
    </Result>
  );
}
