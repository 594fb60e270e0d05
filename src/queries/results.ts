/** @file The history list and its mutations over results-db; every change invalidates the list. */
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { importHistory } from '../storage/history-transfer';
import { resultsDb } from '../storage/results-db';
import { queryKeys } from './keys';

export const resultsQuery = () => queryOptions({ queryKey: queryKeys.results(), queryFn: () => resultsDb().list() });

export function useDeleteResult() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => resultsDb().remove(id),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.results() }),
  });
}

export function useClearResults() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => resultsDb().clearAll(),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.results() }),
  });
}

/** Adds the results of a History archive (storage/history-transfer.ts); never replaces one already here. */
export function useImportHistory() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (file: File) => importHistory(new Uint8Array(await file.arrayBuffer()), file.name, resultsDb()),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.results() }),
  });
}
