import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { startTestWorkspace, type TestWorkspace } from './support';

// The local workspace as a person uses it, in Debian's Chromium: Alice diagnoses a VM whose NSG denies
// RDP, proposes the fix through its modal, cannot approve her own fix (and only she is told), Bob
// approves, and the thread shows the fix verified. Screenshots go to a temp dir, or to docs/ with
// UPDATE_SCREENSHOTS=1 (the ones the README shows).

const CHROMIUM = '/usr/bin/chromium';
const VIEWPORT = { width: 1280, height: 800 };
const screenshots =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(__dirname, '../../docs')
    : mkdtempSync(join(tmpdir(), 'rdp-doctor-shots-'));

let ws: TestWorkspace;
let context: BrowserContext;
let page: Page;
let profile: string;

beforeAll(async () => {
  // Slower than the tests' usual instant sandbox, so the message can be seen filling in: Run Command ~6 s.
  ws = await startTestWorkspace({ sandbox: { latency: 'realistic', scale: 0.2 } });
  profile = mkdtempSync(join(tmpdir(), 'rdp-doctor-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: VIEWPORT,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(ws.url);
  await page.locator('#connection', { hasText: 'live' }).waitFor();
}, 60_000);

afterAll(async () => {
  await context?.close();
  await ws?.stop();
  rmSync(profile, { recursive: true, force: true });
});

async function screenshot(name: string): Promise<void> {
  mkdirSync(screenshots, { recursive: true });
  const path = join(screenshots, name);
  await page.screenshot({ path });
  const png = PNG.sync.read(readFileSync(path));
  expect([png.width, png.height]).toEqual([VIEWPORT.width, VIEWPORT.height]);
}

const diagnosis = () => page.locator('#messages > .msg', { hasText: '🩺 nsg-denies-rdp' });
const proposal = () => page.locator('#messages > .msg', { hasText: 'proposes Allow RDP from your address' });

async function switchTo(person: string, name: string): Promise<void> {
  await page.selectOption('#person', person);
  await page.locator('#posting-as', { hasText: `Posting as ${name}` }).waitFor();
  await page.locator('#connection', { hasText: 'live' }).waitFor();
}

test('the page says LOCAL MODE and who you are', async () => {
  await expect(page.locator('#banner').innerText()).resolves.toMatch(/LOCAL MODE/);
  await expect(page.title()).resolves.toMatch(/LOCAL MODE/);
  await expect(page.locator('#person').inputValue()).resolves.toBe('U0ALICE');
});

test('Alice types /rdp: one message fills in layer by layer, live, and ends naming the NSG rule', async () => {
  await page.fill('#composer', '/rdp nsg-denies-rdp from 203.0.113.10');
  await page.press('#composer', 'Enter');
  // The verdict settles on the network layer while the run still goes (its footer says it updates).
  await diagnosis()
    .filter({ hasText: 'Failing layer: Network path' })
    .filter({ hasText: 'this message updates as each layer reports' })
    .waitFor({ timeout: 20_000 });
  await screenshot('local-diagnosis.png');
  await diagnosis().filter({ hasText: 'finished in' }).waitFor({ timeout: 30_000 });
  await expect(diagnosis().count()).resolves.toBe(1);
  const text = await diagnosis().innerText();
  expect(text).toContain('DenyRdpAll');
  expect(text).toContain('az network watcher test-ip-flow');
  expect(await diagnosis().locator('.user-mention').first().innerText()).toBe('@Alice');
});

test('the thread holds every check and the boot screenshot, shown as an image', async () => {
  await diagnosis().locator('.replies').click();
  const thread = page.locator('#thread-messages');
  await thread.locator('.msg', { hasText: 'Every check on nsg-denies-rdp' }).waitFor();
  const image = thread.locator('.file img');
  await image.waitFor();
  const loaded = await image.evaluate((img) => {
    const drawn = img as unknown as { complete: boolean; naturalWidth: number };
    return drawn.complete && drawn.naturalWidth > 0;
  });
  expect(loaded).toBe(true);
  await page.click('#thread-close');
});

test('Alice proposes the fix in its modal; her own Approve is refused, and only she is told', async () => {
  await diagnosis().getByRole('button', { name: 'Allow RDP from your address' }).click();
  const modal = page.locator('#modal');
  await modal.locator('.modal-title', { hasText: 'Propose a fix' }).waitFor();
  await expect(modal.locator('input.bk-field').inputValue()).resolves.toBe('203.0.113.10');
  await modal.getByRole('button', { name: 'Propose' }).click();
  await page.locator('#modal-layer').waitFor({ state: 'hidden' });
  await proposal().getByRole('button', { name: 'Approve and run' }).waitFor();

  // Deny asks first, in the client; keeping the fix sends the app nothing.
  await proposal().getByRole('button', { name: 'Deny' }).click();
  const confirm = page.locator('#confirm-layer');
  await confirm.locator('#confirm-title', { hasText: 'Deny this fix?' }).waitFor();
  await confirm.getByRole('button', { name: 'Keep it' }).click();
  await confirm.waitFor({ state: 'hidden' });

  await proposal().getByRole('button', { name: 'Approve and run' }).click();
  const refusal = page.locator('.msg-ephemeral', {
    hasText: 'You proposed this fix; a second person must approve it',
  });
  await refusal.waitFor();
  // By the time the app's refusal is back, a Deny that had gone out would have opened its reason modal.
  await expect(page.locator('#modal-layer').isHidden()).resolves.toBe(true);
  await expect(refusal.locator('.only-you').innerText()).resolves.toBe('Only visible to you');
  await expect(proposal().innerText()).resolves.toContain('Waiting for 1 more approval');

  await switchTo('U0BOB', 'Bob');
  await proposal().waitFor();
  await expect(page.locator('.msg-ephemeral').count()).resolves.toBe(0);
  await expect(page.locator('#messages').innerText()).resolves.not.toContain('a second person must approve');
});

test('Bob approves: the fix runs once, and the thread shows it verified', async () => {
  await proposal().getByRole('button', { name: 'Approve and run' }).click();
  await proposal().filter({ hasText: 'Done and verified' }).waitFor({ timeout: 30_000 });
  await expect(proposal().getByRole('button', { name: 'Approve and run' }).count()).resolves.toBe(0);
  await diagnosis().locator('.replies').click();
  const result = page.locator('#thread-messages .msg', {
    hasText: 'Allow RDP from your address on nsg-denies-rdp: done and verified',
  });
  await result.waitFor({ timeout: 20_000 });
  await expect(result.count()).resolves.toBe(1);
  await expect(result.innerText()).resolves.toMatch(/Verified: .*allow the RDP port/);
  await result.scrollIntoViewIfNeeded();
  await screenshot('local-approval.png');
});
