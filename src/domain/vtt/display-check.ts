/**
 * @file The display check a reader does before the first case (evaluation-and-vtt.md §3.3: "display context …
 * self-reported monitor and room light. Add a grey-step visibility check").
 *
 * The pattern follows the SMPTE RP 133 idea used in radiology monitor QA: a 5 % square inside a black patch and a
 * 95 % square inside a white patch. If either square cannot be seen, the display (or the room light) crushes the
 * darkest or brightest greys, where a synthetic image's texture may hide. An 11-step ramp (0, 10, …, 100 %) sits
 * below them. The check warns; it does not stop the reader, and its answers go into the session and the exports.
 */
import type { StudyImage } from './study';

export type MonitorKind = 'diagnostic' | 'consumer' | 'laptop' | 'tablet';
export type RoomLight = 'dim' | 'office' | 'bright';

export interface DisplayCheck {
  /** The 5 % square inside the black patch was visible. */
  readonly darkStepVisible: boolean;
  /** The 95 % square inside the white patch was visible. */
  readonly brightStepVisible: boolean;
  readonly monitor: MonitorKind;
  readonly roomLight: RoomLight;
  /** When the reader answered (ISO). */
  readonly checkedAt: string;
}

export const MONITOR_LABELS: Readonly<Record<MonitorKind, string>> = {
  diagnostic: 'Diagnostic (calibrated to DICOM GSDF)',
  consumer: 'Desktop monitor',
  laptop: 'Laptop screen',
  tablet: 'Tablet or phone',
};

export const ROOM_LIGHT_LABELS: Readonly<Record<RoomLight, string>> = {
  dim: 'Dimmed, as a reading room',
  office: 'Office light',
  bright: 'Bright (daylight, windows)',
};

/** 8-bit values of the pattern's patches (5 % and 95 % of full scale). */
export const DARK_STEP = Math.round(0.05 * 255);
export const BRIGHT_STEP = Math.round(0.95 * 255);
export const RAMP_STEPS = 11;

/**
 * The test pattern, `width` × (width / 2 + width / 8) pixels: two square patches side by side (black with a 5 %
 * inset, white with a 95 % inset, each inset a third of its patch), and a ramp of 11 equal steps underneath.
 */
export function greyStepPattern(width = 352): StudyImage {
  const patch = Math.floor(width / 2);
  const rampHeight = Math.floor(width / 8);
  const height = patch + rampHeight;
  const pixels = new Uint8Array(width * height);
  const inset = Math.floor(patch / 3);
  for (let y = 0; y < patch; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const right = x >= patch;
      const px = right ? x - patch : x;
      const inside = px >= inset && px < patch - inset && y >= inset && y < patch - inset;
      pixels[y * width + x] = right ? (inside ? BRIGHT_STEP : 255) : inside ? DARK_STEP : 0;
    }
  }
  for (let y = patch; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const step = Math.min(RAMP_STEPS - 1, Math.floor((x * RAMP_STEPS) / width));
      pixels[y * width + x] = Math.round((step * 255) / (RAMP_STEPS - 1));
    }
  }
  return { width, height, pixels };
}

/** Sentences for the reader (and the analysis) about what the check found; empty when the display looks fit. */
export function displayCheckWarnings(check: DisplayCheck): string[] {
  const warnings: string[] = [];
  if (!check.darkStepVisible) warnings.push('The 5 % square was not visible: the display crushes the darkest greys. Raise the brightness or dim the room.');
  if (!check.brightStepVisible) warnings.push('The 95 % square was not visible: the display clips the brightest greys. Lower the contrast or brightness.');
  if (check.roomLight === 'bright') warnings.push('Bright room light washes out dark greys; reading rooms are dimmed.');
  return warnings;
}

/** One line for the analysis, e.g. "both grey steps seen · Laptop screen · Office light". */
export function describeDisplayCheck(check: DisplayCheck | undefined): string {
  if (!check) return 'no display check';
  const steps =
    check.darkStepVisible && check.brightStepVisible
      ? 'both grey steps seen'
      : check.darkStepVisible || check.brightStepVisible
        ? `${check.darkStepVisible ? '95 %' : '5 %'} step not seen`
        : '5 % and 95 % steps not seen';
  return `${steps} · ${MONITOR_LABELS[check.monitor]} · ${ROOM_LIGHT_LABELS[check.roomLight]}`;
}
