/**
 * One interaction service as a vendor reads it: identity (action, S code, interactions), description, business keys
 * and index fields, the state machine, query parameters, 试一试 (send the example or an edited body through the real
 * pipeline), 订阅方 and 最近消息 of its topic, the field tree with V3 paths, and example messages (V3 request,
 * canonical JSON, V3 response). "查看消息" opens 消息检索 filtered to the service's topic.
 */
import { ArrowLeftOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Empty, Result, Space, Steps, Tabs, Tag, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError, errorMessage } from '../api/errors';
import { indentXml } from '../engine/body';
import { CodeBlock } from '../engine/common';
import { useAuth } from '../shell/auth';
import { PERMISSIONS } from '../shell/navigation';
import { useRequest } from '../shell/useRequest';
import { findServiceTopic, getService, type ServiceDefinition } from './api';
import FieldTable, { flattenFields } from './FieldTable';
import ServiceActivityCards from './ServiceActivity';
import TryItCard from './TryItCard';
import { KindTag, OperationTag, useCategoryName, useServiceName } from './tags';

export default function ServiceDetailPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { action = '' } = useParams();
  const detail = useRequest(() => getService(action), [action]);
  const s = detail.data;

  if (detail.error && !s) {
    const notFound = detail.error instanceof ApiError && detail.error.status === 404;
    return (
      <Card>
        <Result
          status={notFound ? '404' : 'error'}
          title={notFound ? t('services.notFound') : t('errors.loadFailed')}
          subTitle={errorMessage(detail.error, t('errors.loadFailed'))}
          extra={<Button onClick={() => navigate('/interaction/catalogue')}>{t('services.back')}</Button>}
        />
      </Card>
    );
  }
  if (!s) return <Card loading />;
  return <ServiceView s={s} />;
}

