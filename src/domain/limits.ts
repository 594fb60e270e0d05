/** @file Bounds of the generation settings, shared by the form's checks and the modules that plan jobs. */

/** Seeds are 32-bit unsigned (the engine's RNG is keyed on them). */
export const MAX_SEED = 0xffff_ffff;
/** Upper bound of the "Report candidates" setting: each candidate is a whole job. */
export const MAX_REPORT_CANDIDATES = 16;
/** Results per Generate (domain/variations.ts): as many as History → Compare shows side by side. */
export const MAX_VARIATIONS = 4;
/** Ranges of the settings a variation can sweep (and the form checks). */
export const STEPS_RANGE = { min: 1, max: 1000 } as const;
export const GUIDANCE_RANGE = { min: 0, max: 30 } as const;
