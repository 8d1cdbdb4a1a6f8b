/**
 * One message: summary, index fields, headers, warnings, the body made readable, the reply, its lineage (resends),
 * every delivery with its attempts, and the trace of each step. Resend the message or one delivery, or edit the
 * body and resend (a new message linked to this one).
 */
import {
  ArrowLeftOutlined,
  CheckCircleOutlined,
  ClockCircleOutlined,
  CloseCircleOutlined,
  EditOutlined,
  ExclamationCircleOutlined,
  RedoOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Result,
  Row,
  Space,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
  type TableColumnsType,
  type TimelineProps,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, errorMessage } from '../api/errors';
import { useAuth } from '../shell/auth';
import { ConfirmAction, RefreshButton, useAct } from '../shell/crud';
import { formatTime } from '../shell/format';
import { PERMISSIONS } from '../shell/navigation';
import { useRequest } from '../shell/useRequest';
import {
  editResend,
  getMessage,
  resendDelivery,
  resendMessage,
  type Attempt,
  type Delivery,
  type MessageDetail,
  type TraceStep,
} from './api';
import { bodyKind, prettyBody } from './body';
import { CodeBlock, DeliveryStatusTag, ErrorAlert, formatBytes, formatMs, MessageStatusTag, Mono } from './common';
import StructureView from './StructureView';
import { INDEX_FIELDS } from './types';

export default function MessageDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { can } = useAuth();
  const canResend = can(PERMISSIONS.engineMessageResend);
  const canEditResend = can(PERMISSIONS.engineMessageEditResend);
  const detail = useRequest(() => getMessage(id), [id]);
  const act = useAct(detail.reload);
  const [editing, setEditing] = useState(false);
  const m = detail.data;

  async function resend() {
    try {
      const r = await resendMessage(id);
      void message.success(t('engine.messages.resent'));
      void navigate(`/engine/messages/${encodeURIComponent(r.messageId)}`);
    } catch (err) {
      void message.error(errorMessage(err, t('errors.unexpected')));
    }
  }

  const resendOne = (d: Delivery) => act(() => resendDelivery(d.id), t('engine.messages.deliveryResent'));

  if (detail.error && !m) {
    const notFound = detail.error instanceof ApiError && detail.error.status === 404;
    return (
      <Card>
        <Result
          status={notFound ? '404' : 'error'}
          title={notFound ? t('engine.messages.notFound') : t('errors.loadFailed')}
          subTitle={errorMessage(detail.error, t('errors.loadFailed'))}
          extra={<Button onClick={() => navigate('/engine/messages')}>{t('engine.messages.back')}</Button>}
        />
      </Card>
    );
  }

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="message-detail">
      <Card
        loading={!m && detail.loading}
        title={
          <Space wrap>
            <Button
              type="text"
              icon={<ArrowLeftOutlined />}
              onClick={() => navigate(-1)}
              aria-label={t('engine.messages.back')}
            />
            <span>{t('engine.messages.detailTitle')}</span>
            <Typography.Text code copyable data-testid="message-id">
              {id}
            </Typography.Text>
            {m ? <MessageStatusTag status={m.status} /> : null}
          </Space>
        }
        extra={
          <Space wrap>
            <RefreshButton onClick={detail.reload} loading={detail.loading} />
            {canResend && m ? (
              <Popconfirm title={t('engine.messages.resendConfirm')} onConfirm={resend}>
                <Button icon={<RedoOutlined />} data-testid="message-resend">
                  {t('engine.messages.resend')}
                </Button>
              </Popconfirm>
            ) : null}
            {canEditResend && m ? (
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="message-edit-resend">
                {t('engine.messages.editResend')}
              </Button>
            ) : null}
          </Space>
        }
      >
        <ErrorAlert error={detail.error} />
        {m ? <Summary m={m} /> : null}
      </Card>
      {m ? (
        <>
          <Row gutter={16}>
            <Col xs={24} xl={14}>
              <BodyCard m={m} />
            </Col>
            <Col xs={24} xl={10}>
              <Card title={t('engine.messages.trace')} data-testid="message-trace">
                <Trace steps={m.trace} />
              </Card>
            </Col>
          </Row>
          <Card title={t('engine.messages.deliveries')}>
            <Deliveries deliveries={m.deliveries} canResend={canResend} onResend={resendOne} />
          </Card>
        </>
      ) : null}
      {editing && m ? (
        <EditResendModal
          m={m}
          onClose={() => setEditing(false)}
          onDone={(newId) => {
            setEditing(false);
            void navigate(`/engine/messages/${encodeURIComponent(newId)}`);
          }}
        />
      ) : null}
    </Space>
  );
}

