/** Small pieces shared by the catalogue pages: operation, kind and category shown the same way everywhere. */
import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ServiceOperation } from './api';

const OPERATION_COLORS: Record<ServiceOperation, string> = {
  add: 'green',
  update: 'blue',
  query: 'purple',
  cancel: 'orange',
  delete: 'red',
  publish: 'cyan',
};

export function OperationTag({ operation }: { operation: ServiceOperation }) {
  const { t } = useTranslation();
  return (
    <Tag color={OPERATION_COLORS[operation]} data-testid="service-operation">
      {t(`services.operationName.${operation}`)}
    </Tag>
  );
}

export function KindTag({ standard }: { standard: boolean }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={standard ? t('services.standardHint') : t('services.privateHint')}>
      {standard ? <Tag color="gold">{t('services.standard')}</Tag> : <Tag>{t('services.private')}</Tag>}
    </Tooltip>
  );
}

/** Categories are the catalogue's own (Chinese) names; translated where the console knows them. */
export function useCategoryName(): (category: string) => string {
  const { t } = useTranslation();
  return (category) => t(`services.categoryName.${category}`, { defaultValue: category });
}

/** The service's name in the console's language (the catalogue carries both); re-renders on a language switch. */
export function useServiceName(): (s: { name: string; nameEn: string }) => string {
  const { i18n } = useTranslation();
  const english = i18n.language === 'en';
  return (s) => (english && s.nameEn ? s.nameEn : s.name);
}
