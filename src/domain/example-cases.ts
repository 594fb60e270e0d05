/**
 * @file The bundled phantom example cases (`public/examples/cases.json`, written by the toolchain):
 * `[{ id, frontal, lateral, report, labels }]` with image paths relative to the app root. Parsed leniently: a bad
 * entry is skipped with a note, so one broken case does not hide the others.
 */

export interface ExampleCase {
  readonly id: string;
  /** Optional caption such as "Phantom case 2: cardiomegaly". */
  readonly title?: string;
  /** App-relative URL of the frontal PNG, e.g. `examples/case_001_frontal.png`. */
  readonly frontal: string;
  readonly lateral: string;
  readonly report: string;
  /** Ground-truth phantom labels, free-form per label (true/false or details). */
  readonly labels: Readonly<Record<string, unknown>>;
}

export interface ParsedExampleCases {
  readonly cases: readonly ExampleCase[];
  readonly problems: readonly string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isSafeRelativePath(path: unknown): path is string {
  return typeof path === 'string' && path.length > 0 && !path.startsWith('/') && !/^[a-z][a-z0-9+.-]*:/i.test(path) && !path.split('/').includes('..');
}

export function parseExampleCases(json: unknown): ParsedExampleCases {
  if (!Array.isArray(json)) return { cases: [], problems: ['examples/cases.json should be a list of cases.'] };
  const cases: ExampleCase[] = [];
  const problems: string[] = [];
  json.forEach((entry: unknown, index) => {
    if (!isRecord(entry) || typeof entry['id'] !== 'string' || entry['id'] === '') {
      problems.push(`Example ${index + 1} has no id and was skipped.`);
      return;
    }
    const { id, title, frontal, lateral, report, labels } = entry;
    if (!isSafeRelativePath(frontal) || !isSafeRelativePath(lateral) || typeof report !== 'string') {
      problems.push(`Example "${id}" needs frontal and lateral image paths inside the app and a report; skipped.`);
      return;
    }
    if (cases.some((c) => c.id === id)) {
      problems.push(`Example "${id}" appears twice; the second was skipped.`);
      return;
    }
    cases.push({
      id,
      ...(typeof title === 'string' && title !== '' ? { title } : {}),
      frontal,
      lateral,
      report,
      labels: isRecord(labels) ? labels : {},
    });
  });
  return { cases, problems };
}

/** Labels that are present (true, or a details object), for the example's caption. */
export function positiveLabels(labels: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(labels)
    .filter(([, value]) => value === true || value === 1 || (isRecord(value) && value['present'] !== false))
    .map(([name]) => name);
}
