/**
 * An HL7 v2 message as a table grouped by segment (消息结构表): each segment a group row (PID 患者标识), each field a
 * row with its path (PID-5), number, name in the console's language and value as sent; fields with components or
 * repetitions open to show them decoded. Empty fields are hidden unless asked for; the search box keeps the rows
 * whose path, name or value contains the text (a segment's name keeps all its fields).
 */
import { SearchOutlined } from '@ant-design/icons';
import { Flex, Input, Space, Switch, Table, Tag, Tooltip, Typography, theme, type TableColumnsType } from 'antd';
import { useMemo, useState, type HTMLAttributes, type Key } from 'react';
import { useTranslation } from 'react-i18next';
import type { Hl7Field, Hl7SegmentGroup, Hl7Structure } from './api';

interface Row {
  key: string;
  kind: 'segment' | 'field' | 'part';
  path: string;
  field?: number;
  name: string;
  /** The name in the other language (tooltip). */
  altName: string;
  value: string;
  count?: number;
  children?: Row[];
}

function segmentLabel(g: Hl7SegmentGroup): string {
  return g.index === 1 ? g.segment : `${g.segment}[${g.index}]`;
}

/** The decoded parts of a field: its components, or each repetition (with its components below it). */
function partsOf(f: Hl7Field): Row[] | undefined {
  const components = (path: string, values: string[]): Row[] =>
    values.map((value, i) => ({
      key: `${path}.${i + 1}`,
      kind: 'part',
      path: `${path}.${i + 1}`,
      name: '',
      altName: '',
      value,
    }));
  if (f.repetitions && f.repetitions.length > 1) {
    return f.repetitions.map((rep, r) => {
      const path = `${f.path}[${r + 1}]`;
      return {
        key: path,
        kind: 'part',
        path,
        name: '',
        altName: '',
        value: rep.join('^'),
        ...(rep.length > 1 ? { children: components(path, rep) } : {}),
      };
    });
  }
  if (f.components && f.components.length > 1) return components(f.path, f.components);
  return undefined;
}

function matches(row: Row, q: string): boolean {
  return (
    row.path.toLowerCase().includes(q) ||
    row.name.toLowerCase().includes(q) ||
    row.altName.toLowerCase().includes(q) ||
    row.value.toLowerCase().includes(q) ||
    (row.children ?? []).some((c) => matches(c, q))
  );
}

