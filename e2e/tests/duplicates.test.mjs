// Possible duplicates (mnir.md §13): a screener notifies one person twice, in Bucharest and then
// in Cluj with the name typed without diacritics; the Cluj centre's officer, to whom the later
// notification is routed, finds the pair on /duplicates — references and a score, never a name —
// and merges it by the keyboard at a phone's width in English; the later notification becomes a
// duplicate. Axe on every page reached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, checkAccessibility, checkLanguage, checkPhoneLayout, signIn, signOut,
  keyboardSignIn, keyboardFollow, tabTo,
} from './helpers.mjs';

let browser;
let page;
const references = [];

before(async () => {
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ro-RO' });
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
});

async function notify(given, family, county) {
  await page.goto(`${BASE}/cases/new`);
  await page.fill('#given_name', given);
  await page.fill('#family_name', family);
  await page.fill('#birth_date', '1991-05-05');
  await page.selectOption('#sex', 'female');
  await page.selectOption('#found_in_county', county);
  await Promise.all([page.waitForURL(/\/cases\/[0-9a-f-]{36}$/), page.click('button[type=submit].primary')]);
  const reference = (await page.locator('h1 .mono').innerText()).trim();
  references.push(reference);
}

test('a screener notifies the same person twice, in two counties', async () => {
  await signIn(page, 'e2e.screener');
  await notify('Nadia', 'Dublărescu-Ștefănescu', 'RO-B');
  await notify('NADIA', 'DUBLARESCU STEFANESCU', 'RO-CJ');
  assert.equal(references.length, 2);
  assert.notEqual(references[0], references[1]);
  await signOut(page);
});

test('the Cluj officer merges the pair by the keyboard, in English at phone width', async () => {
  await page.setViewportSize({ width: 390, height: 800 });
  await keyboardSignIn(page, 'e2e.officer');
  await keyboardFollow(page, 'a.lang-switch', /\/dashboard$/);
  await checkLanguage(page, 'en');
  await keyboardFollow(page, 'a[href="/duplicates"]', /\/duplicates$/, 300);
  await checkAccessibility(page, 'possible duplicates');
  await checkPhoneLayout(page, 'possible duplicates');
  const pairs = await page.locator('#duplicate-pairs').innerText();
  assert.match(pairs, new RegExp(`${references[0]} · ${references[1]}`));
  assert.match(pairs, /same names and birth date/);
  assert.doesNotMatch(pairs, /Dubl|Nadia|NADIA/, 'no name on the page');
  const merge = `button[data-pair="${references[0]} ${references[1]}"]`;
  assert.equal(await page.locator(merge).innerText(), `Merge: ${references[1]} becomes a duplicate of ${references[0]}`);
  await tabTo(page, merge, 400);
  await page.evaluate(() => { window.mnirPreviousPage = true; });
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.mnirPreviousPage !== true);
  await page.waitForURL(/\/duplicates$/);
  assert.doesNotMatch(await page.locator('main').innerText(), new RegExp(references[1]), 'the pair is decided');
  await page.goto(`${BASE}/duplicates?all=1`);
  assert.match(await page.locator('#duplicate-pairs').innerText(), /one person, merged/);
  await checkAccessibility(page, 'possible duplicates, decided');
  await page.goto(`${BASE}/lang/ro?next=/dashboard`);
  await signOut(page);
});

test('the later notification is a duplicate on its case page', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, 'e2e.officer');
  await page.goto(`${BASE}/cases?reference=${encodeURIComponent(references[1])}`);
  const link = page.locator(`table a:text("${references[1]}")`);
  await Promise.all([page.waitForURL(/\/cases\/[0-9a-f-]{36}$/), link.click()]);
  assert.match(await page.locator('.state').first().innerText(), /dublură/);
  await checkAccessibility(page, 'case marked duplicate');
  await signOut(page);
});
