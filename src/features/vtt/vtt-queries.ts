/** @file TanStack Query resources for reader studies (studies and their reader sessions in vtt-db). */
import { queryOptions } from '@tanstack/react-query';
import { queryClient } from '../../app/query-client';
import { vttDb } from '../../storage/vtt-db';

export const vttKeys = {
  all: ['medcodi', 'vtt'] as const,
  studies: () => [...vttKeys.all, 'studies'] as const,
  study: (studyId: string) => [...vttKeys.all, 'study', studyId] as const,
  sessions: (studyId: string) => [...vttKeys.all, 'sessions', studyId] as const,
};

export const studiesQuery = () => queryOptions({ queryKey: vttKeys.studies(), queryFn: () => vttDb().listStudies() });

export const studyQuery = (studyId: string) =>
  queryOptions({
    queryKey: vttKeys.study(studyId),
    queryFn: async () => (await vttDb().getStudy(studyId)) ?? null,
  });

/** Sessions change with every answer; they are refetched whenever a screen opens. */
export const sessionsQuery = (studyId: string) =>
  queryOptions({ queryKey: vttKeys.sessions(studyId), queryFn: () => vttDb().listSessions(studyId), staleTime: 0 });

export function invalidateVtt(): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: vttKeys.all });
}
