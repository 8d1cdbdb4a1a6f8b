import type { FormInstance } from 'antd';
import { ApiError, errorMessage, fieldOf } from '../api/errors';

/**
 * Puts a failed call's field errors (problem `errors[]`, and problem codes that concern one field,
 * e.g. `HT_SYSTEM_USER_EXISTS` → username) on the matching form fields. Returns the message to show
 * for what did not land on a field, or undefined when everything did.
 */
export function applyServerErrors(
  form: FormInstance,
  err: unknown,
  fallback: string,
  codeFields: Record<string, string> = {},
): string | undefined {
  if (!(err instanceof ApiError)) return errorMessage(err, fallback);
  const known = new Set(Object.keys(form.getFieldsValue() as Record<string, unknown>));
  const byField = new Map<string, string[]>();
  const rest: string[] = [];
  for (const e of err.errors) {
    const field = fieldOf(e.path);
    if (field && known.has(field)) byField.set(field, [...(byField.get(field) ?? []), e.message]);
    else rest.push(e.path ? `${e.path}: ${e.message}` : e.message);
  }
  const codeField = codeFields[err.code];
  if (!err.errors.length && codeField && known.has(codeField)) byField.set(codeField, [err.message]);
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  if (byField.size && !rest.length) return undefined;
  return rest.length ? `${err.message} (${rest.join('; ')})` : err.message;
}
