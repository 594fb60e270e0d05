/**
 * @file History of generated results in IndexedDB (idb-keyval store `medcodi-results`), one record per job id.
 *
 * Notes:
 * - Records hold the output pixels (Uint8ClampedArray, structured-cloned), never the raw inputs.
 * - Each save is one put in its own transaction: a failed save (quota, private mode) leaves every record already
 *   saved untouched, and the error says so in words the user can act on.
 * - Reads skip records that are not ResultRecords (a newer or damaged entry) instead of failing the whole list.
 */
import { clear, createStore, del, get, keys, set, values, type UseStore } from 'idb-keyval';
import { RESULT_RECORD_VERSION, type ResultRecord } from '../domain/result-record';
import { parseSourceCase } from '../domain/result-findings';

export const RESULTS_DB_NAME = 'medcodi-results';
export const RESULTS_STORE_NAME = 'results';

export class ResultsStorageError extends Error {
  override readonly name = 'ResultsStorageError';
  constructor(
    message: string,
    readonly kind: 'quota' | 'unavailable' | 'other',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ResultsDb {
  save(record: ResultRecord): Promise<void>;
  /** Every readable record, newest first. */
  list(): Promise<ResultRecord[]>;
  get(id: string): Promise<ResultRecord | undefined>;
  /** Every stored id, readable or not (a record written by a newer studio still holds its id). */
  ids(): Promise<string[]>;
  remove(id: string): Promise<void>;
  clearAll(): Promise<void>;
}

function errorName(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'name' in error) return String((error as { name: unknown }).name);
  return '';
}

/** True for the quota errors browsers raise on IndexedDB writes (Chrome/Firefox name them differently). */
export function isQuotaError(error: unknown): boolean {
  const name = errorName(error);
  if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED') return true;
  // Chromium reports some quota failures as an aborted transaction whose inner error is the quota error.
  const inner = typeof error === 'object' && error !== null && 'inner' in error ? (error as { inner: unknown }).inner : undefined;
  return inner !== undefined && isQuotaError(inner);
}

function toStorageError(error: unknown, action: string): ResultsStorageError {
  if (error instanceof ResultsStorageError) return error;
  if (isQuotaError(error)) {
    return new ResultsStorageError(
      `The browser's storage for this site is full, so the result was not ${action}. Delete older results in History ` +
        'or free disk space, then try again. Nothing already saved was lost.',
      'quota',
      { cause: error },
    );
  }
  const name = errorName(error);
  if (name === 'InvalidStateError' || name === 'SecurityError' || name === 'UnknownError') {
    return new ResultsStorageError(
      `This browser is not letting the studio use IndexedDB (private window or storage turned off), so the result was not ${action}.`,
      'unavailable',
      { cause: error },
    );
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new ResultsStorageError(`The result was not ${action}: ${detail}`, 'other', { cause: error });
}

function isResultRecord(value: unknown): value is ResultRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ResultRecord>;
  return v.recordVersion === RESULT_RECORD_VERSION && typeof v.id === 'string' && typeof v.createdAt === 'string' && v.synthetic === true;
}

/** The record without an optional part it cannot use (a damaged `sourceCase` is dropped; the result stays). */
function withUsableParts(record: ResultRecord): ResultRecord {
  if (record.sourceCase === undefined) return record;
  const sourceCase = parseSourceCase(record.sourceCase);
  if (sourceCase) return { ...record, sourceCase };
  const { sourceCase: _damaged, ...rest } = record;
  return rest;
}

/** Results history over an idb-keyval store; pass a store in tests. */
export function createResultsDb(store: UseStore = createStore(RESULTS_DB_NAME, RESULTS_STORE_NAME)): ResultsDb {
  return {
    async save(record) {
      try {
        await set(record.id, record, store);
      } catch (error) {
        throw toStorageError(error, 'saved');
      }
    },
    async list() {
      let all: unknown[];
      try {
        all = await values(store);
      } catch (error) {
        throw toStorageError(error, 'loaded');
      }
      return all.filter(isResultRecord).map(withUsableParts).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async get(id) {
      try {
        const value: unknown = await get(id, store);
        return isResultRecord(value) ? withUsableParts(value) : undefined;
      } catch (error) {
        throw toStorageError(error, 'loaded');
      }
    },
    async ids() {
      try {
        return (await keys(store)).map(String);
      } catch (error) {
        throw toStorageError(error, 'loaded');
      }
    },
    async remove(id) {
      try {
        await del(id, store);
      } catch (error) {
        throw toStorageError(error, 'deleted');
      }
    },
    async clearAll() {
      try {
        await clear(store);
      } catch (error) {
        throw toStorageError(error, 'deleted');
      }
    },
  };
}

let shared: ResultsDb | null = null;

/** The app's results history (created on first use so tests and SSR-free imports open no database). */
export function resultsDb(): ResultsDb {
  shared ??= createResultsDb();
  return shared;
}
