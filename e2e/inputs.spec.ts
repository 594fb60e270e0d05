import { expect, test } from './fixtures';
import { phantomPng } from './png';

test.describe('inputs', () => {
  test('bad files get a clear message and the loaded image is kept', async ({ page, studio }) => {
    await studio.open();
    await studio.chooseOutputs(['report']);

    await studio.fileInput('frontal').setInputFiles({ name: 'chest.png', mimeType: 'image/png', buffer: phantomPng(80) });
    await expect(page.getByRole('img', { name: 'Frontal image input: chest.png' })).toBeVisible();

    await studio.fileInput('frontal').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
    await expect(page.getByTestId('error-frontal')).toHaveText('"notes.txt" is a text file. Use PNG, JPEG, TIFF or DICOM.');
    await expect(page.getByRole('img', { name: 'Frontal image input: chest.png' })).toBeVisible();

    const cut = phantomPng(80).subarray(0, 60);
    await studio.fileInput('frontal').setInputFiles({ name: 'cut.png', mimeType: 'image/png', buffer: cut });
    await expect(page.getByTestId('error-frontal')).toContainText('"cut.png" is a broken PNG file: ');

    const fakeJpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
    await studio.fileInput('lateral').setInputFiles({ name: 'scan.jpg', mimeType: 'image/jpeg', buffer: fakeJpeg });
    await expect(page.getByTestId('error-lateral')).toHaveText('"scan.jpg" is a broken JPEG image: the browser cannot decode it (corrupt or cut short).');

    await studio.fileInput('lateral').setInputFiles({ name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0) });
    await expect(page.getByTestId('error-lateral')).toHaveText('"empty.png" is empty.');

    // A good file clears the error.
    await studio.fileInput('lateral').setInputFiles({ name: 'side.png', mimeType: 'image/png', buffer: phantomPng(64) });
    await expect(page.getByTestId('error-lateral')).toHaveCount(0);
  });

  test('validation explains impossible combinations', async ({ page, studio }) => {
    await studio.open();
    await studio.chooseOutputs([]);
    await expect(studio.problems).toContainText('Choose at least one output.');
    await studio.chooseOutputs(['report']);
    await studio.report.fill('Cardiomegaly.');
    await expect(studio.problems).toContainText("An input can't also be an output: clear the report text or turn off the report output.");
    await studio.chooseOutputs(['frontal', 'lateral']);
    await expect(studio.problems).toHaveCount(0);
    await expect(studio.generateButton).toContainText('T → F+L');
    await studio.setSettings({ steps: 0, seed: 'abc' });
    await expect(studio.problems).toContainText('Steps must be a whole number from 1 to 1000.');
    await expect(studio.problems).toContainText('The seed must be a whole number');
    await expect(studio.generateButton).toBeDisabled();
    await expect(page.getByTestId('progress')).toHaveCount(0);
  });

  test.describe('with routed example files', () => {
    // page.route does not see requests the service worker makes once it controls the page.
    test.use({ serviceWorkers: 'block' });

    test('example cases load into the inputs the outputs need', async ({ page, studio }) => {
      await page.route('**/examples/cases.json', (route) =>
        route.fulfill({
          contentType: 'application/json',
          body: JSON.stringify([
            {
              id: 'case_test',
              frontal: 'examples/case_test_frontal.png',
              lateral: 'examples/case_test_lateral.png',
              report: 'FINDINGS: The heart is enlarged. No pneumothorax. IMPRESSION: Cardiomegaly.',
              labels: { cardiomegaly: 1, pneumothorax: 0 },
            },
          ]),
        }),
      );
      await page.route('**/examples/case_test_*.png', (route) => route.fulfill({ contentType: 'image/png', body: phantomPng(64) }));
      await studio.open();
      await studio.chooseOutputs(['frontal']);
      await page.getByTestId('load-example').click();
      await expect(studio.report).toHaveValue(/The heart is enlarged/);
      await expect(page.getByText('Inputs from phantom case')).toBeVisible();
      await studio.chooseOutputs(['report']);
      await page.getByTestId('load-example').click();
      await expect(studio.report).toHaveValue('');
      await expect(page.getByRole('img', { name: 'Frontal image input: case_test_frontal.png' })).toBeVisible();
    });

    test('a broken or unreachable examples file says so (not "none bundled"), and the studio still works', async ({ page, studio }) => {
      await page.route('**/examples/cases.json', (route) => route.fulfill({ contentType: 'application/json', body: '[{"id": "x",' }));
      await studio.open();
      await expect(page.getByTestId('no-examples')).toHaveText('examples/cases.json is not valid JSON.');
      await page.unroute('**/examples/cases.json');
      await page.route('**/examples/cases.json', (route) => route.abort('internetdisconnected'));
      await page.reload();
      await expect(page.getByTestId('no-examples')).toHaveText(/^Example cases could not be loaded: .+/);
      await studio.report.fill('Moderate cardiomegaly.');
      await expect(studio.generateButton).toBeEnabled();
    });
  });
});
