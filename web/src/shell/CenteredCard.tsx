import { Card, Flex, Typography, theme } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import LanguageSwitch from './LanguageSwitch';
import Logo from './Logo';

/** Frame of the pages shown outside the console layout (sign-in, forced password change). */
export default function CenteredCard({
  title,
  children,
  width = 400,
}: {
  title: ReactNode;
  children: ReactNode;
  width?: number;
}) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  return (
    <Flex
      vertical
      align="center"
      justify="center"
      style={{ minHeight: '100vh', background: token.colorBgLayout, padding: 24 }}
    >
      <div style={{ position: 'fixed', top: 16, right: 24 }}>
        <LanguageSwitch />
      </div>
      <Flex vertical align="center" style={{ marginBottom: 24 }}>
        <Logo size={48} />
        <Typography.Title level={2} style={{ margin: '12px 0 0' }}>
          {t('app.name')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('auth.loginSubtitle')}</Typography.Text>
      </Flex>
      <Card title={title} style={{ width, maxWidth: '100%' }}>
        {children}
      </Card>
    </Flex>
  );
}