function Summary({ m }: { m: MessageDetail }) {
  const { t } = useTranslation();
  const index = INDEX_FIELDS.filter((f) => f !== 'sourceMessageId').map((f) => ({
    key: f,
    label: t(`engine.indexField.${f}`),
    children: m[f] ?? '—',
  }));
  const extra = Object.entries(m.indexExtra ?? {}).map(([k, v]) => ({
    key: `x-${k}`,
    label: k,
    children: Array.isArray(v) ? v.join('、') : String(v),
  }));
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {m.error ? <Alert type="error" showIcon title={m.error} data-testid="message-error" /> : null}
      {m.warnings.length ? (
        <Alert
          type="warning"
          showIcon
          title={t('engine.messages.warnings')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {m.warnings.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          }
        />
      ) : null}
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, md: 2, xl: 3 }}
        items={[
          { key: 'topic', label: t('engine.messages.topic'), children: m.topicCode },
          { key: 'system', label: t('engine.messages.system'), children: m.systemCode ?? '—' },
          { key: 'at', label: t('engine.messages.receivedAt'), children: formatTime(m.receivedAt) },
          { key: 'inbound', label: t('engine.messages.inbound'), children: m.inbound },
          { key: 'ct', label: t('engine.messages.contentType'), children: m.contentType },
          { key: 'size', label: t('engine.messages.size'), children: formatBytes(m.size) },
          {
            key: 'src',
            label: t('engine.indexField.sourceMessageId'),
            children: <Mono value={m.sourceMessageId} />,
          },
          { key: 'routed', label: t('engine.messages.routed'), children: m.routedCount },
          {
            key: 'validated',
            label: t('engine.messages.validated'),
            children:
              m.validated === null || m.validated === undefined
                ? t('engine.messages.notValidated')
                : m.validated
                  ? t('common.yes')
                  : t('common.no'),
          },
          {
            key: 'lineage',
            label: t('engine.messages.lineage'),
            span: 'filled',
            children: <Lineage m={m} />,
          },
        ]}
      />
      <Descriptions
        size="small"
        bordered
        title={t('engine.messages.indexFields')}
        column={{ xs: 1, md: 2, xl: 3 }}
        items={[...index, ...extra]}
        data-testid="message-index"
      />
    </Space>
  );
}

function Lineage({ m }: { m: MessageDetail }) {
  const { t } = useTranslation();
  if (!m.parent && !m.parentId && !m.children.length) return <>{t('engine.messages.original')}</>;
  const parentId = m.parent?.id ?? m.parentId;
  return (
    <Space orientation="vertical" size={4} data-testid="message-lineage">
      {parentId ? (
        <span>
          <Tag color="purple">
            {t(`engine.resendKind.${m.resendKind ?? 'message'}`, { defaultValue: m.resendKind })}
          </Tag>
          {t('engine.messages.parent')}：
          <Link to={`/engine/messages/${encodeURIComponent(parentId)}`} data-testid="message-parent">
            {parentId}
          </Link>
          {m.parent?.receivedAt ? (
            <Typography.Text type="secondary"> · {formatTime(m.parent.receivedAt)}</Typography.Text>
          ) : null}
        </span>
      ) : null}
      {m.children.map((c) => (
        <span key={c.id}>
          {t('engine.messages.child')}：
          <Link to={`/engine/messages/${encodeURIComponent(c.id)}`} data-testid="message-child">
            {c.id}
          </Link>{' '}
          <Tag color="purple">
            {t(`engine.resendKind.${c.resendKind ?? 'message'}`, { defaultValue: c.resendKind })}
          </Tag>
          <MessageStatusTag status={c.status} />
          <Typography.Text type="secondary">{formatTime(c.receivedAt)}</Typography.Text>
        </span>
      ))}
    </Space>
  );
}

