/**
 * 试一试 (try it): the service's example as canonical JSON or as V3 XML, editable, sent through the server's real
 * ingest pipeline on the service's topic. Shows what a REST caller would get back (status, pretty reply), a link to
 * the stored message, or the refusal with its code, message and field problems (the refused message is recorded too).
 */
import { RollbackOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Descriptions, Flex, Input, Tabs, Tag, Typography, theme } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError, errorMessage } from '../api/errors';
import { indentXml, prettyBody } from '../engine/body';
import { CodeBlock } from '../engine/common';
import { useAuth } from '../shell/auth';
import { PERMISSIONS } from '../shell/navigation';
import { tryService, type ServiceDefinition, type TryFormat, type TryResult } from './api';

/** The example a tab starts with: JSON indented, V3 laid out one element per line (insignificant whitespace). */
function exampleOf(s: ServiceDefinition, format: TryFormat): string {
  if (format === 'json') return JSON.stringify(s.examples.json, null, 2);
  return s.examples.v3Request ? indentXml(s.examples.v3Request) : '';
}

export const messagePath = (id: string) => `/engine/messages/${encodeURIComponent(id)}`;

export default function TryItCard({ s, onSent }: { s: ServiceDefinition; onSent: () => void }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const [format, setFormat] = useState<TryFormat>('json');
  const [texts, setTexts] = useState<Record<TryFormat, string>>(() => ({
    json: exampleOf(s, 'json'),
    v3: exampleOf(s, 'v3'),
  }));
  const [sending, setSending] = useState(false);
  // Updates, status messages and cancellations refer to records that must exist: create them first (default on).
  const [prerequisites, setPrerequisites] = useState(s.operation !== 'query' && s.operation !== 'add');
  const [result, setResult] = useState<TryResult | null>(null);
  const [error, setError] = useState<unknown>(null);

  const text = texts[format];
  const unchanged = text === exampleOf(s, format);

  async function send() {
    setSending(true);
    setResult(null);
    setError(null);
    try {
      // Unchanged: the server sends the example exactly as the catalogue holds it.
      setResult(
        await tryService(s.action, {
          format,
          ...(unchanged ? {} : { body: text }),
          ...(s.operation !== 'query' ? { prerequisites } : {}),
        }),
      );
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
      onSent();
    }
  }

  const editor = (f: TryFormat) => (
    <Input.TextArea
      value={texts[f]}
      onChange={(e) => setTexts((prev) => ({ ...prev, [f]: e.target.value }))}
      autoSize={{ minRows: 10, maxRows: 28 }}
      spellCheck={false}
      style={{ fontFamily: token.fontFamilyCode, fontSize: 12 }}
      data-testid={`try-editor-${f}`}
    />
  );

  return (
    <Card title={t('services.try.title')} size="small" data-testid="try-it">
      <Typography.Paragraph type="secondary">{t('services.try.hint')}</Typography.Paragraph>
      <Tabs
        activeKey={format}
        onChange={(k) => setFormat(k as TryFormat)}
        items={[
          { key: 'json', label: <span data-testid="try-tab-json">JSON</span>, children: editor('json') },
          { key: 'v3', label: <span data-testid="try-tab-v3">{t('services.try.v3')}</span>, children: editor('v3') },
        ]}
      />
      <Flex gap={8} style={{ marginTop: 12 }} wrap align="center">
        <Button
          type="primary"
          icon={<SendOutlined />}
          loading={sending}
          disabled={!text.trim()}
          onClick={() => void send()}
          data-testid="try-send"
        >
          {t('services.try.send')}
        </Button>
        <Button
          icon={<RollbackOutlined />}
          disabled={unchanged}
          onClick={() => setTexts((prev) => ({ ...prev, [format]: exampleOf(s, format) }))}
          data-testid="try-reset"
        >
          {t('services.try.reset')}
        </Button>
        <Typography.Text type="secondary">
          {unchanged ? t('services.try.sendsExample') : t('services.try.sendsEdited')}
        </Typography.Text>
        {s.operation !== 'query' ? (
          <Checkbox
            checked={prerequisites}
            onChange={(e) => setPrerequisites(e.target.checked)}
            data-testid="try-prerequisites"
          >
            {t('services.try.prerequisites')}
          </Checkbox>
        ) : null}
      </Flex>
      {result ? <TryReply result={result} /> : null}
      {error ? <TryError error={error} /> : null}
    </Card>
  );
}

function MessageLink({ id }: { id: string }) {
  const { can } = useAuth();
  return can(PERMISSIONS.engineMessageRead) ? (
    <Link to={messagePath(id)} data-testid="try-message-link">
      <Typography.Text code>{id}</Typography.Text>
    </Link>
  ) : (
    <Typography.Text code copyable>
      {id}
    </Typography.Text>
  );
}

function TryReply({ result }: { result: TryResult }) {
  const { t } = useTranslation();
  const ok = result.statusCode < 300;
  const pretty = prettyBody(result.reply, result.contentType);
  return (
    <div style={{ marginTop: 16 }} data-testid="try-result">
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, md: 3 }}
        items={[
          {
            key: 'status',
            label: t('services.try.status'),
            children: (
              <Tag color={ok ? 'success' : 'error'} data-testid="try-status">
                {result.statusCode}
              </Tag>
            ),
          },
          {
            key: 'outcome',
            label: t('services.try.outcome'),
            children: (
              <span data-testid="try-outcome">
                {t(`services.try.outcomeName.${result.outcome}`, { defaultValue: result.outcome })}
              </span>
            ),
          },
          { key: 'message', label: t('services.try.message'), children: <MessageLink id={result.messageId} /> },
        ]}
      />
      {result.prerequisites?.length ? (
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }} data-testid="try-prerequisites-sent">
          {t('services.try.prerequisitesSent')}{' '}
          {result.prerequisites.map((p) => (
            <span key={p.messageId} style={{ marginRight: 8 }}>
              {p.action} <MessageLink id={p.messageId} />
            </span>
          ))}
        </Typography.Paragraph>
      ) : null}
      <Typography.Text strong style={{ display: 'block', margin: '12px 0 8px' }}>
        {t('services.try.reply')}{' '}
        <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
          {result.contentType}
        </Typography.Text>
      </Typography.Text>
      <CodeBlock text={pretty.text} testId="try-reply" maxHeight={480} />
    </div>
  );
}

function TryError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const problem = error instanceof ApiError ? error : null;
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginTop: 16 }}
      data-testid="try-error"
      title={
        <span>
          {problem ? (
            <Typography.Text code data-testid="try-error-code">
              {problem.code}
            </Typography.Text>
          ) : null}{' '}
          {problem?.status ? <Tag>{problem.status}</Tag> : null}
          <span data-testid="try-error-message">{errorMessage(error, t('errors.unexpected'))}</span>
        </span>
      }
      description={
        <>
          {problem?.errors.length ? (
            <ul style={{ margin: '4px 0', paddingLeft: 20 }} data-testid="try-error-fields">
              {problem.errors.map((e, i) => (
                <li key={`${e.path}-${i}`}>
                  {e.path ? <Typography.Text code>{e.path}</Typography.Text> : null} {e.message}
                </li>
              ))}
            </ul>
          ) : null}
          {problem && problem.status > 0 ? (
            <Typography.Text type="secondary">{t('services.try.recordedRejected')}</Typography.Text>
          ) : null}
        </>
      }
    />
  );
}
