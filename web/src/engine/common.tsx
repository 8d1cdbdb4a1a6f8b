/** Small pieces shared by the engine pages: status tags, error banners, code blocks, the enable/disable action. */
import { CopyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Popconfirm, Tag, Tooltip, Typography, theme } from 'antd';
import type { CSSProperties, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError, type Act } from '../shell/crud';

export function EnabledTag({ enabled }: { enabled: boolean }) {
  const { t } = useTranslation();
  return enabled ? <Tag color="green">{t('engine.enabled')}</Tag> : <Tag>{t('engine.disabled')}</Tag>;
}

export function ErrorAlert({ error, style }: { error: unknown; style?: CSSProperties }) {
  return <LoadError error={error} style={style} testId="engine-error" />;
}

/** Enables or disables a row after asking; the trigger is a link button unless another (a switch) is given. */
export function EnableAction({
  name,
  enabled,
  act,
  update,
  children,
}: {
  name: string;
  enabled: boolean;
  act: Act;
  update: (enabled: boolean) => Promise<unknown>;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Popconfirm
      title={enabled ? t('engine.disableConfirm', { name }) : t('engine.enableConfirm', { name })}
      onConfirm={() => act(() => update(!enabled), enabled ? t('engine.disabledDone') : t('engine.enabledDone'))}
    >
      {children ?? (
        <Button type="link" size="small" danger={enabled}>
          {enabled ? t('engine.disable') : t('engine.enable')}
        </Button>
      )}
    </Popconfirm>
  );
}

const MESSAGE_COLORS: Record<string, string> = {
  pending: 'processing',
  delivered: 'success',
  failed: 'error',
  no_route: 'default',
  answered: 'success',
  rejected: 'warning',
  sync_ok: 'success',
  sync_failed: 'error',
};

export function MessageStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={MESSAGE_COLORS[status] ?? 'default'} data-testid="message-status">
      {t(`engine.messageStatus.${status}`, { defaultValue: status })}
    </Tag>
  );
}

const DELIVERY_COLORS: Record<string, string> = {
  pending: 'processing',
  in_flight: 'processing',
  retry: 'warning',
  delivered: 'success',
  dead: 'error',
  cancelled: 'default',
};

export function DeliveryStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={DELIVERY_COLORS[status] ?? 'default'} data-testid="delivery-status">
      {t(`engine.deliveryStatus.${status}`, { defaultValue: status })}
    </Tag>
  );
}

/** Monospace text in a scrollable box, with a copy button. */
export function CodeBlock({
  text,
  maxHeight = 420,
  testId,
  extra,
}: {
  text: string;
  maxHeight?: number;
  testId?: string;
  extra?: ReactNode;
}) {
  const { token } = theme.useToken();
  const { t } = useTranslation();
  const { message } = App.useApp();
  return (
    <div style={{ position: 'relative' }}>
      <div style={{ position: 'absolute', top: 6, right: 6, display: 'flex', gap: 4, zIndex: 1 }}>
        {extra}
        <Tooltip title={t('common.copy')}>
          <Button
            size="small"
            icon={<CopyOutlined />}
            aria-label={t('common.copy')}
            onClick={() =>
              void navigator.clipboard
                .writeText(text)
                .then(() => message.success(t('common.copied')))
                .catch(() => message.error(t('engine.copyFailed')))
            }
          />
        </Tooltip>
      </div>
      <pre
        data-testid={testId}
        style={{
          margin: 0,
          padding: '12px 48px 12px 12px',
          background: token.colorFillTertiary,
          borderRadius: token.borderRadius,
          maxHeight,
          overflow: 'auto',
          fontSize: 12,
          lineHeight: 1.6,
          fontFamily: token.fontFamilyCode,
          whiteSpace: 'pre',
        }}
      >
        {text}
      </pre>
    </div>
  );
}

/** A short text in monospace that may be long: ellipsis with the whole value in a tooltip. */
export function Mono({ value, width = 220 }: { value: string | null | undefined; width?: number }) {
  if (!value) return <>—</>;
  return (
    <Typography.Text code style={{ maxWidth: width }} ellipsis={{ tooltip: value }}>
      {value}
    </Typography.Text>
  );
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Reads a chosen file as text (UTF-8) or as base64 (binary formats such as xlsx). */
export function readFile(file: File, as: 'text' | 'base64'): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.onload = () => {
      const result = reader.result;
      if (typeof result !== 'string') return reject(new Error('read failed'));
      resolve(as === 'base64' ? result.slice(result.indexOf(',') + 1) : result);
    };
    if (as === 'base64') reader.readAsDataURL(file);
    else reader.readAsText(file, 'utf-8');
  });
}

/** Form values of optional numbers: antd's InputNumber gives null for an empty field. */
export function num(value: number | null | undefined): number | undefined {
  return value === null || value === undefined ? undefined : value;
}

/** Codes as the server takes them: letters, digits, `_ -` (and `.` except for domains), as in /api/hip/{域}/{主题}. */
export function codeRule(t: (key: string, options?: Record<string, unknown>) => string, max = 64, dot = true) {
  return {
    pattern: dot ? new RegExp(`^[A-Za-z0-9_.-]{1,${max}}$`) : new RegExp(`^[A-Za-z0-9_-]{1,${max}}$`),
    message: t(dot ? 'engine.codePattern' : 'engine.codePatternNoDot', { max }),
  };
}

/** What a paged list shows while there is nothing to ask for (no domain yet). */
export function emptyPage<T>(): { items: T[]; total: number; page: number; pageSize: number } {
  return { items: [], total: 0, page: 1, pageSize: 20 };
}

/** What prevents an import (or what was skipped), one line each. */
export function ProblemList({ problems }: { problems: string[] }) {
  const { t } = useTranslation();
  if (!problems.length) return null;
  return (
    <Alert
      type="error"
      showIcon
      title={t('engine.domains.problems')}
      data-testid="import-problems"
      description={
        <ul style={{ margin: 0, paddingInlineStart: 20, maxHeight: 240, overflow: 'auto' }}>
          {problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      }
    />
  );
}
