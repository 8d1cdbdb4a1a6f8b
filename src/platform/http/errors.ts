// Turns every failure into a JSON problem body (RFC 9457) with a stable HT_ code and a message in the caller's
// language. Nothing else reaches a client: no stack trace, no driver message, no internal path.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { HtError, errorStatus, errorText, pickLang, type ErrorCode, type FieldProblem } from '../errors/index.js';

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable error code, HT_…' }),
    message: Type.String({ description: 'Human-readable, in the language the client asked for' }),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String(),
          message: Type.String(),
          messageEn: Type.Optional(Type.String({ description: 'the same in English, where the check provides it' })),
        }),
      ),
    ),
  },
  { $id: 'Problem', title: 'Problem' },
);

export function problemBody(
  code: ErrorCode,
  message: string,
  requestId: string,
  errors?: FieldProblem[],
): Record<string, unknown> {
  return {
    type: `https://hutong.dev/errors/${code}`,
    title: code,
    status: errorStatus(code),
    code,
    message,
    requestId,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

/** Maps any thrown value to an HtError (unknown errors become HT_INTERNAL, logged with their stack). */
export function toHtError(error: unknown, request: FastifyRequest, bodyLimit: number): HtError {
  if (error instanceof HtError) return error;
  const e = error as FastifyError & { validation?: ValidationIssue[] };
  if (e.validation) return new HtError('HT_REQUEST_INVALID', {}, { errors: fieldProblems(e) });
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HtError('HT_REQUEST_TOO_LARGE', { limit: bodyLimit });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HtError('HT_REQUEST_UNSUPPORTED_MEDIA_TYPE', {
        contentType: String(request.headers['content-type'] ?? ''),
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HtError('HT_REQUEST_EMPTY_BODY');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HtError('HT_REQUEST_MALFORMED_JSON');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HtError('HT_REQUEST_INVALID');
    default:
      break;
  }
  if (e instanceof SyntaxError && e.statusCode === 400) return new HtError('HT_REQUEST_MALFORMED_JSON');
  if (e.statusCode === 413) return new HtError('HT_REQUEST_TOO_LARGE', { limit: bodyLimit });
  if (e.statusCode === 415) {
    return new HtError('HT_REQUEST_UNSUPPORTED_MEDIA_TYPE', {
      contentType: String(request.headers['content-type'] ?? ''),
    });
  }
  if (e.statusCode === 400) return new HtError('HT_REQUEST_INVALID');
  request.log.error({ err: error }, 'unhandled error');
  return new HtError('HT_INTERNAL', { requestId: request.id });
}

interface ValidationIssue {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Schema errors as `{ path, message }`, one per problem: unknown fields named, TypeBox's echoes dropped. */
function fieldProblems(e: FastifyError & { validation?: ValidationIssue[] }): FieldProblem[] {
  const part = e.validationContext ?? 'body';
  const out: FieldProblem[] = [];
  for (const v of e.validation ?? []) {
    if (v.keyword === 'boolean') continue; // "schema is false": repeated by the additionalProperties entry
    const at = `${part}${v.instancePath ?? ''}`;
    if (v.keyword === 'additionalProperties') {
      const names = (v.params?.additionalProperties as string[] | undefined) ?? [];
      for (const name of names) out.push({ path: `${at}/${name}`, message: 'unknown field (未知字段)' });
      if (names.length === 0) out.push({ path: at, message: 'unknown field (未知字段)' });
      continue;
    }
    out.push({ path: at, message: v.message ?? 'invalid' });
  }
  return out;
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: HtError): FastifyReply {
  const lang = request.ctx?.lang ?? pickLang(request.headers['accept-language']);
  return reply
    .status(error.status)
    .type('application/problem+json; charset=utf-8')
    .send(problemBody(error.code, error.localized(lang), request.id, error.errors));
}

export function registerErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.addSchema(ProblemSchema);
  app.setErrorHandler((error, request, reply) => sendProblem(reply, request, toHtError(error, request, bodyLimit)));
}

/** 404 for API paths; the console's SPA fallback is registered by the static plugin. */
export function apiNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0] ?? '';
  return sendProblem(reply, request, new HtError('HT_NOT_FOUND', { path }));
}

export { errorText };
