/**
 * @file Entry of the batch CLI (`npm run batch -- …`, built to cli/dist/medcodi-batch.mjs by `npm run cli:build`).
 * See docs/batch-cli.md.
 */
import { USAGE, parseCliArgs } from './batch-args';
import { mergeShards, verifyRun } from './merge-verify';
import { runBatch } from './run-batch';

async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseCliArgs(argv);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  switch (options.command) {
    case 'help':
      console.log(USAGE);
      return 0;
    case 'merge':
      await mergeShards(options.out, options.sources);
      return 0;
    case 'verify':
      return (await verifyRun(options.out, options.count)).ok ? 0 : 1;
    case 'generate': {
      const report = await runBatch(options);
      console.log(
        `shard ${options.shard.index}/${options.shard.count}: ${report.generated} generated, ${report.skipped} already done, ` +
          `${report.seconds.toFixed(1)} s, ${report.casesPerMinute.toFixed(2)} cases/min`,
      );
      return 0;
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
