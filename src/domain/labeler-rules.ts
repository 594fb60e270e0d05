/**
 * @file The phantom labeler's rules, bundled into the app from the toolchain's single copy (so the studio labels
 * reports offline, with or without a model, exactly as the Python labeler does), compiled once on first use.
 */
import rulesJson from '../../toolchain/medcodi/phantom/labeler_rules.json';
import { compileRules, labelReport, type CompiledRules, type LabelerResult, type LabelerRules } from './labeler';

let compiled: CompiledRules | null = null;

export function phantomRules(): CompiledRules {
  compiled ??= compileRules(rulesJson satisfies LabelerRules);
  return compiled;
}

/** Labels a report with the bundled phantom rules. */
export function labelPhantomReport(text: string): LabelerResult {
  return labelReport(text, phantomRules());
}
