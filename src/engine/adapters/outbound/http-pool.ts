// What the HTTP-based outbound adapters (HTTP push, WebService/SOAP) share: the TLS settings of their configuration and
// one keep-alive connection pool per origin, TLS options and size.
import { readFileSync } from 'node:fs';
import Type, { type Static } from 'typebox';
import { Pool } from 'undici';

export const HttpTlsOptions = Type.Object(
  {
    rejectUnauthorized: Type.Optional(Type.Boolean({ default: true })),
    caFile: Type.Optional(Type.String({ description: 'PEM file of the CA to trust' })),
    certFile: Type.Optional(Type.String({ description: 'client certificate (PEM) for mutual TLS' })),
    keyFile: Type.Optional(Type.String({ description: 'client key (PEM) for mutual TLS' })),
  },
  { additionalProperties: false },
);
export type HttpTlsOptions = Static<typeof HttpTlsOptions>;

export class HttpPools {
  private readonly pools = new Map<string, Pool>();

  get(url: URL, tls: HttpTlsOptions | undefined, connections = 16): Pool {
    const key = JSON.stringify([url.origin, tls ?? null, connections]);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new Pool(url.origin, {
        connections,
        keepAliveTimeout: 30_000,
        ...(url.protocol === 'https:'
          ? {
              connect: {
                rejectUnauthorized: tls?.rejectUnauthorized ?? true,
                ...(tls?.caFile ? { ca: readFileSync(tls.caFile) } : {}),
                ...(tls?.certFile ? { cert: readFileSync(tls.certFile) } : {}),
                ...(tls?.keyFile ? { key: readFileSync(tls.keyFile) } : {}),
              },
            }
          : {}),
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
  }
}

/** The first value of a response header undici may give as a list. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
