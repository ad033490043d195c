// Retention and legal hold (mnir.md §13): the Cluj supervisor places a legal hold on a case by the
// keyboard in Romanian, after a refused attempt explained on the page; a request to erase is then
// recorded in English at a phone's width and refused for the hold; the hold is lifted with a
// reason. ANITP's administrator reads the retention periods and runs them; the coordinator reads
// them without the button. Axe on every page reached. The case held is never erased; the run
// erases only synthetic notifications found not to concern a victim years ago.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, checkAccessibility, checkLanguage, checkPhoneLayout, signIn, signOut,
  keyboardSignIn, keyboardFollow, tabTo,
} from './helpers.mjs';

let browser;
let page;
let caseId;

before(async () => {
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ro-RO' });
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
});

test('the supervisor places a legal hold by the keyboard, a missing detail explained first', async () => {
  await keyboardSignIn(page, 'e2e.officer');
  await page.goto(`${BASE}/cases`);
  const link = page.locator('table a[href^="/cases/"]').first();
  caseId = (await link.getAttribute('href')).split('/').pop();
  await page.goto(`${BASE}/cases/${caseId}`);
  await keyboardFollow(page, `a[href="/cases/${caseId}/retention"]`, new RegExp(`/cases/${caseId}/retention$`), 300);
  await checkLanguage(page, 'ro');
  await checkAccessibility(page, 'legal hold page');
  assert.match(await page.locator('#legal-holds').innerText(), /Nu a fost instituită nicio reținere legală/);

  // "Other" without a word: the form says what is missing and keeps the choice.
  await tabTo(page, '#reason-criminal_proceedings', 300);
  for (let i = 0; i < 8 && !(await page.isChecked('#reason-other')); i += 1) {
    await page.keyboard.press('ArrowDown');
  }
  assert.ok(await page.isChecked('#reason-other'), 'the arrows reach "Altul"');
  await keyboardFollow(page, '#hold-form button[type=submit]', new RegExp(`/cases/${caseId}/legal-holds$`));
  const summary = page.locator('#form-errors');
  assert.ok(await summary.isVisible());
  assert.match(await summary.innerText(), /Precizați temeiul reținerii/);
  assert.ok(await page.isChecked('#reason-other'), 'the reason chosen is kept');
  await checkAccessibility(page, 'legal hold form with errors');

  await tabTo(page, '#note', 300);
  await page.keyboard.type('Plângere la ANSPDCP nr. 1402/2026 privind gestionarea cazului');
  await keyboardFollow(page, '#hold-form button[type=submit]', new RegExp(`/cases/${caseId}/retention$`));
  const holds = await page.locator('#legal-holds').innerText();
  assert.match(holds, /Altul/);
  assert.match(holds, /în vigoare/);
  assert.match(holds, /ANSPDCP nr\. 1402\/2026/);
  await checkAccessibility(page, 'legal hold in force');
});

test('a request to erase is recorded in English at phone width and refused for the hold', async () => {
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${BASE}/lang/en?next=${encodeURIComponent(`/cases/${caseId}/retention`)}`);
  await checkLanguage(page, 'en');
  await checkPhoneLayout(page, 'legal hold page');
  // The day it came defaults to today; a day to come is refused.
  await page.fill('#received_on', '2099-01-01');
  await page.click('#request-form button[type=submit]');
  await page.waitForURL(new RegExp(`/cases/${caseId}/erasure-requests$`));
  assert.match(await page.locator('#form-errors').innerText(), /cannot be in the future/);
  await checkAccessibility(page, 'erasure request with errors');
  await checkPhoneLayout(page, 'erasure request with errors');
  await page.fill('#received_on', '2026-11-30');
  await page.fill('#request-note', 'Written request handed in at the Cluj centre.');
  await Promise.all([
    page.waitForURL(new RegExp(`/cases/${caseId}/retention\\?answered=legal_hold$`)),
    page.click('#request-form button[type=submit]'),
  ]);
  assert.match(await page.locator('#erasure-answer').innerText(), /refused: a legal hold stands/);
  assert.match(await page.locator('#erasure-requests').innerText(), /Refused: a legal hold stands/);
  assert.match(await page.locator('#erasure-requests').innerText(), /30\/11\/2026/);
  await checkAccessibility(page, 'erasure request answered');

  // Lifted with a reason; the case stays as it was.
  const lift = page.locator('#legal-holds form').first();
  await lift.locator('input[name=note]').fill('Complaint answered by the authority.');
  await Promise.all([page.waitForURL(new RegExp(`/cases/${caseId}/retention$`)), lift.locator('button').click()]);
  const holds = await page.locator('#legal-holds').innerText();
  assert.match(holds, /lifted/);
  assert.match(holds, /Complaint answered by the authority/);
  await page.goto(`${BASE}/cases/${caseId}`);
  assert.equal(await page.locator('#case-erased').count(), 0, 'the case was not erased');
  await page.goto(`${BASE}/lang/ro?next=/dashboard`);
  await signOut(page);
});

test('the administrator runs the retention periods; the coordinator reads them', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, 'e2e.admin');
  await page.click('nav a[href="/retention"]');
  await page.waitForURL(/\/retention$/);
  await checkAccessibility(page, 'retention page');
  assert.match(await page.locator('main').innerText(), /Cazuri închise\s+10 ani/);
  await Promise.all([page.waitForURL(/\/retention\/run$/), page.click('#retention-run button')]);
  assert.ok(await page.locator('#retention-report').isVisible());
  assert.match(await page.locator('#retention-report').innerText(), /Cazuri șterse/);
  await checkAccessibility(page, 'retention run report');
  await signOut(page);

  await signIn(page, 'e2e.coordinator');
  await page.goto(`${BASE}/retention`);
  assert.equal(await page.locator('#retention-run').count(), 0, 'no run button for a coordinator');
  assert.ok(await page.locator('#retention-due').isVisible());
  await signOut(page);
});
