/**
 * @file Reader studies in IndexedDB (idb-keyval store `medcodi-vtt` / `vtt`).
 *
 * Keys: `study/<studyId>` → Study, `session/<studyId>/<readerId>` → ReaderSession.
 * Notes:
 * - A session is written whole, in one put, after every answer; the reader view awaits that write before it
 *   shows the next case, so a reload or a crash never loses a submitted answer or shows a case twice.
 * - Reads skip entries that are not ours (a damaged or newer record) instead of failing the list.
 * - Errors reuse the results store's wording for full storage and blocked IndexedDB.
 */
import { createStore, del, entries, get, set, type UseStore } from 'idb-keyval';
import type { ReaderSession } from '../domain/vtt/reader-session';
import { STUDY_FORMAT, type Study } from '../domain/vtt/study';
import { isQuotaError } from './results-db';

export const VTT_DB_NAME = 'medcodi-vtt';
export const VTT_STORE_NAME = 'vtt';

export class VttStorageError extends Error {
  override readonly name = 'VttStorageError';
}

const studyKey = (studyId: string) => `study/${studyId}`;
const sessionPrefix = (studyId: string) => `session/${studyId}/`;
const sessionKey = (studyId: string, readerId: string) => `${sessionPrefix(studyId)}${readerId}`;

function isStudy(value: unknown): value is Study {
  return typeof value === 'object' && value !== null && (value as Partial<Study>).format === STUDY_FORMAT && typeof (value as Partial<Study>).studyId === 'string';
}

function isSession(value: unknown): value is ReaderSession {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ReaderSession>;
  return typeof v.studyId === 'string' && Array.isArray(v.order) && Array.isArray(v.answers) && typeof v.reader?.readerId === 'string';
}

function storageError(error: unknown, what: string): VttStorageError {
  if (error instanceof VttStorageError) return error;
  if (isQuotaError(error)) {
    return new VttStorageError(`The browser's storage for this site is full, so ${what} failed. Free space (e.g. delete old results in History) and try again.`, { cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new VttStorageError(`${what[0]?.toUpperCase() ?? ''}${what.slice(1)} failed: ${detail}`, { cause: error });
}

async function guard<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw storageError(error, what);
  }
}

export interface VttDb {
  saveStudy(study: Study): Promise<void>;
  getStudy(studyId: string): Promise<Study | undefined>;
  /** Every readable study, newest first. */
  listStudies(): Promise<Study[]>;
  /** Deletes the study and every reader session of it. */
  deleteStudy(studyId: string): Promise<void>;
  /** Resolves once the session is durably written (the transaction completed). */
  saveSession(session: ReaderSession): Promise<void>;
  getSession(studyId: string, readerId: string): Promise<ReaderSession | undefined>;
  listSessions(studyId: string): Promise<ReaderSession[]>;
}

/** The VTT store over idb-keyval; pass a store in tests. */
export function createVttDb(store: UseStore = createStore(VTT_DB_NAME, VTT_STORE_NAME)): VttDb {
  const allEntries = () => entries<IDBValidKey, unknown>(store);
  return {
    saveStudy: (study) => guard('saving the study', () => set(studyKey(study.studyId), study, store)),
    getStudy: (studyId) =>
      guard('loading the study', async () => {
        const value: unknown = await get(studyKey(studyId), store);
        return isStudy(value) ? value : undefined;
      }),
    listStudies: () =>
      guard('loading studies', async () =>
        (await allEntries())
          .filter(([key]) => String(key).startsWith('study/'))
          .map(([, value]) => value)
          .filter(isStudy)
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
      ),
    deleteStudy: (studyId) =>
      guard('deleting the study', async () => {
        const keys = (await allEntries()).map(([key]) => String(key)).filter((key) => key.startsWith(sessionPrefix(studyId)));
        for (const key of keys) await del(key, store);
        await del(studyKey(studyId), store);
      }),
    saveSession: (session) => guard('saving the answer', () => set(sessionKey(session.studyId, session.reader.readerId), session, store)),
    getSession: (studyId, readerId) =>
      guard('loading the reader session', async () => {
        const value: unknown = await get(sessionKey(studyId, readerId), store);
        return isSession(value) ? value : undefined;
      }),
    listSessions: (studyId) =>
      guard('loading reader sessions', async () =>
        (await allEntries())
          .filter(([key]) => String(key).startsWith(sessionPrefix(studyId)))
          .map(([, value]) => value)
          .filter(isSession),
      ),
  };
}

/** The part of the Web Locks API a reader save needs (`navigator.locks`). */
export interface ReaderLocks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/**
 * Runs `critical` (read the stored session, decide, write it) holding a lock named after the reader's session, so
 * the same reader open in two tabs cannot have both read the session before either wrote it: the later tab then
 * sees the other's answer and goes on from it instead of writing over it. The lock spans tabs and windows of the
 * origin (Web Locks API); where the API is missing the read-then-write runs unlocked, as before.
 */
export function withReaderLock<T>(studyId: string, readerId: string, critical: () => Promise<T>, locks: ReaderLocks | null = browserLocks()): Promise<T> {
  return locks ? locks.request(`medcodi-vtt/${sessionKey(studyId, readerId)}`, critical) : critical();
}

function browserLocks(): ReaderLocks | null {
  return typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : null;
}

/** What a reader's save found: written, left alone because another tab saved first, or the reader deleted. */
export type ReaderSave =
  | { readonly kind: 'saved'; readonly session: ReaderSession }
  | { readonly kind: 'elsewhere'; readonly session: ReaderSession }
  | { readonly kind: 'gone' };

/**
 * Every save of a reader's session (an answer, a practice answer, the start screen, the display context): under the
 * reader's lock, read the stored session; if it was deleted, say so; if `stillMine(stored)` is false (another tab
 * saved since this tab read it), hand the stored session back untouched; otherwise write `next(stored)` and
 * resolve once it is durable.
 */
export function saveReaderStep(
  db: VttDb,
  studyId: string,
  readerId: string,
  stillMine: (stored: ReaderSession) => boolean,
  next: (stored: ReaderSession) => ReaderSession | Promise<ReaderSession>,
  locks: ReaderLocks | null = browserLocks(),
): Promise<ReaderSave> {
  return withReaderLock(
    studyId,
    readerId,
    async (): Promise<ReaderSave> => {
      const stored = await db.getSession(studyId, readerId);
      if (!stored) return { kind: 'gone' };
      if (!stillMine(stored)) return { kind: 'elsewhere', session: stored };
      const session = await next(stored);
      await db.saveSession(session);
      return { kind: 'saved', session };
    },
    locks,
  );
}

let shared: VttDb | null = null;

/** The app's VTT store (opened on first use). */
export function vttDb(): VttDb {
  shared ??= createVttDb();
  return shared;
}
