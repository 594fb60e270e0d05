/** The three things MedCoDi-M reads and writes. */
export type Modality = 'frontal' | 'lateral' | 'report';
export const MODALITIES: readonly Modality[] = ['frontal', 'lateral', 'report'];
export type ImageModality = Exclude<Modality, 'report'>;

export interface Direction {
  /** Short id such as `T>F` or `F+L>T`, used in filenames and provenance. */
  readonly id: string;
  readonly label: string;
  readonly inputs: readonly Modality[];
  readonly outputs: readonly Modality[];
}

const letter: Record<Modality, string> = { frontal: 'F', lateral: 'L', report: 'T' };

function direction(inputs: Modality[], outputs: Modality[]): Direction {
  const id = `${inputs.map((m) => letter[m]).join('+')}>${outputs.map((m) => letter[m]).join('+')}`;
  return { id, label: id.replace('>', ' → '), inputs, outputs };
}

/** The twelve directions of spec §5, in the demo's order of inputs. */
export const DIRECTIONS: readonly Direction[] = [
  direction(['report'], ['frontal']),
  direction(['report'], ['lateral']),
  direction(['frontal'], ['lateral']),
  direction(['lateral'], ['frontal']),
  direction(['frontal'], ['report']),
  direction(['lateral'], ['report']),
  direction(['frontal', 'lateral'], ['report']),
  direction(['frontal', 'report'], ['lateral']),
  direction(['lateral', 'report'], ['frontal']),
  direction(['report'], ['frontal', 'lateral']),
  direction(['frontal'], ['report', 'lateral']),
  direction(['lateral'], ['report', 'frontal']),
];

export function directionId(inputs: readonly Modality[], outputs: readonly Modality[]): string {
  return `${inputs.map((m) => letter[m]).join('+')}>${outputs.map((m) => letter[m]).join('+')}`;
}
