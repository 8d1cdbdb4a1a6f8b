// The one explicit list of routes anyone may call without signing in. A test walks the route table and fails on
// any route that declares no permission, and on any `public` route missing here.
export const PUBLIC_ROUTES: readonly string[] = [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'POST /api/auth/login',
  'GET /api/openapi.json',
  'GET /api/docs*',
  // the console's static files (its SPA fallback is the not-found handler)
  'GET /*',
];

export function isPublicRoute(method: string, url: string): boolean {
  const key = `${method} ${url}`;
  // `GET /api/docs*` covers a prefix; `GET /*` is the static plugin's one wildcard route, matched exactly.
  return PUBLIC_ROUTES.some((entry) =>
    entry.endsWith('*') && !entry.endsWith('/*') ? key.startsWith(entry.slice(0, -1)) : entry === key,
  );
}

/** Where business systems call in with their own credentials (permission `inbound`). */
export const INBOUND_ROUTES: readonly string[] = [
  'POST /api/hip/:domain/:topic',
  'POST /http/:domain/:topic',
  // the HIPMessageServer WebService and its WSDL (every endpoint path is under /services/)
  'POST /services/*',
  'GET /services/*',
];

export function isInboundRoute(method: string, url: string): boolean {
  return INBOUND_ROUTES.includes(`${method} ${url}`);
}
