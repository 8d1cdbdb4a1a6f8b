/**
 * A service's fields as a tree table: objects and arrays expand into their fields. The V3 path is where the value
 * sits in the message (relative to controlActProcess, or to the repeating element inside an array).
 */
import { Flex, Popover, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Mono } from '../engine/common';
import type { ServiceField } from './api';

/** ServiceField's children have the same props at every level; the tree table only needs this shape. */
interface FieldLike {
  key: string;
  label: string;
  type: ServiceField['type'];
  required: boolean;
  description?: string;
  codeSystem?: string;
  options?: { code: string; display?: string }[];
  v3Path: string;
  fields?: FieldLike[];
}

interface FieldRow {
  /** Position in the tree: keys may repeat at different places (two `orgCode`s), positions do not. */
  id: string;
  field: FieldLike;
  children?: FieldRow[];
}

function rows(fields: readonly FieldLike[], parent = ''): FieldRow[] {
  return fields.map((field, i) => {
    const id = parent ? `${parent}.${i}` : String(i);
    return field.fields?.length ? { id, field, children: rows(field.fields, id) } : { id, field };
  });
}

/** Every field of a tree, depth first: to find a field's label by its key. */
export function flattenFields(fields: readonly FieldLike[]): FieldLike[] {
  return fields.flatMap((f) => [f, ...flattenFields(f.fields ?? [])]);
}

function Options({ options }: { options: NonNullable<FieldLike['options']> }) {
  const { t } = useTranslation();
  return (
    <Popover
      content={
        <div style={{ maxHeight: 320, maxWidth: 420, overflow: 'auto' }}>
          {options.map((o, i) => (
            <div key={`${o.code}-${i}`}>
              <Typography.Text code>{o.code}</Typography.Text> {o.display ?? ''}
            </div>
          ))}
        </div>
      }
    >
      <Tag style={{ cursor: 'help' }}>{t('services.field.options', { count: options.length })}</Tag>
    </Popover>
  );
}

export default function FieldTable({ fields }: { fields: readonly FieldLike[] }) {
  const { t } = useTranslation();
  const columns: TableColumnsType<FieldRow> = [
    {
      title: t('services.field.label'),
      key: 'label',
      width: 260,
      render: (_: unknown, r) => (
        <Flex vertical>
          <span data-testid="field-label">{r.field.label}</span>
          {r.field.description && r.field.description !== r.field.label ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.field.description}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    {
      title: t('services.field.key'),
      key: 'key',
      render: (_: unknown, r) => <Typography.Text code>{r.field.key}</Typography.Text>,
    },
    {
      title: t('services.field.type'),
      key: 'type',
      render: (_: unknown, r) => t(`services.fieldType.${r.field.type}`),
    },
    {
      title: t('services.field.required'),
      key: 'required',
      render: (_: unknown, r) =>
        r.field.required ? <Tag color="red">{t('common.yes')}</Tag> : <Tag>{t('common.no')}</Tag>,
    },
    {
      title: t('services.field.codeSystem'),
      key: 'codeSystem',
      render: (_: unknown, r) =>
        r.field.codeSystem || r.field.options?.length ? (
          <Flex gap={4} wrap align="center">
            {r.field.codeSystem ? <Mono value={r.field.codeSystem} width={200} /> : null}
            {r.field.options?.length ? <Options options={r.field.options} /> : null}
          </Flex>
        ) : (
          '—'
        ),
    },
    {
      title: t('services.field.v3Path'),
      key: 'v3Path',
      render: (_: unknown, r) => <Mono value={r.field.v3Path} width={380} />,
    },
  ];
  return (
    <Table<FieldRow>
      rowKey="id"
      size="small"
      data-testid="service-fields"
      columns={columns}
      dataSource={rows(fields)}
      pagination={false}
      expandable={{ defaultExpandAllRows: true }}
      scroll={{ x: 'max-content' }}
    />
  );
}
