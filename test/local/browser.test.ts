import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { startTestWorkspace, type TestWorkspace } from './support';

// The local workspace as a person uses it, in Debian's Chromium: Alice diagnoses a VM whose NSG denies
// RDP and proposes the fix through its modal while the run is still out (the Run Command takes 20 s here),
// cannot approve her own fix (and only she is told), Bob approves, the thread shows the fix verified and
// the report reads the cause as resolved, with Re-run. Then a hung Run Command ends in an incomplete
// report with its next steps, and a digest groups the risks many machines share. Screenshots go to a
// temp dir, or to docs/ with UPDATE_SCREENSHOTS=1 (the ones the README shows). Every wait is on a
// condition the page shows, never a fixed sleep.

const CHROMIUM = '/usr/bin/chromium';
const VIEWPORT = { width: 1280, height: 800 };
/** Long enough that the fix is clicked while the guest probe is surely still out. */
const RUN_COMMAND_MS = 20_000;
/** When a hung Run Command gives up: the incomplete report follows. */
const GUEST_TIMEOUT_MS = 30_000;
const screenshots =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(__dirname, '../../docs')
    : mkdtempSync(join(tmpdir(), 'rdp-doctor-shots-'));

let ws: TestWorkspace;
let context: BrowserContext;
let page: Page;
let profile: string;

beforeAll(async () => {
  // Slower than the tests' usual instant sandbox, so the message can be seen filling in.
  ws = await startTestWorkspace({
    sandbox: { latency: 'realistic', scale: 0.2, operationMs: { runCommand: RUN_COMMAND_MS } },
    timeouts: { guest: GUEST_TIMEOUT_MS },
  });
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
const RUNNING = 'this message updates as each layer reports';
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

async function type(command: string): Promise<void> {
  await page.fill('#composer', command);
  await page.press('#composer', 'Enter');
}

test('Alice types /rdp and clicks the fix as soon as it shows: the proposal opens while the run goes on', async () => {
  await type('/rdp nsg-denies-rdp from 203.0.113.10');
  // The verdict settles on the network layer while the run still goes (its footer says it updates).
  await diagnosis()
    .filter({ hasText: 'Failing layer: Network path' })
    .filter({ hasText: RUNNING })
    .waitFor({ timeout: 20_000 });
  await screenshot('local-diagnosis.png');

  expect(await diagnosis().innerText()).toContain(RUNNING);
  await diagnosis().getByRole('button', { name: 'Allow RDP from your address' }).click();
  const modal = page.locator('#modal');
  await modal.locator('.modal-title', { hasText: 'Propose a fix' }).waitFor();
  await expect(modal.locator('input.bk-field').inputValue()).resolves.toBe('203.0.113.10');
  await modal.getByRole('button', { name: 'Propose' }).click();
  await page.locator('#modal-layer').waitFor({ state: 'hidden' });
  await proposal().getByRole('button', { name: 'Approve and run' }).waitFor();
  await expect(page.locator('.msg-ephemeral', { hasText: 'still finishing' }).count()).resolves.toBe(0);
}, 40_000);

test(
  'the run then ends naming the NSG rule, in the same one message',
  async () => {
    await diagnosis()
      .filter({ hasText: 'finished in' })
      .waitFor({ timeout: RUN_COMMAND_MS + 30_000 });
    await expect(diagnosis().count()).resolves.toBe(1);
    const text = await diagnosis().innerText();
    expect(text).toContain('DenyRdpAll');
    expect(text).toContain('az network watcher test-ip-flow');
    expect(await diagnosis().locator('.user-mention').first().innerText()).toBe('@Alice');
  },
  RUN_COMMAND_MS + 40_000,
);

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

test("Alice's own Approve is refused, and only she is told", async () => {
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
  await page.click('#thread-close');
}, 60_000);

test('the report follows the incident: the cause reads resolved, by whom, and Re-run replaces its fix', async () => {
  const resolved = diagnosis().filter({ hasText: 'resolved by Allow RDP from your address' });
  await resolved.waitFor({ timeout: 20_000 });
  const text = await resolved.innerText();
  expect(text).toMatch(/approved by @Bob · \d\d:\d\d UTC/);
  await expect(resolved.getByRole('button', { name: 'Allow RDP from your address' }).count()).resolves.toBe(
    0,
  );
  await resolved.getByRole('button', { name: 'Re-run diagnosis' }).waitFor();
  await resolved.scrollIntoViewIfNeeded();
  await screenshot('resolved-report.png');
});

test(
  'a hung Run Command ends in an incomplete report: what is missing, next steps, Restart VM and Re-run',
  async () => {
    await type('/rdp vm-hung');
    const hung = page.locator('#messages > .msg', { hasText: '🩺 vm-hung' });
    const incomplete = hung
      .filter({ hasText: 'the diagnosis is incomplete' })
      .filter({ hasText: 'finished in' });
    await incomplete.waitFor({ timeout: GUEST_TIMEOUT_MS + 30_000 });
    const text = await incomplete.innerText();
    expect(text).toContain('Could not check');
    expect(text).toContain('Next steps');
    expect(text).toContain('Serial console');
    expect(text).toContain('the agent or Windows is stuck');
    await incomplete.getByRole('button', { name: 'Restart the VM' }).waitFor();
    await incomplete.getByRole('button', { name: 'Re-run diagnosis' }).waitFor();
    await incomplete.scrollIntoViewIfNeeded();
    await screenshot('incomplete-report.png');
  },
  GUEST_TIMEOUT_MS + 40_000,
);

test('a digest groups the risk many machines share into one line with a count and a list button', async () => {
  await type('/rdp digest add daily 09:00 UTC');
  const added = page.locator('.msg-ephemeral', { hasText: 'added' }).last();
  await added.waitFor();
  const id = /Digest ([0-9a-f]{8})/.exec(await added.innerText())?.[1];
  expect(id).toBeDefined();
  await type(`/rdp digest run ${id}`);
  const digest = page.locator('#messages > .msg', { hasText: 'RDP health digest' });
  await digest.waitFor({ timeout: 30_000 });
  const list = digest.getByRole('button', { name: /^List the \d+ machines$/ }).first();
  await list.waitFor();
  await digest.scrollIntoViewIfNeeded();
  await screenshot('digest.png');
});