function BodyCard({ m }: { m: MessageDetail }) {
  const { t } = useTranslation();
  const body = prettyBody(m.body, m.contentType);
  const reply =
    m.reply === null || m.reply === undefined
      ? null
      : typeof m.reply === 'string'
        ? prettyBody(m.reply, null).text
        : JSON.stringify(m.reply, null, 2);
  const headers =
    m.headers && Object.keys(m.headers).length
      ? Object.entries(m.headers)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n')
      : null;
  return (
    <Card title={t('engine.messages.content')} styles={{ body: { paddingTop: 0 } }}>
      <Tabs
        items={[
          {
            key: 'body',
            label: `${t('engine.messages.body')} · ${body.kind.toUpperCase()}`,
            children: <CodeBlock text={body.text} testId="message-body" maxHeight={520} />,
          },
          // HL7 v2 as a segment/field table, V3 / CDA / XML as a tree; loaded when opened (the read is audited).
          ...(bodyKind(m.body, m.contentType) === 'hl7v2' || bodyKind(m.body, m.contentType) === 'xml'
            ? [
                {
                  key: 'structure',
                  label: <span data-testid="message-structure-tab">{t('engine.messages.structure')}</span>,
                  children: <StructureView messageId={m.id} />,
                },
              ]
            : []),
          {
            key: 'headers',
            label: t('engine.messages.headers'),
            children: headers ? <CodeBlock text={headers} /> : <Empty description={t('engine.messages.noHeaders')} />,
          },
          {
            key: 'reply',
            label: t('engine.messages.reply'),
            children: reply ? <CodeBlock text={reply} /> : <Empty description={t('engine.messages.noReply')} />,
          },
        ]}
      />
    </Card>
  );
}

function traceColor(status: string | null | undefined, kind: string): string {
  if (kind === 'delivered') return 'green';
  if (kind === 'dead' || kind === 'rejected') return 'red';
  if (kind === 'resent') return 'purple';
  if (!status) return 'blue';
  if (['ok', 'delivered', 'accepted', 'routed', 'sync_ok', 'success'].includes(status)) return 'green';
  if (
    ['error', 'failed', 'dead', 'timeout', 'rejected', 'filter_error', 'transform_error', 'sync_failed'].includes(
      status,
    )
  )
    return 'red';
  if (['retry', 'pending', 'in_flight'].includes(status)) return 'orange';
  return 'gray';
}

function traceIcon(color: string) {
  if (color === 'green') return <CheckCircleOutlined />;
  if (color === 'red') return <CloseCircleOutlined />;
  if (color === 'orange') return <ClockCircleOutlined />;
  return undefined;
}

