/** 消息模型管理: built-in models (HL7 v2, HL7 v3, CDA, XML, JSON) and custom ones with an optional JSON Schema or XSD. */
import { FileAddOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Radio,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/errors';
import { useAuth } from '../shell/auth';
import { ConfirmAction, CreateButton, DeleteAction, FormModal, RefreshButton, useAct } from '../shell/crud';
import { formatTime, optional } from '../shell/format';
import { PERMISSIONS } from '../shell/navigation';
import { useRequest } from '../shell/useRequest';
import {
  createModel,
  deleteModel,
  deleteModelSchema,
  listModels,
  getModel,
  putModelSchema,
  validateSample,
  type Model,
  type ModelCreate,
  type SchemaType,
  type ValidateSampleResult,
} from './api';
import { CodeBlock, ErrorAlert, readFile } from './common';

export default function ModelsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canManage = can(PERMISSIONS.engineConfigManage);
  const models = useRequest(listModels, []);
  const act = useAct(models.reload);
  const [creating, setCreating] = useState(false);
  const [uploading, setUploading] = useState<Model | null>(null);
  const [viewing, setViewing] = useState<Model | null>(null);
  const [testing, setTesting] = useState<Model | null>(null);

  const columns: TableColumnsType<Model> = [
    {
      title: t('engine.models.code'),
      dataIndex: 'code',
      render: (v: string, m) => (
        <Space>
          <Typography.Text strong>{v}</Typography.Text>
          {m.builtin ? <Tag color="blue">{t('engine.models.builtin')}</Tag> : <Tag>{t('engine.models.custom')}</Tag>}
        </Space>
      ),
    },
    { title: t('engine.models.name'), dataIndex: 'name' },
    { title: t('engine.models.kind'), dataIndex: 'kind', render: (v: string) => <Tag>{v}</Tag> },
    {
      title: t('engine.models.schema'),
      key: 'schema',
      render: (_: unknown, m) =>
        m.schemaType ? (
          <Button type="link" size="small" onClick={() => setViewing(m)} style={{ paddingInline: 0 }}>
            <Tag color="green">{m.schemaType === 'xsd' ? 'XSD' : 'JSON Schema'}</Tag>
          </Button>
        ) : (
          <Typography.Text type="secondary">{t('engine.models.noSchema')}</Typography.Text>
        ),
    },
    { title: t('engine.models.topicCount'), dataIndex: 'topicCount', width: 100 },
    { title: t('engine.description'), dataIndex: 'description', render: (v: string | null) => v || '—' },
    {
      title: t('engine.updatedAt'),
      dataIndex: 'updatedAt',
      responsive: ['xl'],
      render: (v: string | null) => formatTime(v),
    },
    ...(canManage
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, m: Model) =>
              m.builtin ? (
                <Space size={0} wrap>
                  <Button type="link" size="small" onClick={() => setTesting(m)}>
                    {t('engine.models.validate')}
                  </Button>
                  <Typography.Text type="secondary">{t('engine.models.builtinReadOnly')}</Typography.Text>
                </Space>
              ) : (
                <Space size={0} wrap>
                  <Button type="link" size="small" onClick={() => setTesting(m)}>
                    {t('engine.models.validate')}
                  </Button>
                  <Button type="link" size="small" icon={<UploadOutlined />} onClick={() => setUploading(m)}>
                    {m.schemaType ? t('engine.models.replaceSchema') : t('engine.models.uploadSchema')}
                  </Button>
                  {m.schemaType ? (
                    <ConfirmAction
                      title={t('engine.models.deleteSchemaConfirm', { code: m.code })}
                      onConfirm={() => act(() => deleteModelSchema(m.code), t('engine.models.schemaDeleted'))}
                      danger
                    >
                      {t('engine.models.deleteSchema')}
                    </ConfirmAction>
                  ) : null}
                  <DeleteAction
                    title={t('engine.models.deleteConfirm', { code: m.code })}
                    onConfirm={() => act(() => deleteModel(m.code), t('engine.deleted'))}
                  />
                </Space>
              ),
          },
        ]
      : []),
  ];

  return (
    <Card
      title={t('nav.engine.models')}
      extra={
        <Space>
          <RefreshButton onClick={models.reload} />
          {canManage ? (
            <CreateButton onClick={() => setCreating(true)} testId="model-create">
              {t('engine.models.create')}
            </CreateButton>
          ) : null}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('engine.models.hint')}</Typography.Paragraph>
      <ErrorAlert error={models.error} />
      <Table<Model>
        rowKey="code"
        size="middle"
        data-testid="models-table"
        loading={models.loading}
        columns={columns}
        dataSource={models.data ?? []}
        pagination={false}
      />
      {creating ? (
        <CreateModal
          onClose={() => setCreating(false)}
          onSaved={() => {
            setCreating(false);
            models.reload();
          }}
        />
      ) : null}
      {viewing ? <SchemaView model={viewing} onClose={() => setViewing(null)} /> : null}
      {testing ? <ValidateModal model={testing} onClose={() => setTesting(null)} /> : null}
      {uploading ? (
        <SchemaModal
          model={uploading}
          onClose={() => setUploading(null)}
          onSaved={() => {
            setUploading(null);
            models.reload();
          }}
        />
      ) : null}
    </Card>
  );
}

interface CreateValues {
  code: string;
  name: string;
  kind: 'JSON' | 'XML';
  description?: string;
}

