/** 主题管理: the interaction services of a domain — model, sync/async, validation, index fields and publishers. */
import {
  AutoComplete,
  Button,
  Col,
  Divider,
  Flex,
  Form,
  Input,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useAuth } from '../shell/auth';
import { CreateButton, DeleteAction, FormModal, RefreshButton, useAct, usePagedList } from '../shell/crud';
import { optional, trimmed } from '../shell/format';
import { PERMISSIONS } from '../shell/navigation';
import { useRequest } from '../shell/useRequest';
import {
  createTopic,
  deleteTopic,
  listAllSystems,
  listAllTopics,
  listModels,
  listTopics,
  updateTopic,
  type Domain,
  type IndexFields,
  type Model,
  type System,
  type Topic,
  type TopicMode,
} from './api';
import { codeRule, EnableAction, EnabledTag, ErrorAlert, emptyPage } from './common';
import { DomainCard, useEngineDomain } from './domain';
import { useRevisions } from './RevisionsDrawer';
import { INDEX_FIELDS } from './types';

export default function TopicsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { can } = useAuth();
  const canManage = can(PERMISSIONS.engineConfigManage);
  const engine = useEngineDomain();
  const domainId = engine.domainId;
  const [category, setCategory] = useState<string | undefined>(undefined);
  const topics = usePagedList(
    ({ q, page, pageSize }) =>
      domainId ? listTopics({ domainId, q, category, page, pageSize }) : Promise.resolve(emptyPage<Topic>()),
    [domainId, category],
  );
  // Category choices and publisher names come from the whole domain, not just the page shown.
  const all = useRequest(() => (domainId ? listAllTopics(domainId) : Promise.resolve([])), [domainId]);
  const systems = useRequest(() => (domainId ? listAllSystems(domainId) : Promise.resolve([])), [domainId]);
  const models = useRequest(() => listModels().catch((): Model[] => []), []);
  const categories = useMemo(
    () => [...new Set((all.data ?? []).map((x) => x.category).filter((c): c is string => !!c))].sort(),
    [all.data],
  );
  const systemById = useMemo(() => new Map((systems.data ?? []).map((s) => [s.id, s])), [systems.data]);
  const reload = () => {
    topics.reload();
    all.reload();
  };
  const act = useAct(reload);
  const [openRevisions, revisionsDrawer] = useRevisions('topic', reload);
  const [editing, setEditing] = useState<Topic | 'new' | null>(null);

  const columns: TableColumnsType<Topic> = [
    {
      title: t('engine.topics.code'),
      dataIndex: 'code',
      render: (v: string) => <Typography.Text strong>{v}</Typography.Text>,
    },
    { title: t('engine.topics.name'), dataIndex: 'name' },
    { title: t('engine.topics.category'), dataIndex: 'category', render: (v: string | null) => v || '—' },
    { title: t('engine.topics.model'), dataIndex: 'model', render: (v: string) => <Tag>{v}</Tag> },
    {
      title: t('engine.topics.mode'),
      dataIndex: 'mode',
      render: (v: TopicMode) =>
        v === 'sync' ? <Tag color="purple">{t('engine.topics.sync')}</Tag> : <Tag>{t('engine.topics.async')}</Tag>,
    },
    {
      title: t('engine.topics.publishers'),
      dataIndex: 'publisherIds',
      responsive: ['lg'],
      render: (ids: string[]) =>
        ids.length ? (
          ids.map((id) => <Tag key={id}>{systemById.get(id)?.code ?? id}</Tag>)
        ) : (
          <Typography.Text type="secondary">{t('engine.topics.anyPublisher')}</Typography.Text>
        ),
    },
    {
      title: t('engine.topics.subscriptionCount'),
      dataIndex: 'subscriptionCount',
      render: (v: number, x) => (
        <Button
          type="link"
          size="small"
          onClick={() => navigate(`/engine/subscriptions?topicId=${encodeURIComponent(x.id)}`)}
        >
          {v}
        </Button>
      ),
    },
    { title: t('engine.status'), dataIndex: 'enabled', render: (v: boolean) => <EnabledTag enabled={v} /> },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, x) => (
        <Space size={0} wrap>
          <Button
            type="link"
            size="small"
            onClick={() => navigate(`/engine/messages?topicId=${encodeURIComponent(x.id)}`)}
          >
            {t('engine.messagesLink')}
          </Button>
          <Button
            type="link"
            size="small"
            onClick={() => navigate(`/engine/subscriptions?topicId=${encodeURIComponent(x.id)}`)}
          >
            {t('engine.topics.subscriptionsLink')}
          </Button>
          {canManage ? (
            <>
              <Button type="link" size="small" onClick={() => setEditing(x)} data-testid={`topic-edit-${x.code}`}>
                {t('common.edit')}
              </Button>
              <EnableAction
                name={x.name}
                enabled={x.enabled}
                act={act}
                update={(enabled) => updateTopic(x.id, { enabled })}
              />
            </>
          ) : null}
          <Button type="link" size="small" onClick={() => openRevisions(x)}>
            {t('engine.revisions.open')}
          </Button>
          {canManage ? (
            <DeleteAction
              title={t('engine.topics.deleteConfirm', { name: x.name })}
              onConfirm={() => act(() => deleteTopic(x.id), t('engine.deleted'))}
            />
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <DomainCard
      title={t('nav.engine.topics')}
      engine={engine}
      extra={
        canManage && domainId ? (
          <CreateButton onClick={() => setEditing('new')} testId="topic-create">
            {t('engine.topics.create')}
          </CreateButton>
        ) : null
      }
    >
      <Flex gap={12} wrap style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          placeholder={t('engine.topics.searchPlaceholder')}
          style={{ width: 280 }}
          data-testid="topics-search"
          onSearch={topics.search}
        />
        <Select<string>
          allowClear
          placeholder={t('engine.topics.category')}
          style={{ width: 180 }}
          value={category}
          onChange={(v) => {
            setCategory(v);
            topics.firstPage();
          }}
          options={categories.map((c) => ({ value: c, label: c }))}
          notFoundContent={t('engine.topics.noCategories')}
        />
        <RefreshButton onClick={reload} />
      </Flex>
      <ErrorAlert error={topics.error} />
      <Table<Topic> rowKey="id" size="middle" data-testid="topics-table" columns={columns} {...topics.tableProps} />
      {editing && engine.domain ? (
        <TopicModal
          domain={engine.domain}
          topic={editing === 'new' ? null : editing}
          systems={systems.data ?? []}
          models={models.data ?? []}
          categories={categories}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      ) : null}
      {revisionsDrawer}
    </DomainCard>
  );
}

interface TopicValues {
  code: string;
  name: string;
  category?: string;
  description?: string;
  model: string;
  mode: TopicMode;
  validate: boolean;
  enabled: boolean;
  indexFields: IndexFields;
  publisherIds: string[];
}

/** Models the engine decodes without a registered model (the catalogue adds custom ones). */
const BASE_MODELS = ['JSON', 'XML', 'HL7V2', 'HL7V3', 'CDA', 'TEXT'];

function TopicModal({
  domain,
  topic,
  systems,
  models,
  categories,
  onClose,
  onSaved,
}: {
  domain: Domain;
  topic: Topic | null;
  systems: System[];
  models: Model[];
  categories: string[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<TopicValues>();
  const modelOptions = useMemo(() => {
    const codes = new Map<string, string>(BASE_MODELS.map((c) => [c, c]));
    for (const m of models) codes.set(m.code, m.name && m.name !== m.code ? `${m.code} · ${m.name}` : m.code);
    if (topic && !codes.has(topic.model)) codes.set(topic.model, topic.model);
    return [...codes].map(([value, label]) => ({ value, label }));
  }, [models, topic]);

  async function save(v: TopicValues) {
    const indexFields: IndexFields = {};
    for (const f of INDEX_FIELDS) {
      const path = v.indexFields[f]?.trim();
      if (path) indexFields[f] = path;
    }
    if (topic) {
      await updateTopic(topic.id, {
        name: v.name.trim(),
        category: trimmed(v.category) || null,
        description: trimmed(v.description) || null,
        model: v.model,
        mode: v.mode,
        validate: v.validate,
        enabled: v.enabled,
        indexFields,
        publisherIds: v.publisherIds,
      });
    } else {
      await createTopic({
        domainId: domain.id,
        code: v.code.trim(),
        name: v.name.trim(),
        category: optional(v.category),
        description: optional(v.description),
        model: v.model,
        mode: v.mode,
        validate: v.validate,
        enabled: v.enabled,
        indexFields,
        publisherIds: v.publisherIds,
      });
    }
    onSaved();
  }

  return (
    <FormModal<TopicValues>
      form={form}
      width={760}
      title={topic ? t('engine.topics.editTitle', { name: topic.name }) : t('engine.topics.create')}
      onSave={save}
      fieldCodes={{ HT_ENGINE_CONFLICT: 'code' }}
      onClose={onClose}
      saveTestId="topic-save"
      formTestId="topic-form"
      initialValues={
        topic
          ? {
              code: topic.code,
              name: topic.name,
              category: topic.category ?? '',
              description: topic.description ?? '',
              model: topic.model,
              mode: topic.mode,
              validate: topic.validate,
              enabled: topic.enabled,
              indexFields: topic.indexFields,
              publisherIds: topic.publisherIds,
            }
          : { model: 'JSON', mode: 'async', validate: false, enabled: true, indexFields: {}, publisherIds: [] }
      }
    >
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item
            name="code"
            label={t('engine.topics.code')}
            extra={topic ? undefined : t('engine.topics.codeHint', { domain: domain.code })}
            rules={topic ? [] : [{ required: true, message: t('engine.codeRequired') }, codeRule(t, 128)]}
          >
            <Input disabled={!!topic} data-testid="topic-code" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name="name"
            label={t('engine.topics.name')}
            rules={[{ required: true, whitespace: true, message: t('engine.nameRequired') }]}
          >
            <Input data-testid="topic-name" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="category" label={t('engine.topics.category')}>
            <AutoComplete options={categories.map((c) => ({ value: c }))} allowClear />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="model" label={t('engine.topics.model')} rules={[{ required: true }]}>
            <Select showSearch options={modelOptions} data-testid="topic-model" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="mode" label={t('engine.topics.mode')} extra={t('engine.topics.modeHint')}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'async', label: t('engine.topics.async') },
                { value: 'sync', label: t('engine.topics.sync') },
              ]}
            />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item
            name="validate"
            label={t('engine.topics.validate')}
            valuePropName="checked"
            tooltip={t('engine.topics.validateHint')}
          >
            <Switch />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="enabled" label={t('engine.status')} valuePropName="checked">
            <Switch checkedChildren={t('engine.enabled')} unCheckedChildren={t('engine.disabled')} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="description" label={t('engine.description')}>
        <Input.TextArea rows={2} />
      </Form.Item>
      <Form.Item name="publisherIds" label={t('engine.topics.publishers')} extra={t('engine.topics.publishersHint')}>
        <Select
          mode="multiple"
          allowClear
          data-testid="topic-publishers"
          optionFilterProp="label"
          options={systems.map((s) => ({ value: s.id, label: `${s.name} (${s.code})` }))}
        />
      </Form.Item>
      <Divider titlePlacement="start" plain>
        {t('engine.topics.indexFields')}
      </Divider>
      <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
        {t('engine.topics.indexFieldsHint')}
      </Typography.Paragraph>
      <Row gutter={16}>
        {INDEX_FIELDS.map((f) => (
          <Col span={12} key={f}>
            <Form.Item name={['indexFields', f]} label={t(`engine.indexField.${f}`)}>
              <Input placeholder={t('engine.topics.indexPathPlaceholder')} style={{ fontFamily: 'monospace' }} />
            </Form.Item>
          </Col>
        ))}
      </Row>
    </FormModal>
  );
}