function Trace({ steps }: { steps: TraceStep[] }) {
  const { t } = useTranslation();
  if (!steps.length) return <Empty description={t('engine.messages.noTrace')} />;
  const items: NonNullable<TimelineProps['items']> = steps.map((s, i) => {
    const color = traceColor(s.status, s.kind);
    return {
      key: `${i}`,
      color,
      icon: traceIcon(color),
      title: formatTime(s.at),
      content: (
        <div data-testid="trace-step">
          <Space wrap size={4}>
            <Typography.Text strong>{s.title}</Typography.Text>
            {s.status ? <Tag color={color === 'gray' ? 'default' : color}>{s.status}</Tag> : null}
            {s.durationMs !== null && s.durationMs !== undefined ? (
              <Typography.Text type="secondary">{formatMs(s.durationMs)}</Typography.Text>
            ) : null}
          </Space>
          {s.detail ? (
            <Typography.Paragraph
              type="secondary"
              style={{ marginBottom: 0, fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
              ellipsis={{ rows: 4, expandable: 'collapsible' }}
            >
              {s.detail}
            </Typography.Paragraph>
          ) : null}
        </div>
      ),
    };
  });
  return <Timeline items={items} />;
}

function Attempts({ attempts }: { attempts: Attempt[] }) {
  const { t } = useTranslation();
  const columns: TableColumnsType<Attempt> = [
    { title: '#', dataIndex: 'n', width: 50 },
    { title: t('engine.messages.startedAt'), dataIndex: 'startedAt', width: 170, render: (v: string) => formatTime(v) },
    { title: t('engine.messages.duration'), dataIndex: 'durationMs', width: 100, render: (v: number) => formatMs(v) },
    {
      title: t('engine.messages.outcome'),
      dataIndex: 'outcome',
      width: 120,
      render: (v: string) => <Tag color={v === 'ok' ? 'success' : 'error'}>{v}</Tag>,
    },
    {
      title: t('engine.messages.statusCode'),
      dataIndex: 'statusCode',
      width: 100,
      render: (v: string | null) => v ?? '—',
    },
    {
      title: t('engine.messages.response'),
      key: 'response',
      render: (_: unknown, a) =>
        a.error || a.responseExcerpt ? (
          <Typography.Paragraph
            style={{
              marginBottom: 0,
              fontSize: 12,
              fontFamily: 'monospace',
              whiteSpace: 'pre-wrap',
              wordBreak: 'break-all',
            }}
            type={a.error ? 'danger' : undefined}
            ellipsis={{ rows: 3, expandable: 'collapsible' }}
          >
            {a.error ?? a.responseExcerpt}
          </Typography.Paragraph>
        ) : (
          '—'
        ),
    },
  ];
  return <Table<Attempt> size="small" rowKey="n" pagination={false} columns={columns} dataSource={attempts} />;
}

function Deliveries({
  deliveries,
  canResend,
  onResend,
}: {
  deliveries: Delivery[];
  canResend: boolean;
  onResend: (d: Delivery) => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const columns: TableColumnsType<Delivery> = [
    {
      title: t('engine.messages.subscription'),
      dataIndex: 'subscriptionName',
      render: (v: string, d) => (
        <div>
          <Typography.Text strong>{v}</Typography.Text>
          {d.parentId ? (
            <Tag color="purple" style={{ marginInlineStart: 8 }}>
              {t('engine.resendKind.delivery')}
            </Tag>
          ) : null}
        </div>
      ),
    },
    { title: t('engine.messages.system'), dataIndex: 'systemCode', render: (v: string | null) => v ?? '—' },
    { title: t('engine.subscriptions.adapter'), dataIndex: 'adapter', render: (v: string) => <Tag>{v}</Tag> },
    {
      title: t('engine.status'),
      dataIndex: 'status',
      render: (v: Delivery['status']) => <DeliveryStatusTag status={v} />,
    },
    { title: t('engine.messages.attempts'), dataIndex: 'attempts', width: 80 },
    {
      title: t('engine.messages.nextAttempt'),
      key: 'next',
      render: (_: unknown, d) =>
        d.status === 'retry' || d.status === 'pending' ? formatTime(d.nextAttemptAt) : formatTime(d.finishedAt),
    },
    {
      title: t('engine.messages.lastError'),
      dataIndex: 'lastError',
      render: (v: string | null) =>
        v ? (
          <Typography.Text type="danger" style={{ maxWidth: 320 }} ellipsis={{ tooltip: v }}>
            <ExclamationCircleOutlined /> {v}
          </Typography.Text>
        ) : (
          '—'
        ),
    },
    ...(canResend
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, d: Delivery) => (
              <ConfirmAction
                title={t('engine.messages.deliveryResendConfirm')}
                onConfirm={() => onResend(d)}
                testId="delivery-resend"
              >
                {t('engine.messages.resendDelivery')}
              </ConfirmAction>
            ),
          },
        ]
      : []),
  ];
  return (
    <Table<Delivery>
      rowKey="id"
      size="middle"
      data-testid="deliveries-table"
      pagination={false}
      columns={columns}
      dataSource={deliveries}
      locale={{ emptyText: <Empty description={t('engine.messages.noDeliveries')} /> }}
      expandable={{
        rowExpandable: (d) => d.attemptList.length > 0,
        expandedRowRender: (d) => <Attempts attempts={d.attemptList} />,
      }}
    />
  );
}

function EditResendModal({
  m,
  onClose,
  onDone,
}: {
  m: MessageDetail;
  onClose: () => void;
  onDone: (id: string) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ body: string; contentType: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal
      open
      width={860}
      title={t('engine.messages.editResendTitle')}
      okText={t('engine.messages.resend')}
      onOk={() => form.submit()}
      confirmLoading={busy}
      onCancel={onClose}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'edit-resend-confirm' } as Record<string, string>}
    >
      <Typography.Paragraph type="secondary">{t('engine.messages.editResendHint')}</Typography.Paragraph>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ body: m.body, contentType: m.contentType }}
        onFinish={async (v) => {
          setBusy(true);
          setError(null);
          try {
            const r = await editResend(m.id, {
              body: v.body,
              contentType: v.contentType.trim() || undefined,
            });
            onDone(r.messageId);
          } catch (err) {
            setError(errorMessage(err, t('errors.unexpected')));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form.Item name="contentType" label={t('engine.messages.contentType')}>
          <Input style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Form.Item
          name="body"
          label={
            <Space>
              {t('engine.messages.body')}
              <Button
                size="small"
                onClick={() => {
                  const current = form.getFieldValue('body') as string;
                  form.setFieldValue('body', prettyBody(current, form.getFieldValue('contentType') as string).text);
                }}
              >
                {t('engine.messages.format')}
              </Button>
            </Space>
          }
          rules={[{ required: true, message: t('engine.messages.bodyRequired') }]}
        >
          <Input.TextArea rows={18} style={{ fontFamily: 'monospace', fontSize: 12 }} data-testid="edit-resend-body" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
