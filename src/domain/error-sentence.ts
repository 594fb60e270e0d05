/** A failure as a sentence for the user, also when what was thrown is not an Error (or has no message). */
export function errorSentence(error: unknown, fallback: string): string {
  const detail = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  return detail.trim() !== '' ? detail : fallback;
}