function CreateModal({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CreateValues>();

  async function save(v: CreateValues) {
    const body: ModelCreate = {
      code: v.code.trim(),
      name: v.name.trim(),
      kind: v.kind,
      description: optional(v.description),
    };
    await createModel(body);
    onSaved();
  }

  return (
    <FormModal<CreateValues>
      form={form}
      title={t('engine.models.create')}
      onSave={save}
      fieldCodes={{ HT_ENGINE_CONFLICT: 'code' }}
      onClose={onClose}
      initialValues={{ kind: 'JSON' }}
    >
      <Form.Item
        name="code"
        label={t('engine.models.code')}
        extra={t('engine.models.codeHint')}
        rules={[
          { required: true, message: t('engine.codeRequired') },
          { pattern: /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, message: t('engine.models.codePattern') },
        ]}
      >
        <Input />
      </Form.Item>
      <Form.Item
        name="name"
        label={t('engine.models.name')}
        rules={[{ required: true, whitespace: true, message: t('engine.nameRequired') }]}
      >
        <Input />
      </Form.Item>
      <Form.Item name="kind" label={t('engine.models.kind')}>
        <Radio.Group
          optionType="button"
          options={[
            { value: 'JSON', label: 'JSON' },
            { value: 'XML', label: 'XML' },
          ]}
        />
      </Form.Item>
      <Form.Item name="description" label={t('engine.description')}>
        <Input.TextArea rows={2} />
      </Form.Item>
    </FormModal>
  );
}

interface SchemaValues {
  schemaType: SchemaType;
  schema: string;
}

function SchemaModal({ model, onClose, onSaved }: { model: Model; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<SchemaValues>();
  const defaultType: SchemaType = model.kind === 'XML' ? 'xsd' : 'json-schema';

  return (
    <FormModal<SchemaValues>
      form={form}
      width={760}
      title={t('engine.models.schemaTitle', { code: model.code })}
      intro={<Typography.Paragraph type="secondary">{t('engine.models.schemaHint')}</Typography.Paragraph>}
      onSave={async (v) => {
        await putModelSchema(model.code, { schemaType: v.schemaType, schema: v.schema });
        onSaved();
      }}
      fieldCodes={{ HT_ENGINE_SCHEMA_INVALID: 'schema' }}
      onClose={onClose}
      initialValues={{ schemaType: model.schemaType ?? defaultType, schema: '' }}
    >
      <Form.Item name="schemaType" label={t('engine.models.schemaType')}>
        <Radio.Group
          optionType="button"
          options={[
            { value: 'json-schema', label: 'JSON Schema' },
            { value: 'xsd', label: 'XSD' },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="schema"
        label={
          <Space>
            {t('engine.models.schema')}
            <Upload
              accept=".json,.xsd,.xml"
              showUploadList={false}
              beforeUpload={(file) => {
                void readFile(file, 'text').then((text) => {
                  form.setFieldsValue({
                    schema: text,
                    schemaType: /\.xsd$|\.xml$/i.test(file.name) ? 'xsd' : 'json-schema',
                  });
                });
                return false;
              }}
            >
              <Button size="small" icon={<FileAddOutlined />}>
                {t('engine.models.fromFile')}
              </Button>
            </Upload>
          </Space>
        }
        rules={[{ required: true, whitespace: true, message: t('engine.models.schemaRequired') }]}
      >
        <Input.TextArea rows={16} style={{ fontFamily: 'monospace', fontSize: 12 }} />
      </Form.Item>
    </FormModal>
  );
}

function SchemaView({ model, onClose }: { model: Model; onClose: () => void }) {
  const { t } = useTranslation();
  const detail = useRequest(() => getModel(model.code), [model.code]);
  const schema = detail.data?.schema ?? '';
  const text =
    detail.data?.schemaType === 'json-schema'
      ? (() => {
          try {
            return JSON.stringify(JSON.parse(schema), null, 2);
          } catch {
            return schema;
          }
        })()
      : schema;
  return (
    <Modal
      open
      width={860}
      footer={null}
      onCancel={onClose}
      title={t('engine.models.schemaTitle', { code: model.code })}
    >
      <ErrorAlert error={detail.error} />
      {detail.loading ? null : <CodeBlock text={text} maxHeight={560} />}
    </Modal>
  );
}

function ValidateModal({ model, onClose }: { model: Model; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ body: string; contentType?: string }>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ValidateSampleResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal
      open
      width={760}
      title={t('engine.models.validateTitle', { code: model.code })}
      okText={t('engine.models.validate')}
      onOk={() => form.submit()}
      confirmLoading={busy}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('engine.models.validateHint')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={async (v) => {
          setBusy(true);
          setError(null);
          setResult(null);
          try {
            setResult(
              await validateSample(model.code, { body: v.body, contentType: v.contentType?.trim() || undefined }),
            );
          } catch (err) {
            setError(errorMessage(err, t('errors.unexpected')));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form.Item name="contentType" label={t('engine.messages.contentType')}>
          <Input
            style={{ fontFamily: 'monospace' }}
            placeholder={model.kind === 'XML' ? 'application/xml' : 'application/json'}
          />
        </Form.Item>
        <Form.Item
          name="body"
          label={t('engine.models.sample')}
          rules={[{ required: true, message: t('engine.messages.bodyRequired') }]}
        >
          <Input.TextArea rows={12} style={{ fontFamily: 'monospace', fontSize: 12 }} />
        </Form.Item>
      </Form>
      {error ? <Alert type="error" showIcon title={error} /> : null}
      {result ? (
        !result.validated ? (
          <Alert type="info" showIcon title={t('engine.models.nothingToValidate')} />
        ) : result.valid ? (
          <Alert type="success" showIcon title={t('engine.models.valid')} />
        ) : (
          <Alert
            type="error"
            showIcon
            title={t('engine.models.invalid')}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {result.problems.map((p, i) => (
                  <li key={i}>{p}</li>
                ))}
              </ul>
            }
          />
        )
      ) : null}
    </Modal>
  );
}
