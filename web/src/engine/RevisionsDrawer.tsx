/** 修订历史: every saved change of a domain, system, topic, subscription or endpoint, with a field diff and rollback. */
import { Button, Drawer, Empty, Flex, Pagination, Space, Spin, Table, Tag, Typography, theme } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../shell/auth';
import { ConfirmAction, useAct } from '../shell/crud';
import { formatTime } from '../shell/format';
import { PERMISSIONS } from '../shell/navigation';
import { useRequest } from '../shell/useRequest';
import { listRevisions, rollbackRevision, type Revision, type RevisionEntity } from './api';
import { ErrorAlert } from './common';

/** Flattens a JSON value to `path → display text` (objects by key, arrays and scalars as JSON). */
function flatten(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.length && prefix) out.set(prefix, '{}');
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out;
}

interface DiffRow {
  field: string;
  before: string | undefined;
  after: string | undefined;
}

export function diffRows(before: unknown, after: unknown): DiffRow[] {
  const a = flatten(before);
  const b = flatten(after);
  const fields = [...new Set([...a.keys(), ...b.keys()])].sort();
  return fields
    .filter((f) => a.get(f) !== b.get(f) && !['updatedAt', 'createdAt'].includes(f))
    .map((field) => ({ field, before: a.get(field), after: b.get(field) }));
}

function RevisionDiff({ revision }: { revision: Revision }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const rows = diffRows(revision.before, revision.after);
  if (!rows.length) return <Typography.Text type="secondary">{t('engine.revisions.noDiff')}</Typography.Text>;
  const cell = (v: string | undefined, color: string) =>
    v === undefined ? (
      <Typography.Text type="secondary">—</Typography.Text>
    ) : (
      <Typography.Text style={{ background: color, wordBreak: 'break-all', fontFamily: token.fontFamilyCode }}>
        {v}
      </Typography.Text>
    );
  return (
    <Table<DiffRow>
      size="small"
      rowKey="field"
      pagination={false}
      data-testid="revision-diff"
      dataSource={rows}
      columns={[
        { title: t('engine.revisions.field'), dataIndex: 'field', width: 160 },
        {
          title: t('engine.revisions.before'),
          dataIndex: 'before',
          render: (v: string | undefined) => cell(v, token.colorErrorBg),
        },
        {
          title: t('engine.revisions.after'),
          dataIndex: 'after',
          render: (v: string | undefined) => cell(v, token.colorSuccessBg),
        },
      ]}
    />
  );
}

const PAGE_SIZE = 10;

export default function RevisionsDrawer({
  entityType,
  entityId,
  domainId,
  title,
  onClose,
  onRolledBack,
}: {
  entityType: RevisionEntity;
  entityId: string;
  domainId?: string;
  title: string;
  onClose: () => void;
  onRolledBack: () => void;
}) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const { can } = useAuth();
  const canManage = can(PERMISSIONS.engineConfigManage);
  const [page, setPage] = useState(1);
  const revisions = useRequest(
    () => listRevisions({ entityType, entityId, domainId, page, pageSize: PAGE_SIZE }),
    [entityType, entityId, domainId, page],
  );
  const [open, setOpen] = useState<number | null>(null);
  const act = useAct(() => {
    revisions.reload();
    onRolledBack();
  });

  const items = revisions.data?.items ?? [];
  const actionColor: Record<string, string> = { create: 'green', update: 'blue', delete: 'red', rollback: 'purple' };
  return (
    <Drawer open size={720} title={t('engine.revisions.title', { name: title })} onClose={onClose} destroyOnHidden>
      <ErrorAlert error={revisions.error} />
      <Spin spinning={revisions.loading}>
        {items.length ? (
          <div data-testid="revisions-list">
            {items.map((r) => (
              <div key={r.id} style={{ padding: '12px 0', borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
                <Flex justify="space-between" align="flex-start" gap={8} wrap>
                  <Space wrap>
                    <Tag color={actionColor[r.action] ?? 'default'}>
                      {t(`engine.revisions.actions.${r.action}`, { defaultValue: r.action })}
                    </Tag>
                    <Typography.Text>{formatTime(r.at)}</Typography.Text>
                    <Typography.Text type="secondary">{r.username ?? '—'}</Typography.Text>
                  </Space>
                  <Space size={0}>
                    <Button type="link" size="small" onClick={() => setOpen(open === r.id ? null : r.id)}>
                      {open === r.id ? t('engine.revisions.hideDiff') : t('engine.revisions.showDiff')}
                    </Button>
                    {canManage && r.action !== 'create' ? (
                      <ConfirmAction
                        title={t('engine.revisions.rollbackConfirm')}
                        onConfirm={() => act(() => rollbackRevision(r.id), t('engine.revisions.rolledBack'))}
                        danger
                      >
                        {t('engine.revisions.rollback')}
                      </ConfirmAction>
                    ) : null}
                  </Space>
                </Flex>
                {r.summary ? <div style={{ marginTop: 4 }}>{r.summary}</div> : null}
                {open === r.id ? (
                  <div style={{ marginTop: 8 }}>
                    <RevisionDiff revision={r} />
                  </div>
                ) : null}
              </div>
            ))}
          </div>
        ) : revisions.loading ? null : (
          <Empty description={t('engine.revisions.empty')} />
        )}
      </Spin>
      {(revisions.data?.total ?? 0) > PAGE_SIZE ? (
        <Pagination
          size="small"
          style={{ marginTop: 16, textAlign: 'right' }}
          current={page}
          pageSize={PAGE_SIZE}
          total={revisions.data?.total ?? 0}
          onChange={setPage}
        />
      ) : null}
    </Drawer>
  );
}

/** A row whose revisions can be shown: a domain, or something in one. */
interface RevisedRow {
  id: string;
  name: string;
  domainId?: string;
}

/**
 * The revisions drawer of a list page, one row at a time (the way antd's `Modal.useModal` works): call `open(row)`
 * from the row's action and render `drawer` in the page.
 */
export function useRevisions(entityType: RevisionEntity, onRolledBack: () => void) {
  const [row, setRow] = useState<RevisedRow | null>(null);
  const open = (r: RevisedRow) => setRow(r);
  const drawer = row ? (
    <RevisionsDrawer
      entityType={entityType}
      entityId={row.id}
      domainId={entityType === 'domain' ? row.id : row.domainId}
      title={row.name}
      onClose={() => setRow(null)}
      onRolledBack={onRolledBack}
    />
  ) : null;
  return [open, drawer] as const;
}
