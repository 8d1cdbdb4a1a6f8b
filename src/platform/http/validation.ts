// Request validation: each route's TypeBox schema compiled once. Parameters, query strings and headers arrive as
// strings; they are converted to the schema's types (a page number "2" → 2) only when they do not already match, so
// the common request (path parameters that are strings, no query) is checked once and never copied. Bodies are
// checked as they are.
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  return (value: unknown) => {
    if (check.Check(value)) return { value };
    const converted = httpPart === 'body' ? value : Value.Convert(schema, value);
    if (httpPart !== 'body' && check.Check(converted)) return { value: converted };
    return { error: check.Errors(converted) as never };
  };
};
