import type { paths } from './schema';

/**
 * Page code reaches API types only through these helpers (never through `components['schemas'][…]`),
 * so the schema generated from the server's OpenAPI document can replace the provisional one without
 * depending on how the server names its schemas.
 */
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type JsonContent<R> = R extends { content: infer C } ? (C extends Record<string, unknown> ? C[keyof C] : never) : never;
type Operation<P extends keyof paths, M extends Method> = M extends keyof paths[P] ? NonNullable<paths[P][M]> : never;

/** JSON body of the 200 (or 201) response of an operation. */
export type ResponseOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer Rs }
    ? Rs extends { 200: infer R }
      ? JsonContent<R>
      : Rs extends { 201: infer R }
        ? JsonContent<R>
        : never
    : never;

/** JSON request body of an operation. */
export type BodyOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: infer B } ? JsonContent<NonNullable<B>> : never;

/** Query parameters of an operation. */
export type QueryOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type Me = ResponseOf<'/api/auth/me', 'get'>;
export type Meta = ResponseOf<'/api/meta', 'get'>;

/** An item of a `{ items: T[] }` list response. */
export type ItemOf<L> = L extends { items: (infer T)[] } ? T : never;
