import { describe, expect, it } from 'vitest';
import { describeFindingTruth, findingTruthFor, findingTruthProblem } from './case-findings';
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

  it('settles an item as absent only when every label for it is given (a partial label set, e.g. from an imported history)', () => {
    expect(findingTruthFor({ pneumothorax: 0 }, DEFAULT_FINDINGS)).toEqual({ Pneumothorax: false });
    expect(findingTruthFor({ pneumothorax: 1 }, DEFAULT_FINDINGS)).toEqual({ Pneumothorax: true, 'No finding': false });
    // "Tube or line" needs both the tube and the line label to be absent, but one present is enough
    expect(findingTruthFor({ endotracheal_tube: 0 }, DEFAULT_FINDINGS)).toBeUndefined();
    expect(findingTruthFor({ endotracheal_tube: 1 }, DEFAULT_FINDINGS)).toEqual({ 'Tube or line': true, 'No finding': false });
  });

  it('knows nothing from labels it does not recognise, none at all, or a checklist it cannot settle', () => {
    // names of Object.prototype's members are data too, not lookups
    expect(findingTruthFor({ ...NORMAL, constructor: 0 }, DEFAULT_FINDINGS)).toBeUndefined();
    expect(findingTruthFor({ ...NORMAL }, ['constructor', 'toString'])).toBeUndefined();
    // a present label the checklist cannot name would make "No finding" wrong
    expect(findingTruthFor({ ...NORMAL, rib_fracture: 1 }, DEFAULT_FINDINGS)).toBeUndefined();
    expect(findingTruthFor({}, DEFAULT_FINDINGS)).toBeUndefined();
    expect(findingTruthFor(NORMAL, ['Rib fracture', 'Atelectasis'])).toBeUndefined();
  });
});

describe('describeFindingTruth', () => {
  it('says every settled item, present or absent, or unknown', () => {
    expect(describeFindingTruth({ Cardiomegaly: true, 'Pleural effusion': false, 'No finding': false })).toBe(
      'Cardiomegaly: present; Pleural effusion: absent; No finding: absent',
    );
    // an absent item is not "no finding": the case may have findings the checklist does not settle
    expect(describeFindingTruth({ Cardiomegaly: false })).toBe('Cardiomegaly: absent');
    expect(describeFindingTruth(undefined)).toBe('unknown');
    expect(describeFindingTruth({})).toBe('unknown');
  });
});

describe('findingTruthProblem', () => {
  it('refuses an empty, off-checklist or self-contradictory record', () => {
    expect(findingTruthProblem({ Cardiomegaly: true, 'No finding': false }, DEFAULT_FINDINGS)).toBeNull();
    expect(findingTruthProblem({}, DEFAULT_FINDINGS)).toBe('lists no finding');
    expect(findingTruthProblem({ 'Rib fracture': true }, DEFAULT_FINDINGS)).toMatch(/not on the study's findings checklist/);
    expect(findingTruthProblem({ Cardiomegaly: true, 'No finding': true }, DEFAULT_FINDINGS)).toBe('says both "No finding" and a finding');
  });
});
