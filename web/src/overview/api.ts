import { api, unwrap } from '../api/client';
import type { Meta } from '../api/types';

export function fetchMeta(): Promise<Meta> {
  return unwrap(api.GET('/api/meta'));
}
