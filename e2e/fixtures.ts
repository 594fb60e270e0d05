/**
 * Page objects and fixtures for the studio e2e specs. `studio` drives the Studio view; `offOrigin` collects every
 * request that would leave the app's origin (the studio must never make one).
 */
import { test as base, expect, type Locator, type Page } from '@playwright/test';

export class StudioPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/');
    await expect(this.page.getByRole('heading', { name: 'MedCoDi Studio' })).toBeVisible();
  }

  nav(view: 'studio' | 'models' | 'history' | 'reader-study'): Locator {
    return this.page.getByTestId(`nav-${view}`);
  }

  output(modality: 'frontal' | 'lateral' | 'report'): Locator {
    return this.page.getByTestId(`output-${modality}`);
  }

  /** Sets the output toggles to exactly these modalities. */
  async chooseOutputs(outputs: readonly ('frontal' | 'lateral' | 'report')[]): Promise<void> {
    for (const m of ['frontal', 'lateral', 'report'] as const) {
      const toggle = this.output(m);
      const pressed = (await toggle.getAttribute('aria-pressed')) === 'true';
      if (pressed !== outputs.includes(m)) await toggle.click();
    }
  }

  get report(): Locator {
    return this.page.getByTestId('report-input');
  }

  fileInput(modality: 'frontal' | 'lateral'): Locator {
    return this.page.getByTestId(`input-${modality}`).locator('input[type=file]');
  }

  async setSettings(settings: { steps?: number; seed?: string; previewEvery?: number; maxTokens?: number; reportCandidates?: number; variations?: number }): Promise<void> {
    if (settings.steps !== undefined) await this.page.getByLabel('Steps', { exact: true }).fill(String(settings.steps));
    if (settings.seed !== undefined) await this.page.getByLabel('Seed', { exact: true }).fill(settings.seed);
    if (settings.previewEvery !== undefined) await this.page.getByLabel('Preview every N steps').fill(String(settings.previewEvery));
    if (settings.maxTokens !== undefined) await this.page.getByLabel('Max tokens').fill(String(settings.maxTokens));
    if (settings.reportCandidates !== undefined) await this.page.getByLabel('Report candidates').fill(String(settings.reportCandidates));
    if (settings.variations !== undefined) await this.page.getByLabel('Number of variations').fill(String(settings.variations));
  }

  /** Starts the smallest real job from the Studio view: T→F, 2 steps, no previews. */
  async generateQuickFrontal(report: string, seed: string): Promise<void> {
    await this.chooseOutputs(['frontal']);
    await this.report.fill(report);
    await this.setSettings({ steps: 2, seed, previewEvery: 0 });
    await this.generateButton.click();
  }

  /** After a Generate with `count` variations: waits until all are made and saved, then opens them in Compare. */
  async compareVariations(count: number, timeout: number): Promise<Locator> {
    const bar = this.page.getByTestId('variations-bar');
    await expect(bar).toHaveText(new RegExp(`^Variation ${count} of ${count}\\. Compare the ${count} variations side by side$`), { timeout });
    await bar.getByRole('button', { name: `Compare the ${count} variations side by side` }).click();
    return this.page.getByTestId('compare');
  }

  get generateButton(): Locator {
    return this.page.getByTestId('generate');
  }

  get cancelButton(): Locator {
    return this.page.getByTestId('cancel');
  }

  get progressLabel(): Locator {
    return this.page.getByTestId('progress-label');
  }

  get results(): Locator {
    return this.page.getByTestId('results');
  }

  get problems(): Locator {
    return this.page.getByTestId('problems');
  }
}

interface Fixtures {
  studio: StudioPage;
  /** URLs of requests that left the app's origin during the test. */
  offOrigin: string[];
}

export const test = base.extend<Fixtures>({
  offOrigin: async ({ page, baseURL }, use) => {
    const origin = new URL(baseURL ?? 'http://127.0.0.1:4173').origin;
    const leaks: string[] = [];
    page.on('request', (request) => {
      const url = request.url();
      if (url.startsWith('data:') || url.startsWith('blob:')) return;
      if (new URL(url).origin !== origin) leaks.push(url);
    });
    await use(leaks);
  },
  studio: async ({ page }, use) => {
    await use(new StudioPage(page));
  },
});

export { expect };
