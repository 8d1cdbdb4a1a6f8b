import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from '../i18n';

/** 中文 / English; the choice is remembered in this browser. */
export default function LanguageSwitch() {
  const { i18n, t } = useTranslation();
  return (
    <Segmented<Language>
      size="small"
      aria-label={t('header.language')}
      data-testid="language-switch"
      value={i18n.language === 'en' ? 'en' : 'zh-CN'}
      options={LANGUAGES.map((l) => ({ value: l.value, label: l.label }))}
      onChange={(value) => void setLanguage(value)}
    />
  );
}
