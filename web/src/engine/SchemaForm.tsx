/**
 * Renders an adapter's JSON Schema (from the catalogue) as form fields: strings, numbers, booleans, enumerations,
 * nested objects, string maps (e.g. headers) as key/value rows and scalar arrays as tags; secrets (writeOnly) masked,
 * long texts (SQL statements) as text areas. Anything else is edited as JSON text. Form values have their own shape (maps as rows, JSON as text), converted by `toForm` / `fromForm`.
 * `useSchemaEditor` lets a whole settings object be edited as fields or as JSON text.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Col,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Switch,
  Typography,
  type FormInstance,
  type FormRule,
  type RadioGroupProps,
} from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { JsonSchema } from './types';

type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'object' | 'map' | 'tags' | 'json';

function typeOf(s: JsonSchema): string | undefined {
  return Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
}

function enumValues(s: JsonSchema): unknown[] | undefined {
  if (Array.isArray(s.enum)) return s.enum;
  const alts = s.anyOf ?? s.oneOf;
  if (alts?.length && alts.every((a) => 'const' in a)) return alts.map((a) => a.const);
  return undefined;
}

/** The schema of a map's values, when the object is a string → scalar map (no fixed properties). */
function mapValueSchema(s: JsonSchema): JsonSchema | undefined {
  if (s.properties && Object.keys(s.properties).length) return undefined;
  const pattern = s.patternProperties ? Object.values(s.patternProperties) : [];
  const value =
    pattern.length === 1 ? pattern[0] : typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  const t = value ? typeOf(value) : undefined;
  return value && (t === 'string' || t === 'number' || t === 'integer') ? value : undefined;
}

export function kindOf(s: JsonSchema): Kind {
  if (enumValues(s)) return 'enum';
  const t = typeOf(s);
  if (t === 'string' || t === 'boolean' || t === 'number' || t === 'integer') return t;
  if (t === 'object' || s.properties) {
    if (s.properties && Object.keys(s.properties).length) return 'object';
    if (mapValueSchema(s)) return 'map';
    return 'json';
  }
  if (t === 'array' && s.items) {
    const it = typeOf(s.items);
    if (it === 'string' || it === 'integer' || it === 'number') return 'tags';
  }
  return 'json';
}

/** Whether the schema can be shown as fields at all (an object with properties). */
export function formable(s: JsonSchema | undefined): s is JsonSchema {
  return !!s && kindOf(s) === 'object';
}

interface Row {
  key?: string;
  value?: string;
}

/** An API value → the form's shape for that schema. */
export function toForm(s: JsonSchema, value: unknown): unknown {
  if (value === undefined || value === null) {
    if (kindOf(s) === 'object') return toForm(s, {});
    // A switch shows what applies: its default when the value is not set.
    return kindOf(s) === 'boolean' && typeof s.default === 'boolean' ? s.default : undefined;
  }
  switch (kindOf(s)) {
    case 'object': {
      const obj = (typeof value === 'object' ? value : {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, p]) => [k, toForm(p, obj[k])]));
    }
    case 'map':
      return Object.entries(value as Record<string, unknown>).map(([key, v]): Row => ({ key, value: String(v) }));
    case 'tags':
      return Array.isArray(value) ? value.map(String) : [];
    case 'json':
      return JSON.stringify(value, null, 2);
    default:
      return value;
  }
}

/** The form's shape → the API value; empty fields are left out. Throws on invalid JSON text. */
export function fromForm(s: JsonSchema, value: unknown): unknown {
  switch (kindOf(s)) {
    case 'object': {
      const obj = (value ?? {}) as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [k, p] of Object.entries(s.properties ?? {})) {
        const v = fromForm(p, obj[k]);
        if (v !== undefined) out[k] = v;
      }
      return Object.keys(out).length ? out : undefined;
    }
    case 'map': {
      const rows = ((value ?? []) as Row[]).filter((r) => r?.key?.trim());
      if (!rows.length) return undefined;
      const numeric = ['number', 'integer'].includes(typeOf(mapValueSchema(s) ?? {}) ?? '');
      return Object.fromEntries(rows.map((r) => [r.key!.trim(), numeric ? Number(r.value) : (r.value ?? '')]));
    }
    case 'tags': {
      const list = (value ?? []) as string[];
      if (!list.length) return undefined;
      const numeric = ['number', 'integer'].includes(typeOf(s.items ?? {}) ?? '');
      return numeric ? list.map(Number) : list;
    }
    case 'json': {
      const text = typeof value === 'string' ? value.trim() : '';
      return text ? (JSON.parse(text) as unknown) : undefined;
    }
    case 'string':
      return typeof value === 'string' && value !== '' ? value : undefined;
    default:
      return value === null || value === '' ? undefined : value;
  }
}

