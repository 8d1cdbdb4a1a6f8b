/**
 * 规则转换: named JSONata transforms of a domain (referenced by subscriptions), and a try-it panel that runs an
 * expression against a stored message or a pasted body — nothing is saved or sent.
 */
import { CaretRightOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Form,
  Input,
  Radio,
  Row,
  Space,
  Table,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/errors';
import { useAuth } from '../shell/auth';
import { CreateButton, DeleteAction, FormModal, RefreshButton, useAct } from '../shell/crud';
import { formatTime, optional, trimmed } from '../shell/format';
import { PERMISSIONS } from '../shell/navigation';
import { useRequest } from '../shell/useRequest';
import {
  createTransform,
  deleteTransform,
  listTransforms,
  tryTransform,
  updateTransform,
  type Domain,
  type Transform,
  type TryKind,
  type TryResult,
} from './api';
import { prettyBody } from './body';
import { CodeBlock, codeRule, ErrorAlert, formatMs } from './common';
import { DomainCard, useEngineDomain } from './domain';

export default function TransformsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canManage = can(PERMISSIONS.engineTransformManage);
  const engine = useEngineDomain();
  const domainId = engine.domainId;
  const transforms = useRequest(() => (domainId ? listTransforms(domainId) : Promise.resolve([])), [domainId]);
  const act = useAct(transforms.reload);
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<Transform | 'new' | null>(null);
  const [tryExpression, setTryExpression] = useState<{ expression: string; n: number } | null>(null);

  const shown = (transforms.data ?? []).filter(
    (x) => !q || x.code.toLowerCase().includes(q.toLowerCase()) || x.name.toLowerCase().includes(q.toLowerCase()),
  );

  const columns: TableColumnsType<Transform> = [
    {
      title: t('engine.transforms.code'),
      dataIndex: 'code',
      render: (v: string) => <Typography.Text strong>{v}</Typography.Text>,
    },
    { title: t('engine.transforms.name'), dataIndex: 'name' },
    {
      title: t('engine.transforms.expression'),
      dataIndex: 'expression',
      render: (v: string) => (
        <Typography.Text code style={{ maxWidth: 360 }} ellipsis={{ tooltip: v }}>
          {v}
        </Typography.Text>
      ),
    },
    {
      title: t('engine.description'),
      dataIndex: 'description',
      responsive: ['xl'],
      render: (v: string | null) => v || '—',
    },
    { title: t('engine.updatedAt'), dataIndex: 'updatedAt', responsive: ['lg'], render: (v: string) => formatTime(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, x) => (
        <Space size={0}>
          <Button
            type="link"
            size="small"
            onClick={() => setTryExpression({ expression: x.expression, n: Date.now() })}
          >
            {t('engine.transforms.try')}
          </Button>
          {canManage ? (
            <>
              <Button type="link" size="small" onClick={() => setEditing(x)}>
                {t('common.edit')}
              </Button>
              <DeleteAction
                title={t('engine.transforms.deleteConfirm', { name: x.name })}
                onConfirm={() => act(() => deleteTransform(x.id), t('engine.deleted'))}
              />
            </>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <DomainCard
        title={t('nav.engine.transforms')}
        engine={engine}
        extra={
          canManage && domainId ? (
            <CreateButton onClick={() => setEditing('new')} testId="transform-create">
              {t('engine.transforms.create')}
            </CreateButton>
          ) : null
        }
      >
        <Typography.Paragraph type="secondary">{t('engine.transforms.hint')}</Typography.Paragraph>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            placeholder={t('engine.transforms.searchPlaceholder')}
            style={{ width: 280 }}
            onSearch={(v) => setQ(v.trim())}
          />
          <RefreshButton onClick={transforms.reload} />
        </Flex>
        <ErrorAlert error={transforms.error} />
        <Table<Transform>
          rowKey="id"
          size="middle"
          data-testid="transforms-table"
          loading={transforms.loading}
          columns={columns}
          dataSource={shown}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
        />
      </DomainCard>
      <TryPanel domainId={domainId} preset={tryExpression} />
      {editing && engine.domain ? (
        <TransformModal
          domain={engine.domain}
          transform={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            transforms.reload();
          }}
        />
      ) : null}
    </Space>
  );
}

interface TransformValues {
  code: string;
  name: string;
  description?: string;
  expression: string;
}

function TransformModal({
  domain,
  transform,
  onClose,
  onSaved,
}: {
  domain: Domain;
  transform: Transform | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<TransformValues>();

  async function save(v: TransformValues) {
    if (transform) {
      await updateTransform(transform.id, {
        name: v.name.trim(),
        description: trimmed(v.description),
        expression: v.expression,
      });
    } else {
      await createTransform({
        domainId: domain.id,
        code: v.code.trim(),
        name: v.name.trim(),
        description: optional(v.description),
        expression: v.expression,
      });
    }
    onSaved();
  }

  return (
    <FormModal<TransformValues>
      form={form}
      width={760}
      title={transform ? t('engine.transforms.editTitle', { name: transform.name }) : t('engine.transforms.create')}
      onSave={save}
      fieldCodes={{ HT_ENGINE_CONFLICT: 'code', HT_ENGINE_EXPRESSION_INVALID: 'expression' }}
      onClose={onClose}
      initialValues={
        transform
          ? {
              code: transform.code,
              name: transform.name,
              description: transform.description ?? '',
              expression: transform.expression,
            }
          : {}
      }
    >
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item
            name="code"
            label={t('engine.transforms.code')}
            extra={transform ? undefined : t('engine.transforms.codeHint')}
            rules={transform ? [] : [{ required: true, message: t('engine.codeRequired') }, codeRule(t, 64)]}
          >
            <Input disabled={!!transform} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name="name"
            label={t('engine.transforms.name')}
            rules={[{ required: true, whitespace: true, message: t('engine.nameRequired') }]}
          >
            <Input />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="description" label={t('engine.description')}>
        <Input.TextArea rows={2} />
      </Form.Item>
      <Form.Item
        name="expression"
        label={t('engine.transforms.expression')}
        extra={t('engine.transforms.expressionHint')}
        rules={[{ required: true, whitespace: true, message: t('engine.transforms.expressionRequired') }]}
      >
        <Input.TextArea rows={12} style={{ fontFamily: 'monospace', fontSize: 12 }} />
      </Form.Item>
    </FormModal>
  );
}

interface TryValues {
  kind: TryKind;
  expression: string;
  source: 'message' | 'body';
  messageId?: string;
  body?: string;
  contentType?: string;
}

/** The expression with a caret under the error position (JSONata positions count characters from 1). */
function markPosition(expression: string, position: number): string {
  const index = Math.max(0, Math.min(position - 1, expression.length));
  const lineStart = expression.lastIndexOf('\n', index - 1) + 1;
  const lineEnd = expression.indexOf('\n', index);
  const line = expression.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  return `${line}\n${' '.repeat(index - lineStart)}^`;
}

function TryPanel({ domainId, preset }: { domainId?: string; preset: { expression: string; n: number } | null }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<TryValues>();
  const source = Form.useWatch('source', form);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ r: TryResult; expression: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!preset) return;
    form.setFieldsValue({ expression: preset.expression, kind: 'transform' });
    panel.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [preset, form]);

  async function run(v: TryValues) {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await tryTransform({
        kind: v.kind,
        expression: v.expression,
        domainId,
        ...(v.source === 'message'
          ? { messageId: v.messageId?.trim() }
          : { body: v.body ?? '', contentType: v.contentType?.trim() || undefined }),
      });
      setResult({ r, expression: v.expression });
    } catch (err) {
      setError(errorMessage(err, t('errors.unexpected')));
    } finally {
      setBusy(false);
    }
  }

  const r = result?.r;
  return (
    <Card title={t('engine.transforms.tryTitle')} data-testid="transform-try" ref={panel}>
      <Typography.Paragraph type="secondary">{t('engine.transforms.tryHint')}</Typography.Paragraph>
      <Form<TryValues>
        form={form}
        layout="vertical"
        onFinish={run}
        initialValues={{ kind: 'transform', source: 'message', contentType: 'application/json' }}
      >
        <Row gutter={16}>
          <Col xs={24} xl={12}>
            <Form.Item name="kind" label={t('engine.transforms.kind')}>
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'transform', label: t('engine.transforms.kindTransform') },
                  { value: 'filter', label: t('engine.transforms.kindFilter') },
                ]}
              />
            </Form.Item>
            <Form.Item
              name="expression"
              label={t('engine.transforms.expression')}
              rules={[{ required: true, whitespace: true, message: t('engine.transforms.expressionRequired') }]}
            >
              <Input.TextArea
                rows={10}
                style={{ fontFamily: 'monospace', fontSize: 12 }}
                data-testid="try-expression"
              />
            </Form.Item>
          </Col>
          <Col xs={24} xl={12}>
            <Form.Item name="source" label={t('engine.transforms.input')}>
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'message', label: t('engine.transforms.fromMessage') },
                  { value: 'body', label: t('engine.transforms.fromBody') },
                ]}
              />
            </Form.Item>
            {source === 'body' ? (
              <>
                <Form.Item name="contentType" label={t('engine.messages.contentType')}>
                  <Input style={{ fontFamily: 'monospace' }} />
                </Form.Item>
                <Form.Item
                  name="body"
                  label={t('engine.messages.body')}
                  rules={[{ required: true, message: t('engine.messages.bodyRequired') }]}
                >
                  <Input.TextArea rows={6} style={{ fontFamily: 'monospace', fontSize: 12 }} data-testid="try-body" />
                </Form.Item>
              </>
            ) : (
              <Form.Item
                name="messageId"
                label={t('engine.messages.id')}
                rules={[{ required: true, whitespace: true, message: t('engine.transforms.messageIdRequired') }]}
              >
                <Input style={{ fontFamily: 'monospace' }} data-testid="try-message-id" />
              </Form.Item>
            )}
            <Button type="primary" htmlType="submit" icon={<CaretRightOutlined />} loading={busy} data-testid="try-run">
              {t('engine.transforms.run')}
            </Button>
          </Col>
        </Row>
      </Form>
      {error ? <Alert type="error" showIcon title={error} style={{ marginTop: 16 }} /> : null}
      {r ? (
        <div style={{ marginTop: 16 }} data-testid="try-result">
          {r.ok ? (
            <Alert
              type="success"
              showIcon
              title={t('engine.transforms.ok', { duration: formatMs(r.durationMs) })}
              style={{ marginBottom: 12 }}
            />
          ) : (
            <Alert
              type="error"
              showIcon
              title={r.error?.message ?? t('engine.transforms.failed')}
              description={
                r.error?.position !== undefined && r.error.position !== null && result ? (
                  <pre style={{ margin: 0, fontSize: 12 }}>
                    {t('engine.transforms.position', { position: r.error.position })}
                    {'\n'}
                    {markPosition(result.expression, r.error.position)}
                  </pre>
                ) : undefined
              }
              style={{ marginBottom: 12 }}
            />
          )}
          {r.ok ? (
            <Descriptions
              size="small"
              bordered
              column={1}
              items={[
                ...(r.result !== undefined
                  ? [
                      {
                        key: 'result',
                        label: t('engine.transforms.result'),
                        children: <CodeBlock text={JSON.stringify(r.result, null, 2) ?? 'undefined'} maxHeight={300} />,
                      },
                    ]
                  : []),
                ...(r.output
                  ? [
                      {
                        key: 'output',
                        label: `${t('engine.transforms.output')} (${r.output.contentType})`,
                        children: (
                          <CodeBlock text={prettyBody(r.output.body, r.output.contentType).text} maxHeight={400} />
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
