import { describe, expect, it } from 'vitest';
import { BRIGHT_STEP, DARK_STEP, describeDisplayCheck, displayCheckWarnings, greyStepPattern, type DisplayCheck } from './display-check';

const fit: DisplayCheck = { darkStepVisible: true, brightStepVisible: true, monitor: 'diagnostic', roomLight: 'dim', checkedAt: '2026-12-07T00:00:00.000Z' };

describe('greyStepPattern', () => {
  it('draws a 5 % square in a black patch, a 95 % square in a white patch and an 11-step ramp', () => {
    const image = greyStepPattern(352);
    expect([image.width, image.height]).toEqual([352, 176 + 44]);
    expect(image.pixels).toHaveLength(352 * 220);
    const at = (x: number, y: number) => image.pixels[y * image.width + x];
    expect([DARK_STEP, BRIGHT_STEP]).toEqual([13, 242]);
    // Black patch: black at its corner, 5 % in its middle; white patch likewise with 95 %.
    expect([at(2, 2), at(88, 88), at(57, 88), at(58, 88)]).toEqual([0, DARK_STEP, 0, DARK_STEP]);
    expect([at(176 + 2, 2), at(176 + 88, 88)]).toEqual([255, BRIGHT_STEP]);
    // The ramp: 0, 26, 51, … 255 from left to right, each step a run of equal pixels.
    const ramp = Array.from({ length: 11 }, (_, step) => at(Math.floor((step + 0.5) * (352 / 11)), 200));
    expect(ramp).toEqual([0, 26, 51, 77, 102, 128, 153, 179, 204, 230, 255]);
    expect(at(351, 219)).toBe(255);
  });
});

describe('displayCheckWarnings', () => {
  it('says nothing for a display that shows both steps in a dim room', () => {
    expect(displayCheckWarnings(fit)).toEqual([]);
    expect(describeDisplayCheck(fit)).toBe('both grey steps seen · Diagnostic (calibrated to DICOM GSDF) · Dimmed, as a reading room');
  });

  it('names each step not seen and a bright room', () => {
    const poor: DisplayCheck = { ...fit, darkStepVisible: false, brightStepVisible: false, monitor: 'laptop', roomLight: 'bright' };
    const warnings = displayCheckWarnings(poor);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/5 % square was not visible/);
    expect(warnings[1]).toMatch(/95 % square was not visible/);
    expect(warnings[2]).toMatch(/Bright room light/);
    expect(describeDisplayCheck(poor)).toBe('5 % and 95 % steps not seen · Laptop screen · Bright (daylight, windows)');
    expect(describeDisplayCheck({ ...fit, darkStepVisible: false })).toMatch(/^5 % step not seen · /);
    expect(describeDisplayCheck({ ...fit, brightStepVisible: false })).toMatch(/^95 % step not seen · /);
    expect(describeDisplayCheck(undefined)).toBe('no display check');
  });
});
