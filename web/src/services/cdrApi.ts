/**
 * Calls of 临床数据中心 (the clinical data repository, CDR): its entities with their counts, a filtered page of
 * records, and one record with its history. Pages take their types from here only.
 */
import { api, unwrap } from '../api/client';
import type { QueryOf, ResponseOf } from '../api/types';

export type CdrEntity = ResponseOf<'/api/cdr/entities', 'get'>['items'][number];
export type CdrEntityState = NonNullable<CdrEntity['states']>[number];
export type CdrRecordQuery = QueryOf<'/api/cdr/records', 'get'>;
export type CdrRecordPage = ResponseOf<'/api/cdr/records', 'get'>;
export type CdrRecord = CdrRecordPage['items'][number];
export type CdrRecordDetail = ResponseOf<'/api/cdr/records/{id}', 'get'>;
export type CdrHistoryEntry = CdrRecordDetail['history'][number];

export const listCdrEntities = async (): Promise<CdrEntity[]> => (await unwrap(api.GET('/api/cdr/entities'))).items;

export const listCdrRecords = (query: CdrRecordQuery) => unwrap(api.GET('/api/cdr/records', { params: { query } }));

export const getCdrRecord = (id: string) => unwrap(api.GET('/api/cdr/records/{id}', { params: { path: { id } } }));