function describe(s: JsonSchema): string | undefined {
  const parts = [s.description, s.default !== undefined ? `default: ${JSON.stringify(s.default)}` : undefined];
  return parts.filter(Boolean).join(' · ') || undefined;
}

function Field({
  name,
  label,
  schema,
  required,
}: {
  name: (string | number)[];
  label: string;
  schema: JsonSchema;
  required: boolean;
}) {
  const { t } = useTranslation();
  const kind = kindOf(schema);
  const extra = describe(schema);
  const rules: FormRule[] = required
    ? [{ required: true, message: t('engine.schema.required', { field: label }) }]
    : [];
  const placeholder = schema.default !== undefined ? String(schema.default) : undefined;
  const testId = `adapter-config-${name.slice(1).join('.')}`;

  switch (kind) {
    case 'object':
      return (
        <Card size="small" title={label} style={{ marginBottom: 16 }}>
          {extra ? (
            <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
              {extra}
            </Typography.Paragraph>
          ) : null}
          <SchemaFields schema={schema} name={name} />
        </Card>
      );
    case 'map':
      return (
        <Form.Item label={label} extra={extra} required={required}>
          <Form.List name={name}>
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <Flex key={field.key} gap={8} style={{ marginBottom: 8 }}>
                    <Form.Item name={[field.name, 'key']} noStyle>
                      <Input placeholder={t('engine.schema.key')} style={{ flex: 1 }} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'value']} noStyle>
                      <Input placeholder={t('engine.schema.value')} style={{ flex: 2 }} />
                    </Form.Item>
                    <Button
                      icon={<DeleteOutlined />}
                      onClick={() => remove(field.name)}
                      aria-label={t('common.delete')}
                    />
                  </Flex>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ key: '', value: '' })}>
                  {t('engine.schema.addRow')}
                </Button>
              </>
            )}
          </Form.List>
        </Form.Item>
      );
    case 'enum':
      return (
        <Form.Item name={name} label={label} extra={extra} rules={rules}>
          <Select
            allowClear={!required}
            placeholder={placeholder}
            data-testid={testId}
            options={(enumValues(schema) ?? []).map((v) => ({ value: v as string, label: String(v) }))}
          />
        </Form.Item>
      );
    case 'boolean':
      return (
        <Form.Item name={name} label={label} extra={extra} valuePropName="checked">
          <Switch />
        </Form.Item>
      );
    case 'integer':
    case 'number':
      return (
        <Form.Item name={name} label={label} extra={extra} rules={rules}>
          <InputNumber
            style={{ width: '100%' }}
            min={schema.minimum}
            max={schema.maximum}
            precision={kind === 'integer' ? 0 : undefined}
            placeholder={placeholder}
            data-testid={testId}
          />
        </Form.Item>
      );
    case 'tags':
      return (
        <Form.Item name={name} label={label} extra={extra ?? t('engine.schema.tagsHint')} rules={rules}>
          <Select mode="tags" open={false} tokenSeparators={[',', ' ']} data-testid={testId} />
        </Form.Item>
      );
    case 'json':
      return (
        <Form.Item
          name={name}
          label={`${label} (JSON)`}
          extra={extra}
          rules={[
            ...rules,
            {
              validator: async (_r, v: unknown) => {
                if (typeof v === 'string' && v.trim()) JSON.parse(v);
              },
              message: t('engine.schema.invalidJson'),
            },
          ]}
        >
          <Input.TextArea rows={4} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
      );
    default:
      return (
        <Form.Item
          name={name}
          label={label}
          extra={extra}
          rules={[
            ...rules,
            ...(schema.pattern
              ? [
                  {
                    pattern: new RegExp(schema.pattern),
                    message: t('engine.schema.pattern', { pattern: schema.pattern }),
                  },
                ]
              : []),
          ]}
        >
          {schema.writeOnly || /password|secret/i.test(String(name[name.length - 1])) ? (
            <Input.Password placeholder={placeholder} data-testid={testId} autoComplete="new-password" />
          ) : (schema.maxLength ?? 0) >= 1000 || schema.format === 'multiline' ? (
            <Input.TextArea
              rows={4}
              placeholder={placeholder}
              data-testid={testId}
              style={{ fontFamily: 'monospace' }}
            />
          ) : (
            <Input placeholder={placeholder} data-testid={testId} />
          )}
        </Form.Item>
      );
  }
}