function ServiceView({ s }: { s: ServiceDefinition }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const categoryName = useCategoryName();
  const nameOf = useServiceName();
  const fields = useMemo(() => flattenFields(s.fields), [s.fields]);
  const labelOf = (key: string) => fields.find((f) => f.key === key)?.label;
  const keyTag = (key: string) => (
    <Tag key={key}>
      {labelOf(key) ? `${labelOf(key)} · ` : ''}
      <Typography.Text code style={{ fontSize: 12 }}>
        {key}
      </Typography.Text>
    </Tag>
  );
  const indexEntries = Object.entries(s.indexFields).filter((e): e is [string, string] => !!e[1]);
  const { can } = useAuth();
  // Each send reloads the activity, so the message just sent shows in 最近消息.
  const [sent, setSent] = useState(0);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="service-detail">
      <Card
        title={
          <Space wrap>
            <Button
              type="text"
              icon={<ArrowLeftOutlined />}
              onClick={() => navigate('/interaction/catalogue')}
              aria-label={t('services.back')}
            />
            <span data-testid="service-name">{nameOf(s)}</span>
            {nameOf(s) !== s.name ? <Typography.Text type="secondary">{s.name}</Typography.Text> : null}
            <OperationTag operation={s.operation} />
            <KindTag standard={s.standard} />
          </Space>
        }
        extra={<MessagesLink action={s.action} />}
      >
        <Descriptions
          size="small"
          bordered
          column={{ xs: 1, md: 2, xl: 3 }}
          data-testid="service-header"
          items={[
            {
              key: 'action',
              label: t('services.action'),
              children: (
                <Typography.Text code copyable>
                  {s.action}
                </Typography.Text>
              ),
            },
            { key: 'sCode', label: t('services.sCode'), children: s.sCode ?? '—' },
            { key: 'category', label: t('services.category'), children: categoryName(s.category) },
            {
              key: 'entity',
              label: t('services.entity'),
              children: <Typography.Text code>{s.entity}</Typography.Text>,
            },
            {
              key: 'request',
              label: t('services.request'),
              children: (
                <Typography.Text code copyable>
                  {s.request}
                </Typography.Text>
              ),
            },
            {
              key: 'response',
              label: t('services.response'),
              children: s.response ? <Typography.Text code>{s.response}</Typography.Text> : '—',
            },
            ...(s.requestAlternatives?.length
              ? [
                  {
                    key: 'alternatives',
                    label: t('services.alternatives'),
                    span: 'filled' as const,
                    children: s.requestAlternatives.map((a) => (
                      <Tag key={a} style={{ fontFamily: 'monospace' }}>
                        {a}
                      </Tag>
                    )),
                  },
                ]
              : []),
            {
              key: 'description',
              label: t('services.description'),
              span: 'filled' as const,
              children: <span data-testid="service-description">{s.description}</span>,
            },
          ]}
        />
      </Card>

      <Card title={t('services.keysTitle')} size="small">
        <Descriptions
          size="small"
          column={1}
          items={[
            {
              key: 'keys',
              label: t('services.keys'),
              children: s.keys.length ? s.keys.map(keyTag) : t('services.none'),
            },
            {
              key: 'index',
              label: t('services.indexFields'),
              children: indexEntries.length ? (
                <Space wrap size={4}>
                  {indexEntries.map(([name, key]) => (
                    <Tag key={name} color="blue">
                      {t(`engine.indexField.${name}`, { defaultValue: name })} ←{' '}
                      <Typography.Text code style={{ fontSize: 12 }}>
                        {key}
                      </Typography.Text>
                    </Tag>
                  ))}
                </Space>
              ) : (
                t('services.none')
              ),
            },
            ...(s.queryParams
              ? [
                  {
                    key: 'query',
                    label: t('services.queryParamsTitle'),
                    children: s.queryParams.length ? (
                      <span data-testid="service-query-params">{s.queryParams.map(keyTag)}</span>
                    ) : (
                      t('services.none')
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>

      {s.states?.length ? <StatesCard s={s} labelOf={labelOf} /> : null}

      {can(PERMISSIONS.servicesTry) ? <TryItCard key={s.action} s={s} onSent={() => setSent((n) => n + 1)} /> : null}
      {can(PERMISSIONS.engineMessageRead) ? <ServiceActivityCards action={s.action} refresh={sent} /> : null}

      <Card title={t('services.fieldsTitle')} size="small">
        <Typography.Paragraph type="secondary">{t('services.fieldsHint')}</Typography.Paragraph>
        <FieldTable fields={s.fields} />
      </Card>

      <ExamplesCard s={s} />
    </Space>
  );
}

function StatesCard({ s, labelOf }: { s: ServiceDefinition; labelOf: (key: string) => string | undefined }) {
  const { t, i18n } = useTranslation();
  const states = s.states ?? [];
  const nameOf = (code: string) => {
    const st = states.find((x) => x.code === code);
    return st ? (i18n.language === 'en' ? st.nameEn : st.name) : code;
  };
  return (
    <Card
      title={t('services.statesTitle')}
      size="small"
      extra={
        s.stateField ? (
          <Typography.Text type="secondary">
            {t('services.stateField', { field: labelOf(s.stateField) ?? s.stateField })}{' '}
            <Typography.Text code>{s.stateField}</Typography.Text>
          </Typography.Text>
        ) : null
      }
    >
      <Steps
        size="small"
        data-testid="service-states"
        current={-1}
        items={states.map((st) => ({
          title: nameOf(st.code),
          subTitle: st.code,
          description: st.next.length
            ? t('services.nextStates', { next: st.next.map(nameOf).join('、') })
            : t('services.finalState'),
        }))}
      />
    </Card>
  );
}

function ExamplesCard({ s }: { s: ServiceDefinition }) {
  const { t } = useTranslation();
  const ex = s.examples;
  const xml = (text: string | undefined, testId: string) =>
    text ? (
      <CodeBlock text={indentXml(text)} testId={testId} maxHeight={560} />
    ) : (
      <Empty description={t('services.examples.none')} />
    );
  return (
    <Card
      title={t('services.examplesTitle')}
      size="small"
      extra={
        ex.v3Source ? (
          <Tag color={ex.v3Source === 'corpus' ? 'gold' : 'default'}>{t(`services.examples.${ex.v3Source}`)}</Tag>
        ) : null
      }
      styles={{ body: { paddingTop: 0 } }}
    >
      <Tabs
        data-testid="service-examples"
        items={[
          {
            key: 'v3Request',
            label: <span data-testid="example-tab-v3Request">{t('services.examples.v3Request')}</span>,
            children: xml(ex.v3Request, 'example-v3-request'),
          },
          {
            key: 'json',
            label: <span data-testid="example-tab-json">{t('services.examples.json')}</span>,
            children: <CodeBlock text={JSON.stringify(ex.json, null, 2)} testId="example-json" maxHeight={560} />,
          },
          {
            key: 'v3Response',
            label: <span data-testid="example-tab-v3Response">{t('services.examples.v3Response')}</span>,
            children: xml(ex.v3Response, 'example-v3-response'),
          },
        ]}
      />
    </Card>
  );
}

/**
 * 查看消息: 消息检索 filtered to the topic whose code is the action. Shown only to users who may search messages
 * (and read the configuration, to find the topic); disabled with the reason when no domain has such a topic.
 */
function MessagesLink({ action }: { action: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { can } = useAuth();
  const allowed = can(PERMISSIONS.engineMessageRead) && can(PERMISSIONS.engineConfigRead);
  const topic = useRequest(() => (allowed ? findServiceTopic(action) : Promise.resolve(undefined)), [allowed, action]);
  if (!allowed) return null;
  const found = topic.data;
  const button = (
    <Button
      icon={<SearchOutlined />}
      loading={topic.loading}
      disabled={!topic.loading && !found}
      data-testid="service-messages-link"
      onClick={() => {
        if (!found) return;
        const q = new URLSearchParams({ domainId: found.domainId, topicId: found.topicId });
        void navigate(`/engine/messages?${q.toString()}`);
      }}
    >
      {t('services.messagesLink')}
    </Button>
  );
  return !topic.loading && !found ? (
    <Tooltip
      title={
        topic.error ? errorMessage(topic.error, t('errors.loadFailed')) : t('services.messagesLinkNone', { action })
      }
    >
      <span>{button}</span>
    </Tooltip>
  ) : (
    button
  );
}