export default function Hl7v2Table({ structure }: { structure: Hl7Structure }) {
  const { t, i18n } = useTranslation();
  const { token } = theme.useToken();
  const english = i18n.language === 'en';
  const [showEmpty, setShowEmpty] = useState(false);
  const [query, setQuery] = useState('');
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [opened, setOpened] = useState<Set<string>>(new Set());

  const groups = useMemo(
    () =>
      structure.segments.map((g): Row => {
        const fields = g.rows.map((f): Row => {
          const parts = partsOf(f);
          return {
            key: f.path,
            kind: 'field',
            path: f.path,
            field: f.field,
            name: (english ? f.name : f.nameZh) || f.name || f.nameZh,
            altName: english ? f.nameZh : f.name,
            value: f.value,
            ...(parts ? { children: parts } : {}),
          };
        });
        const label = segmentLabel(g);
        return {
          key: `segment:${label}`,
          kind: 'segment',
          path: label,
          name: (english ? g.name : g.nameZh) || g.name || g.nameZh,
          altName: english ? g.nameZh : g.name,
          value: '',
          count: fields.filter((f) => f.value !== '').length,
          children: fields,
        };
      }),
    [structure, english],
  );

  const q = query.trim().toLowerCase();
  const data = useMemo(() => {
    const out: Row[] = [];
    for (const g of groups) {
      const segmentHit = q !== '' && (g.path.toLowerCase().startsWith(q) || g.name.toLowerCase().includes(q));
      const fields = (g.children ?? []).filter(
        (f) => (showEmpty || f.value !== '') && (q === '' || segmentHit || matches(f, q)),
      );
      if (fields.length > 0 || (q === '' && showEmpty) || segmentHit) out.push({ ...g, children: fields });
    }
    return out;
  }, [groups, q, showEmpty]);

  const fieldCount = groups.reduce((n, g) => n + (g.count ?? 0), 0);
  // Segments start open (a search opens them all); fields open on demand.
  const expandedKeys: Key[] = [...data.filter((g) => q !== '' || !collapsed.has(g.key)).map((g) => g.key), ...opened];

  function toggle(row: Row, open: boolean) {
    if (row.kind === 'segment') {
      setCollapsed((prev) => {
        const next = new Set(prev);
        if (open) next.delete(row.key);
        else next.add(row.key);
        return next;
      });
    } else {
      setOpened((prev) => {
        const next = new Set(prev);
        if (open) next.add(row.key);
        else next.delete(row.key);
        return next;
      });
    }
  }

  const mono = { fontFamily: token.fontFamilyCode, fontSize: 12 };
  const columns: TableColumnsType<Row> = [
    {
      title: t('engine.structure.path'),
      dataIndex: 'path',
      width: 150,
      render: (v: string, r) =>
        r.kind === 'segment' ? (
          <Typography.Text strong style={mono}>
            {v}
          </Typography.Text>
        ) : (
          <Typography.Text style={mono} type={r.kind === 'part' ? 'secondary' : undefined}>
            {v}
          </Typography.Text>
        ),
    },
    {
      title: t('engine.structure.field'),
      dataIndex: 'field',
      width: 56,
      render: (v: number | undefined) => v ?? '',
    },
    {
      title: t('engine.structure.name'),
      dataIndex: 'name',
      width: 190,
      render: (v: string, r) => {
        const text =
          r.kind === 'segment' ? (
            <Space size={6}>
              <Typography.Text strong>{v || t('engine.structure.unknownSegment')}</Typography.Text>
              <Typography.Text type="secondary">
                {t('engine.structure.fieldCount', { n: r.count ?? 0 })}
              </Typography.Text>
            </Space>
          ) : r.kind === 'part' ? null : v ? (
            <span data-testid="hl7-field-name">{v}</span>
          ) : (
            <Typography.Text type="secondary">—</Typography.Text>
          );
        return r.altName ? <Tooltip title={r.altName}>{text}</Tooltip> : text;
      },
    },
    {
      title: t('engine.structure.value'),
      dataIndex: 'value',
      render: (v: string, r) =>
        r.kind === 'segment' ? null : (
          <span style={{ ...mono, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }} data-testid="hl7-field-value">
            {v === '' ? <Typography.Text type="secondary">{t('engine.structure.empty')}</Typography.Text> : v}
          </span>
        ),
    },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="hl7-table">
      <Flex justify="space-between" align="center" gap={8} wrap>
        <Space wrap size={4}>
          {structure.messageType ? (
            <Tag color="blue" data-testid="hl7-message-type">
              {structure.messageType}
            </Tag>
          ) : null}
          {structure.version ? <Tag>{`v${structure.version}`}</Tag> : null}
          {structure.encoding ? <Tag>{structure.encoding}</Tag> : null}
          <Typography.Text type="secondary">
            {t('engine.structure.summary', { segments: structure.segments.length, fields: fieldCount })}
          </Typography.Text>
        </Space>
        <Space wrap>
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('engine.structure.search')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            style={{ width: 260 }}
            data-testid="hl7-search"
          />
          <Space size={6}>
            <Switch size="small" checked={showEmpty} onChange={setShowEmpty} data-testid="hl7-show-empty" />
            <Typography.Text>{t('engine.structure.showEmpty')}</Typography.Text>
          </Space>
        </Space>
      </Flex>
      <Table<Row>
        size="small"
        rowKey="key"
        pagination={false}
        columns={columns}
        dataSource={data}
        scroll={{ y: 640 }}
        expandable={{
          expandedRowKeys: expandedKeys,
          onExpand: (open, row) => toggle(row, open),
          indentSize: 16,
        }}
        onRow={(r) =>
          ({
            'data-testid': r.kind === 'segment' ? `hl7-segment-${r.path}` : `hl7-row-${r.path}`,
            style: r.kind === 'segment' ? { background: token.colorFillQuaternary } : undefined,
          }) as HTMLAttributes<HTMLElement>
        }
        locale={{ emptyText: t('engine.structure.noMatch') }}
      />
    </Space>
  );
}
