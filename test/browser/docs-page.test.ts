/**
 * The reference page as a learner's browser meets it: Debian's Chromium (installed by
 * scripts/ensure-test-tools.sh before the suite) loads the built Redoc page from the running
 * service; nothing may leave the computer, nothing may log an error, and axe-core finds no
 * serious or critical accessibility problem.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { buildDocs } from '../support/docs-build.js';
import { operations } from '../support/contract.js';
import { startTestServer, type TestServer } from '../support/server.js';

const CHROMIUM = '/usr/bin/chromium';
const require = createRequire(import.meta.url);

let server: TestServer;
let profileDir: string;
let context: BrowserContext;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-test-tools.sh as root (npm test does) or apt-get install chromium`);
  await buildDocs();
  server = await startTestServer();
  profileDir = await mkdtemp(path.join(tmpdir(), 'llm-profiles-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
});

test('/docs lists every operation, stays on this computer, logs no error and passes axe-core', async () => {
  const page = await context.newPage();
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  const failed: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });

  await page.goto(`${server.url}/docs`, { waitUntil: 'load' });
  const groups = page.locator('[data-component-name="Menu/MenuItem"].menu-item-type-group > a');
  await groups.first().waitFor({ state: 'visible', timeout: 30_000 });

  // Open every group of the menu in turn and note the operations it lists.
  const listed = new Set<string>();
  const note = async (): Promise<void> => {
    const texts = (await page.evaluate(`[...document.querySelectorAll('[data-component-name="Menu/MenuItem"] a')].map((a) => a.innerText)`)) as string[];
    for (const text of texts) listed.add(text.replace(/\s+/g, ' ').trim());
  };
  const unlisted = (): string[] => operations.map(({ operation }) => operation.summary as string).filter((summary) => ![...listed].some((text) => text.startsWith(`${summary} `)));
  for (const group of await groups.all()) {
    await group.click();
    await note();
  }
  // On a loaded machine a group can open after its click returned: look again until the menu settles.
  const settleBy = Date.now() + 30_000;
  while (unlisted().length > 0 && Date.now() < settleBy) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    await note();
  }
  expect(unlisted()).toEqual([]);

  const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const seriousViolations = async (): Promise<unknown[]> => {
    // Evaluated through the debugging protocol, not a <script> tag: the page's own CSP reports
    // (the assertions below) must not abort the instrument that inspects it.
    await page.evaluate(axeSource);
    return (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => [n.target.join(' '), n.failureSummary]) })))`)) as unknown[];
  };
  // The overview with every group open (method badges), then an operation with examples and a picker.
  const atOverview = await seriousViolations();
  // Redoc routes an operation as #/<tag>/<operationid> (lower case); opening it directly does not depend on which menu groups are open.
  const create = operations.find((op) => op.operationId === 'createProfile');
  await page.goto(`${server.url}/docs#/${String(create?.operation.tags[0]).toLowerCase()}/${String(create?.operationId).toLowerCase()}`, { waitUntil: 'load' });
  await page.getByText('application/json').first().waitFor({ state: 'attached', timeout: 30_000 });
  const atOperation = await seriousViolations();
  // Effects after hydration (images, beacons) have had their chance to make requests.
  await page.waitForLoadState('networkidle');

  const elsewhere = requests.filter((url) => !url.startsWith(`${server.url}/`) && !url.startsWith('data:') && !url.startsWith('blob:'));
  // One comparison, so a failure shows every kind of problem at once.
  expect({ elsewhere, failed, consoleErrors, atOverview, atOperation }).toEqual({ elsewhere: [], failed: [], consoleErrors: [], atOverview: [], atOperation: [] });
}, 120_000);
