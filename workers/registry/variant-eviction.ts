/**
 * @file Which files removing one variant of a model deletes. Variants share files (tokenizers, assets, and graphs a
 * variant takes over from fp32), so a shared file stays while another variant that needs it is on this device; a
 * variant counts as on this device when one of the files only it needs (not the removed variant) is cached.
 */

interface HashedFile {
  readonly sha256: string;
}

/**
 * @param target the removed variant's files
 * @param others the files of every other variant of the model, one list per variant
 * @param cached sha256s of the model's files that are cached
 * @returns sha256s to delete (cached or partially downloaded files of the target that nothing on the device keeps)
 */
export function filesToEvict(target: readonly HashedFile[], others: readonly (readonly HashedFile[])[], cached: ReadonlySet<string>): string[] {
  const targetHashes = new Set(target.map((f) => f.sha256));
  const kept = new Set<string>();
  for (const files of others) {
    const present = files.some((f) => !targetHashes.has(f.sha256) && cached.has(f.sha256));
    if (present) for (const f of files) kept.add(f.sha256);
  }
  return [...targetHashes].filter((h) => !kept.has(h));
}
