/**
 * The domain (域) every engine page works in: one selector shared by all of them, remembered in this browser, and
 * overridable by a `?domainId=` link (e.g. 域管理 → 主题).
 */
import { Button, Card, Empty, Select, Space, type CardProps } from 'antd';
import { useCallback, useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useAuth } from '../shell/auth';
import { PERMISSIONS } from '../shell/navigation';
import { useRequest } from '../shell/useRequest';
import { listDomains, type Domain } from './api';
import { ErrorAlert } from './common';

const STORAGE_KEY = 'hutong.engine.domain';
const listeners = new Set<() => void>();

function readStored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

let current: string | null = readStored();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function setStoredDomain(id: string): void {
  if (id === current) return;
  current = id;
  try {
    localStorage.setItem(STORAGE_KEY, id);
  } catch {
    // storage unavailable: the choice lasts for this page only
  }
  for (const l of listeners) l();
}

export interface EngineDomain {
  domains: Domain[];
  domain: Domain | undefined;
  domainId: string | undefined;
  setDomainId: (id: string) => void;
  loading: boolean;
  error: unknown;
  reload: () => void;
}

/** The domain list and the selected domain (a `?domainId=` in the address wins and becomes the remembered one). */
export function useEngineDomain(): EngineDomain {
  const list = useRequest(listDomains, []);
  const stored = useSyncExternalStore(subscribe, () => current);
  const [params] = useSearchParams();
  const fromUrl = params.get('domainId');

  useEffect(() => {
    if (fromUrl) setStoredDomain(fromUrl);
  }, [fromUrl]);

  const domains = useMemo(() => list.data ?? [], [list.data]);
  const wanted = fromUrl ?? stored;
  const domain =
    domains.find((d) => d.id === wanted) ??
    domains.find((d) => d.code === 'default') ??
    domains.find((d) => d.enabled) ??
    domains[0];
  const setDomainId = useCallback((id: string) => setStoredDomain(id), []);
  return {
    domains,
    domain,
    domainId: domain?.id,
    setDomainId,
    loading: list.loading,
    error: list.error,
    reload: list.reload,
  };
}

/** The selector shown in each engine page's header. */
export function DomainSelect({ engine }: { engine: EngineDomain }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  return (
    <Select
      data-testid="engine-domain-select"
      style={{ minWidth: 200 }}
      loading={engine.loading}
      value={engine.domainId}
      placeholder={t('engine.domain.select')}
      prefix={t('engine.domain.label')}
      onChange={(id: string) => {
        engine.setDomainId(id);
        // A link's domainId would otherwise keep winning over the new choice.
        if (params.has('domainId')) {
          params.delete('domainId');
          setParams(params, { replace: true });
        }
      }}
      options={engine.domains.map((d) => ({
        value: d.id,
        label: d.enabled ? `${d.name} (${d.code})` : `${d.name} (${d.code}) · ${t('engine.disabled')}`,
      }))}
    />
  );
}

/** Shown instead of a page's table while there is no domain to work in. */
export function NoDomain() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { can } = useAuth();
  return (
    <Empty description={t('engine.domain.none')} data-testid="engine-no-domain">
      {can(PERMISSIONS.engineConfigManage) ? (
        <Button type="primary" onClick={() => navigate('/engine/domains')}>
          {t('engine.domain.goCreate')}
        </Button>
      ) : null}
    </Empty>
  );
}

/**
 * An engine page's card: the domain selector and the page's own buttons (`extra`) in its header, the domain list's
 * error (else `error`), and the body — or, once it is clear there is no domain, a way to create one.
 */
export function DomainCard({
  engine,
  extra,
  error,
  children,
  ...card
}: Omit<CardProps, 'extra'> & { engine: EngineDomain; extra?: ReactNode; error?: unknown }) {
  return (
    <Card
      {...card}
      extra={
        <Space wrap>
          <DomainSelect engine={engine} />
          {extra}
        </Space>
      }
    >
      <ErrorAlert error={engine.error ?? error} />
      {!engine.loading && !engine.domain && !engine.error ? <NoDomain /> : children}
    </Card>
  );
}
