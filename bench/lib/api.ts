// The bench's way into Hutong's configuration API: sign in as the bench administrator and call the API with the
// session cookie, failing loudly on any error answer. Every bench configures what it measures through the API, as an
// operator would.
import { BENCH_ADMIN_PASSWORD } from './processes.js';

export interface AdminApi {
  base: string;
  call<T>(method: string, url: string, body?: unknown): Promise<T>;
  /** The default domain's id. */
  defaultDomainId(): Promise<string>;
}

/** `base` ends with '/', as the URL Hutong prints; `url` in `call` may start with '/' or not. */
export async function adminApi(base: string): Promise<AdminApi> {
  const login = await fetch(`${base}api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: BENCH_ADMIN_PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${url.replace(/^\//, '')}`, {
      method,
      headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${url}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const defaultDomainId = async () => {
    const domains = await call<{ items: { id: string; code: string }[] }>('GET', 'api/engine/domains');
    return domains.items.find((d) => d.code === 'default')!.id;
  };
  return { base, call, defaultDomainId };
}
