// What the engine's configuration-style APIs share (configuration, endpoints, messages, transforms, lookup tables,
// models): the problem answers and the 204 answer of their routes, the `:id` params, and the paging query with the
// page and list schemas. Part of the schemas, so of the OpenAPI document too.
import Type from 'typebox';

const Problem = Type.Ref('Problem');

/** The problem answers (the shared `Problem` schema) a route may give besides its own. */
export const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };

/** The answer of a route that answers 204. */
export const NoContent = Type.Null({ description: 'No content' });

/** The id of a stored object, in a path or a query. */
export const Id = Type.String({ minLength: 1, maxLength: 64 });

/** The params of a route on one object (`…/:id`). */
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

/** The query fields of a paged list: pages from 1, 20 items a page unless asked (at most 200). */
export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
};

/** One page of a paged list, with the total count. */
export function pageOf<T extends Parameters<typeof Type.Array>[0]>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
  });
}

/** A whole list (not paged). */
export function listOf<T extends Parameters<typeof Type.Array>[0]>(item: T) {
  return Type.Object({ items: Type.Array(item) });
}
