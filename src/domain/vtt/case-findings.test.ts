import { describe, expect, it } from 'vitest';
import { describeFindingTruth, findingTruthFor } from './case-findings';
import { DEFAULT_FINDINGS } from './study';

const NORMAL = { cardiomegaly: 0, pleural_effusion: 0, pneumothorax: 0, consolidation: 0, nodule_or_mass: 0, pulmonary_edema: 0, endotracheal_tube: 0, central_line: 0 };

describe('findingTruthFor', () => {
  it("settles every default checklist item from a case's phantom labels", () => {
    expect(findingTruthFor({ ...NORMAL, cardiomegaly: 1, central_line: 1 }, DEFAULT_FINDINGS)).toEqual({
      Cardiomegaly: true,
      'Pleural effusion': false,
      Pneumothorax: false,
      Consolidation: false,
      'Nodule or mass': false,
      'Pulmonary edema': false,
      'Tube or line': true,
      'No finding': false,
    });
    expect(findingTruthFor(NORMAL, DEFAULT_FINDINGS)?.['No finding']).toBe(true);
    expect(findingTruthFor({ ...NORMAL, endotracheal_tube: 1 }, DEFAULT_FINDINGS)?.['Tube or line']).toBe(true);
  });

  it('accepts true/false and detail objects as the example cases write them', () => {
    const truth = findingTruthFor({ ...NORMAL, pleural_effusion: { side: 'left', size: 'small' }, pneumothorax: false }, DEFAULT_FINDINGS);
    expect(truth?.['Pleural effusion']).toBe(true);
    expect(truth?.['Pneumothorax']).toBe(false);
  });

  it("keeps the checklist's own spelling, matched without regard to case, and leaves items no label settles unknown", () => {
    expect(findingTruthFor({ ...NORMAL, cardiomegaly: 1 }, ['CARDIOMEGALY', ' pleural effusion ', 'Rib fracture', 'no finding'])).toEqual({
      CARDIOMEGALY: true,
      ' pleural effusion ': false,
      'no finding': false,
    });
  });

  it('knows nothing from labels it does not recognise, none at all, or a checklist it cannot settle', () => {
    // a present label the checklist cannot name would make "No finding" wrong
    expect(findingTruthFor({ ...NORMAL, rib_fracture: 1 }, DEFAULT_FINDINGS)).toBeUndefined();
    expect(findingTruthFor({}, DEFAULT_FINDINGS)).toBeUndefined();
    expect(findingTruthFor(NORMAL, ['Rib fracture', 'Atelectasis'])).toBeUndefined();
  });
});

describe('describeFindingTruth', () => {
  it('lists the present items, or says none or unknown', () => {
    expect(describeFindingTruth({ Cardiomegaly: true, 'Pleural effusion': true, 'No finding': false })).toBe('Cardiomegaly; Pleural effusion');
    expect(describeFindingTruth({ Cardiomegaly: false, Pneumothorax: false })).toBe('none');
    expect(describeFindingTruth(undefined)).toBe('unknown');
  });
});
