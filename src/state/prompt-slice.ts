/**
 * @file Prompt composition: the report text, the input images, mix weights and the chosen outputs, plus the
 * per-input error a failed image load left. Loading files and example cases is async and goes through the
 * injected deps, so this slice runs in tests without a browser.
 */
import type { StateCreator } from 'zustand';
import type { ImageModality, Modality } from '../contracts/modality';
import { MODALITIES } from '../contracts/modality';
import { exampleDirectionFor } from '../domain/compose-request';
import type { ExampleCase } from '../domain/example-cases';
import { EMPTY_PROMPT, type NamedImage, type PromptDraft } from '../domain/prompt-draft';
import type { StudioDeps, StudioState } from './studio-types';

export interface PromptSlice {
  readonly prompt: PromptDraft;
  /** Why the last load into an input failed, per modality; cleared on the next successful load. */
  readonly inputErrors: Partial<Record<Modality, string>>;
  /** The example case the inputs came from, for its caption; cleared when the user edits inputs. */
  readonly exampleCase: ExampleCase | null;
  /** Modalities whose file is being decoded right now. */
  readonly loadingInputs: readonly Modality[];
  setReport(text: string): void;
  setImage(modality: ImageModality, image: NamedImage | null): void;
  setWeight(modality: Modality, weight: number): void;
  toggleOutput(modality: Modality): void;
  /** Decodes a dropped or picked file into an input; failures land in inputErrors, the old image stays. */
  loadImageFile(modality: ImageModality, file: Blob, name: string, size: number): Promise<void>;
  /** Fills the inputs the current outputs need (T→F: the report; F→T: the frontal image …) from an example. */
  loadExample(example: ExampleCase, size: number): Promise<void>;
  clearPrompt(): void;
}

function withoutKey<K extends string, V>(record: Partial<Record<K, V>>, key: K): Partial<Record<K, V>> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}

export function createPromptSlice(deps: StudioDeps): StateCreator<StudioState, [], [], PromptSlice> {
  return (set, get) => ({
    prompt: EMPTY_PROMPT,
    inputErrors: {},
    exampleCase: null,
    loadingInputs: [],

    setReport: (report) =>
      set((s) => ({ prompt: { ...s.prompt, report }, inputErrors: withoutKey(s.inputErrors, 'report'), exampleCase: null })),

    setImage: (modality, image) =>
      set((s) => ({
        prompt: { ...s.prompt, images: { ...s.prompt.images, [modality]: image } },
        inputErrors: withoutKey(s.inputErrors, modality),
        exampleCase: null,
      })),

    setWeight: (modality, weight) => set((s) => ({ prompt: { ...s.prompt, weights: { ...s.prompt.weights, [modality]: weight } } })),

    toggleOutput: (modality) =>
      set((s) => {
        const on = s.prompt.outputs.includes(modality);
        const outputs = MODALITIES.filter((m) => (m === modality ? !on : s.prompt.outputs.includes(m)));
        return { prompt: { ...s.prompt, outputs } };
      }),

    async loadImageFile(modality, file, name, size) {
      set((s) => ({ loadingInputs: [...s.loadingInputs, modality] }));
      try {
        const image = await deps.decodeImage(file, size, name);
        get().setImage(modality, { name, image });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        set((s) => ({ inputErrors: { ...s.inputErrors, [modality]: message } }));
      } finally {
        set((s) => ({ loadingInputs: s.loadingInputs.filter((m) => m !== modality) }));
      }
    },

    async loadExample(example, size) {
      const direction = exampleDirectionFor(get().prompt.outputs);
      const needed = direction.inputs;
      set({ loadingInputs: [...needed] });
      try {
        const images: Record<ImageModality, NamedImage | null> = { frontal: null, lateral: null };
        for (const modality of ['frontal', 'lateral'] as const) {
          if (!needed.includes(modality)) continue;
          const url = example[modality];
          const name = url.split('/').pop() ?? `${example.id}_${modality}.png`;
          images[modality] = { name, image: await deps.decodeImage(await deps.fetchBlob(url), size, name) };
        }
        set((s) => ({
          prompt: {
            ...s.prompt,
            report: needed.includes('report') ? example.report : '',
            images,
            outputs: direction.outputs,
          },
          inputErrors: {},
          exampleCase: example,
        }));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        set((s) => ({ inputErrors: { ...s.inputErrors, report: `Example "${example.id}" could not be loaded: ${message}` } }));
      } finally {
        set({ loadingInputs: [] });
      }
    },

    clearPrompt: () => set((s) => ({ prompt: { ...EMPTY_PROMPT, outputs: s.prompt.outputs }, inputErrors: {}, exampleCase: null })),
  });
}