/**
 * The fields of an object schema, under the form name `name` (e.g. ['adapterConfig']): short fields two to a row,
 * required text, nested objects, maps and JSON across the whole width.
 */
export function SchemaFields({ schema, name }: { schema: JsonSchema; name: (string | number)[] }) {
  const required = new Set(schema.required ?? []);
  return (
    <Row gutter={16}>
      {Object.entries(schema.properties ?? {}).map(([key, prop]) => {
        const kind = kindOf(prop);
        const wide =
          ['object', 'map', 'json'].includes(kind) ||
          (kind === 'string' && (required.has(key) || (prop.maxLength ?? 0) >= 1000 || prop.format === 'multiline'));
        return (
          <Col key={key} xs={24} md={wide ? 24 : 12}>
            <Field name={[...name, key]} label={prop.title ?? key} schema={prop} required={required.has(key)} />
          </Col>
        );
      })}
    </Row>
  );
}

/**
 * A settings object edited with the fields of its schema (form value `field`) or as JSON text (`jsonField`): JSON when
 * the schema cannot be shown as fields, or by the user's choice. `complete` finishes what the fields give.
 */
export function useSchemaEditor(
  form: FormInstance,
  {
    field,
    jsonField,
    schema,
    initialSchema,
    complete = (value) => value,
  }: {
    field: string;
    jsonField: string;
    schema: JsonSchema | undefined;
    initialSchema: JsonSchema | undefined;
    complete?: (value: Record<string, unknown>) => Record<string, unknown>;
  },
) {
  const { t } = useTranslation();
  const [asJson, setAsJson] = useState(() => !formable(initialSchema));
  const jsonMode = asJson || !formable(schema);

  /** The object from whichever editor is showing; throws an error saying "invalid JSON" when it cannot be read. */
  function current(): Record<string, unknown> {
    const v = form.getFieldsValue(true) as Record<string, unknown>;
    try {
      if (jsonMode) {
        const text = (v[jsonField] as string | undefined)?.trim();
        return text ? (JSON.parse(text) as Record<string, unknown>) : {};
      }
      return complete((schema ? (fromForm(schema, v[field]) as Record<string, unknown> | undefined) : undefined) ?? {});
    } catch {
      throw new Error(t('engine.schema.invalidJson'));
    }
  }

  /** Shows the JSON text (or the fields) with what the other editor holds; stays put on invalid JSON. */
  function switchTo(json: boolean) {
    try {
      const value = current();
      if (json) form.setFieldValue(jsonField, JSON.stringify(value, null, 2));
      else if (schema) form.setFieldValue(field, toForm(schema, value));
      setAsJson(json);
    } catch {
      form.setFields([{ name: jsonField, errors: [t('engine.schema.invalidJson')] }]);
    }
  }

  /** Starts over with another schema (another adapter or protocol) and its value. */
  function reset(next: JsonSchema | undefined, value: Record<string, unknown>) {
    form.setFieldValue(field, next && formable(next) ? toForm(next, value) : undefined);
    form.setFieldValue(jsonField, JSON.stringify(value, null, 2));
    setAsJson(!formable(next));
  }

  return { jsonMode, current, switchTo, reset };
}

/** The choice between the fields and JSON text (see useSchemaEditor). */
export function EditorSwitch({
  json,
  onChange,
  size,
}: {
  json: boolean;
  onChange: (json: boolean) => void;
  size?: RadioGroupProps['size'];
}) {
  const { t } = useTranslation();
  return (
    <Radio.Group
      optionType="button"
      size={size}
      value={json ? 'json' : 'form'}
      onChange={(e) => onChange(e.target.value === 'json')}
      options={[
        { value: 'form', label: t('engine.subscriptions.formEditor') },
        { value: 'json', label: 'JSON' },
      ]}
    />
  );
}

/** A JSON object as text, checked to parse. */
export function JsonField({
  name,
  label,
  rows,
  testId,
}: {
  name: string;
  label: ReactNode;
  rows: number;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Form.Item
      name={name}
      label={label}
      rules={[
        {
          validator: async (_r, v: unknown) => {
            if (typeof v === 'string' && v.trim()) JSON.parse(v);
          },
          message: t('engine.schema.invalidJson'),
        },
      ]}
    >
      <Input.TextArea rows={rows} style={{ fontFamily: 'monospace' }} data-testid={testId} />
    </Form.Item>
  );
}
