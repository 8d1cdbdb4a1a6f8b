/** A failed API call: the server's `application/problem+json` body, or a network failure (status 0). */
export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[];

  constructor(status: number, code: string, message: string, errors: FieldError[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.errors = errors;
  }

  static fromProblem(status: number, body: unknown, fallbackMessage: string): ApiError {
    if (body && typeof body === 'object') {
      const p = body as Record<string, unknown>;
      const code = typeof p.code === 'string' ? p.code : `HTTP_${status}`;
      const message =
        typeof p.message === 'string' && p.message
          ? p.message
          : typeof p.title === 'string' && p.title
            ? p.title
            : fallbackMessage;
      const errors = Array.isArray(p.errors)
        ? p.errors.flatMap((e: unknown): FieldError[] => {
            if (!e || typeof e !== 'object') return [];
            const r = e as Record<string, unknown>;
            return typeof r.message === 'string'
              ? [{ path: typeof r.path === 'string' ? r.path : '', message: r.message }]
              : [];
          })
        : [];
      return new ApiError(status, code, message, errors);
    }
    const text = typeof body === 'string' && body.length > 0 && body.length < 300 ? body : fallbackMessage;
    return new ApiError(status, `HTTP_${status}`, text);
  }
}

/** Problem codes the console reacts to. */
export const ProblemCode = {
  authRequired: 'HT_AUTH_REQUIRED',
  invalidCredentials: 'HT_AUTH_INVALID_CREDENTIALS',
  passwordChangeRequired: 'HT_AUTH_PASSWORD_CHANGE_REQUIRED',
  passwordPolicy: 'HT_AUTH_PASSWORD_POLICY',
  passwordReused: 'HT_AUTH_PASSWORD_REUSED',
} as const;

/**
 * The form field a server validation error belongs to: `body/email`, `/email`, `body.email` and
 * `email` all name the field `email`; `body/roleIds/0` names `roleIds`.
 */
export function fieldOf(path: string): string {
  const parts = path.split(/[/.]/).filter((s) => s && !['body', 'querystring', 'params', '#'].includes(s));
  return parts[0] ?? '';
}

export function errorMessage(err: unknown, fallback: string): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.message) return err.message;
  return fallback;
}
