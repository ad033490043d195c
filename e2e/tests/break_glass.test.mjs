// Break-glass access (mnir.md §13): a case worker of Bucharest opens a Cluj case by the keyboard,
// in English at a phone's width, after a refused attempt explained on the page; the banner
// follows them and they end the access. The Cluj organisation is told and marks the notice seen;
// ANITP reviews the access with the mouse in Romanian, a refusal without a note explained first.
// Axe on every page reached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, checkAccessibility, checkLanguage, checkPhoneLayout, signIn, signOut,
  keyboardSignIn, keyboardFollow, tabTo,
} from './helpers.mjs';

let browser;
let page;
let reference;
let caseId;
let accessUrl;

before(async () => {
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ro-RO' });
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
});

/** Clicks a form's button and waits for the page it leads to, even at the same address. */
async function submitted(selector) {
  await page.evaluate(() => { window.mnirPreviousPage = true; });
  await page.click(selector);
  await page.waitForFunction(() => window.mnirPreviousPage !== true);
  await page.waitForLoadState();
}

test('a Cluj case is one the Bucharest case worker cannot open', async () => {
  await signIn(page, 'e2e.officer');
  await page.goto(`${BASE}/cases`);
  const link = page.locator('table a[href^="/cases/"]').first();
  reference = (await link.innerText()).trim();
  caseId = (await link.getAttribute('href')).split('/').pop();
  assert.match(reference, /^RO-/);
  await signOut(page);
  await signIn(page, 'e2e.other');
  const response = await page.goto(`${BASE}/cases/${caseId}`);
  assert.equal(response.status(), 404);
  await signOut(page);
});

test('the case worker breaks the glass by the keyboard, in English at phone width, and ends it', async () => {
  await page.setViewportSize({ width: 390, height: 800 });
  await keyboardSignIn(page, 'e2e.other');
  await keyboardFollow(page, 'a.lang-switch', /\/dashboard$/);
  await checkLanguage(page, 'en');
  await keyboardFollow(page, 'a[href="/break-glass"]', /\/break-glass$/, 300);
  await checkAccessibility(page, 'break-glass form');
  await checkPhoneLayout(page, 'break-glass form');

  // Sent with the reference alone: the form names the missing reason and words, keeps the rest.
  await tabTo(page, '#reference');
  await page.keyboard.type(reference);
  await keyboardFollow(page, '#break-glass-form button[type=submit]', /\/break-glass$/);
  const summary = page.locator('#form-errors');
  assert.ok(await summary.isVisible());
  assert.match(await summary.innerText(), /Choose a reason/);
  assert.match(await summary.innerText(), /Write why the case must be opened now/);
  assert.equal(await page.inputValue('#reference'), reference);
  await checkAccessibility(page, 'break-glass form with errors');

  // The reason by the arrows within its group, the words typed, Enter on the button.
  await tabTo(page, '#reason-immediate_danger');
  await page.keyboard.press('Space');
  assert.ok(await page.isChecked('#reason-immediate_danger'));
  await tabTo(page, '#note');
  await page.keyboard.type('The person is at our desk, frightened; the exploiter waits outside.');
  await keyboardFollow(page, '#break-glass-form button[type=submit]', new RegExp(`/cases/${caseId}$`));
  const banner = page.locator('#break-glass-banner');
  assert.ok(await banner.isVisible());
  assert.match(await banner.innerText(), new RegExp(reference));
  assert.match(await page.locator('main h1').innerText(), new RegExp(reference));
  await checkAccessibility(page, 'case under break-glass');
  await checkPhoneLayout(page, 'case under break-glass');

  // The banner stays on other pages and leads to the access, where it is ended.
  await page.goto(`${BASE}/dashboard`);
  assert.ok(await page.locator('#break-glass-banner').isVisible());
  await keyboardFollow(page, '#break-glass-banner a[href^="/break-glass/"]', /\/break-glass\/[^/]+$/);
  accessUrl = page.url();
  await checkAccessibility(page, 'break-glass access');
  await checkPhoneLayout(page, 'break-glass access');
  await keyboardFollow(page, `form[action$="/end"] button`, /\/break-glass\/[^/]+$/);
  assert.equal(await page.locator('#break-glass-banner').count(), 0);
  const closed = await page.goto(`${BASE}/cases/${caseId}`);
  assert.equal(closed.status(), 404);
  await page.goto(`${BASE}/lang/ro?next=/dashboard`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signOut(page);
});

test('the Cluj organisation is told and marks the notice seen', async () => {
  await signIn(page, 'e2e.officer');
  await page.goto(`${BASE}/inbox`);
  const notices = page.locator('#glass-notices');
  assert.ok(await notices.isVisible());
  assert.match(await notices.innerText(), new RegExp(reference));
  await checkAccessibility(page, 'inbox with a break-glass notice');
  await Promise.all([page.waitForURL(/\/break-glass\/[^/]+$/), notices.locator('a').first().click()]);
  assert.match(await page.locator('#access-facts').innerText(), /exploiter waits outside/);
  await checkAccessibility(page, 'break-glass access (notice)');
  await submitted('form[action$="/seen"] button');
  assert.equal(await page.locator('form[action$="/seen"]').count(), 0);
  await signOut(page);
});

test('ANITP reviews the access with the mouse, in Romanian', async () => {
  await signIn(page, 'e2e.coordinator');
  await page.goto(`${BASE}/break-glass`);
  await checkLanguage(page, 'ro');
  await checkAccessibility(page, 'break-glass reviews');
  await Promise.all([page.waitForURL(accessUrl), page.click(`#glass-reviews a[href="${new URL(accessUrl).pathname}"]`)]);
  // Not justified without a note: refused and explained; the choice stays.
  await page.check('#finding-not_justified');
  await submitted('#review-form button[type=submit]');
  assert.match(await page.locator('#review-error').innerText(), /de ce accesul nu a fost justificat/);
  assert.ok(await page.isChecked('#finding-not_justified'));
  await checkAccessibility(page, 'break-glass review with an error');
  await page.check('#finding-justified');
  await page.fill('#review-note', 'Persoana era în pericol; Clujul a fost sunat imediat după.');
  await submitted('#review-form button[type=submit]');
  assert.equal(await page.locator('#review-form').count(), 0);
  assert.match(await page.locator('#glass-tasks').innerText(), /justificat/);
  await signOut(page);
});
