/**
 * Calls to engine routes that the generated schema does not describe (yet). They go through the console's one
 * openapi-fetch client, so they carry the same Accept-Language header and the same 401/403 session handling as
 * every typed call; only the path is not checked against `paths`.
 */
import { api, unwrap } from '../api/client';

type Query = Record<string, string | number | boolean | string[] | undefined | null>;

interface Init {
  path?: Record<string, string>;
  /** Query parameters; undefined, null and empty values are left out. */
  query?: object;
  body?: unknown;
}

type Result = Promise<{ data?: unknown; error?: unknown; response: Response }>;
type Call = (path: string, init?: Record<string, unknown>) => Result;
interface LooseClient {
  GET: Call;
  POST: Call;
  PUT: Call;
  PATCH: Call;
  DELETE: Call;
}
const loose = api as unknown as LooseClient;

export type Method = keyof LooseClient;

/** Leaves out empty query values (openapi-fetch would send `q=`). */
function cleanQuery(query: object | undefined): Query | undefined {
  if (!query) return undefined;
  const out: Query = {};
  for (const [k, v] of Object.entries(query) as [string, Query[string]][])
    if (v !== undefined && v !== null && v !== '') out[k] = v;
  return out;
}

function init({ path, query, body }: Init, parseAs?: 'blob'): Record<string, unknown> {
  return {
    params: { path: path ?? {}, query: cleanQuery(query) },
    ...(body === undefined ? {} : { body }),
    ...(parseAs ? { parseAs } : {}),
  };
}

/** A JSON call: resolves to the response body, or throws an ApiError from the problem JSON. */
export function request<T>(method: Method, path: string, options: Init = {}): Promise<T> {
  return unwrap(loose[method](path, init(options)) as Promise<{ data?: T; error?: unknown; response: Response }>);
}

/** A file download: the body as a Blob with the file name the server suggests. */
export async function download(path: string, options: Init, fallbackName: string): Promise<void> {
  let response: Response | undefined;
  const blob = await unwrap(
    (loose.GET(path, init(options, 'blob')) as Promise<{ data?: Blob; error?: unknown; response: Response }>).then(
      (r) => {
        response = r.response;
        return r;
      },
    ),
  );
  saveBlob(blob, fileNameOf(response?.headers.get('content-disposition')) ?? fallbackName);
}

function fileNameOf(disposition: string | null | undefined): string | undefined {
  if (!disposition) return undefined;
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1]?.trim();
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
