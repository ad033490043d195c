// Assisted voluntary return in both directions (mnir.md §10): a Romanian brought home with the
// mouse in Romanian, a Moldovan going home by the keyboard in English with a high risk approved,
// each with a refused step explained on the page, the check-ins after the reception, the return
// file read back from its PDF, and axe on every page reached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, checkAccessibility, checkLanguage, checkPhoneLayout, signIn, signOut, tabTo,
  keyboardFollow, keyboardChoose, textOfPdf,
} from './helpers.mjs';

let browser;
let page;

before(async () => {
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ro-RO' });
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
});

const today = () => new Date().toISOString().slice(0, 10);

/** A presumed victim of `citizenship` found in Cluj: notified by the screener, then interviewed
 * and decided by the officer, who stays signed in. Returns the case's address. */
async function presumedVictim(family, citizenship) {
  await signIn(page, 'e2e.screener');
  await page.goto(`${BASE}/cases/new`);
  await page.check('#signal-S10');
  await page.fill('#given_name', 'Ana');
  await page.fill('#family_name', family);
  await page.fill('#birth_date', '1994-05-06');
  await page.selectOption('#sex', 'female');
  await page.selectOption('#citizenship', citizenship);
  await page.selectOption('#found_in_county', 'RO-CJ');
  await Promise.all([page.waitForURL(/\/cases\/[0-9a-f-]{36}$/), page.click('button[type=submit].primary')]);
  const caseUrl = page.url();
  await signOut(page);
  await signIn(page, 'e2e.officer');
  await page.goto(caseUrl);
  await page.fill('#reason-potential_victim', 'Nevoile urgente au fost clarificate.');
  await Promise.all([page.waitForURL(caseUrl), page.click('form.transition:has(#reason-potential_victim) button')]);
  await page.goto(`${caseUrl}/interview`);
  const present = ['DR01', 'DR02', 'EX01', 'EX02', 'CD01', 'CD02'];
  for (const code of present) await page.check(`input[name="mark-${code}"][value=present]`);
  await page.click('button[name=action][value=save]');
  await page.waitForSelector('#result-title');
  await page.selectOption('#decision', 'presumed_victim');
  await page.fill('#reasons', 'Indicatorii sunt confirmați de declarații.');
  await Promise.all([page.waitForURL(caseUrl), page.click('form[action$="/decision"] button')]);
  return caseUrl;
}

async function consentToReturn(caseUrl, recipient) {
  await page.goto(`${caseUrl}/consent`);
  await page.selectOption('#purpose', 'repatriation');
  await page.selectOption('#recipient', recipient);
  await Promise.all([page.waitForURL(/\/consent$/), page.click('form[action$="/consents"] button')]);
}

/** Rates every domain of the return's assessment low, or the family at home high. */
async function assessReturn(caseUrl, familyAtHomeHigh) {
  await page.goto(`${caseUrl}/risk#return`);
  await checkAccessibility(page, `risk page with the return's form [${familyAtHomeHigh ? 'en' : 'ro'}]`);
  for (const fieldset of await page.locator('#return-domains fieldset.risk-domain').all()) {
    const id = await fieldset.getAttribute('id');
    const level = familyAtHomeHigh && id.endsWith('family_at_home') ? 3 : 1;
    await fieldset.locator(`input.sev${level}`).check();
    await fieldset.locator(`input.lik${level}`).check();
  }
  await Promise.all([page.waitForURL(/\/risk#version-\d+$/), page.click('#return-domains button[type=submit]')]);
}

/** Records a step done today through its form. */
async function stepDone(procedureUrl, step, fill = async () => {}) {
  await page.goto(`${procedureUrl}/steps/${step}`);
  await page.check('#state-done');
  await page.fill('#date', today());
  await page.fill('#responsible_person', 'Ioana Pop');
  await fill();
  await page.click('#step-form button[type=submit]');
  await page.waitForLoadState();
}

test('a Romanian comes home: a step refused and explained, the consent, the steps, the check-ins and the return file', async () => {
  const caseUrl = await presumedVictim('Întoarsă', 'RO');
  await page.goto(caseUrl);
  await checkAccessibility(page, 'case page with the returns panel');
  await Promise.all([page.waitForURL(/\/repatriation\/new$/), page.click('a[href$="/repatriation/new"]')]);
  await checkLanguage(page, 'ro');
  await checkAccessibility(page, 'the form that opens a return');
  assert.ok(await page.isChecked('#direction-to_romania'), 'a Romanian comes home');
  // Nothing chosen: each missing field is named and linked.
  await page.click('#open-return button[type=submit]');
  await page.waitForSelector('#form-errors');
  assert.deepEqual(await page.locator('#form-errors a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))), ['#partner_org', '#country']);
  await checkAccessibility(page, 'the open form refused');
  await page.selectOption('#partner_org', 'ANITP-CJ');
  await page.selectOption('#country', 'IT');
  await Promise.all([page.waitForURL(/\/repatriations\/[^/]+$/), page.click('#open-return button[type=submit]')]);
  const procedureUrl = page.url();
  assert.match(await page.locator('#standing').innerText(), /Urmează: pasul 1/);
  assert.match(await page.locator('#blocked-request').innerText(), /consimțământul/);
  await checkAccessibility(page, 'the procedure with its next step blocked');
  await page.goto(caseUrl);
  assert.match(await page.locator('#returns').innerText(), /Ce îl blochează acum/);
  await checkAccessibility(page, 'case page with a return under way');

  // The request refused on the form for want of the consent, the way to it named.
  await stepDone(procedureUrl, 'request');
  assert.match(await page.locator('#guard').innerText(), /Consimțământul persoanei/);
  assert.equal(await page.inputValue('#responsible_person'), 'Ioana Pop', 'what was typed stays');
  await checkAccessibility(page, 'a step refused by its guard');
  await consentToReturn(caseUrl, 'MAE');
  await stepDone(procedureUrl, 'request');
  assert.equal(new URL(page.url()).hash, '#step-request');
  await assessReturn(caseUrl, false);
  await stepDone(procedureUrl, 'risk_assessment');
  await stepDone(procedureUrl, 'travel_documents', async () => {
    await page.selectOption('[id="documents.0.kind"]', 'travel_title');
    await page.fill('[id="documents.0.number"]', 'TC-2026-0417');
  });
  await stepDone(procedureUrl, 'fit_to_travel', () => page.selectOption('[id="details.escort"]', 'social_worker'));
  await stepDone(procedureUrl, 'travel', async () => {
    await page.fill('[id="details.itinerary"]', 'Zbor Milano – Cluj');
    await page.fill('[id="details.met_by"]', 'Consilierul centrului regional');
  });
  await stepDone(procedureUrl, 'reception', async () => {
    await page.fill('[id="details.first_day_needs"]', 'Haine și hrană');
    await page.fill('[id="details.stays_at"]', 'La familie');
    await page.fill('#note', 'Mama o așteaptă acasă.');
  });
  const steps = await page.locator('#steps').innerText();
  assert.match(steps, /TC-2026-0417/);
  assert.equal(await page.locator('#checkins tbody tr').count(), 4, 'four check-ins after the reception');
  await checkAccessibility(page, 'the procedure after the reception');

  // A check-in recorded; what it found is shown in its row.
  await page.click('#checkin-1 a');
  await checkAccessibility(page, 'the check-in form');
  await page.fill('#date', today());
  await page.check('#contact-yes');
  await page.fill('[id="situation.housing"]', 'Locuiește cu mama.');
  await Promise.all([page.waitForURL(/#checkins$/), page.click('#checkin-form button[type=submit]')]);
  assert.match(await page.locator('#checkin-1').innerText(), /Locuiește cu mama/);

  // The return file, in Romanian and English: the steps and documents, not the notes.
  for (const [lang, title] of [['ro', /Dosarul de întoarcere/], ['en', /Return file/]]) {
    const href = await page.getAttribute(`a[hreflang="${lang}"][href$="/return-file?lang=${lang}"]`, 'href');
    const printed = await page.request.get(`${BASE}${href}`);
    assert.equal(printed.status(), 200);
    assert.equal(printed.headers()['content-type'], 'application/pdf');
    const text = await textOfPdf(await printed.body());
    assert.match(text, title);
    assert.match(text, /TC-2026-0417/);
    assert.match(text, /Consilierul centrului regional/);
    assert.doesNotMatch(text, /Mama o așteaptă/, 'a note stays out of the file');
  }
  await page.goto(`${BASE}/lang/en?next=${encodeURIComponent(new URL(procedureUrl).pathname)}`);
  await checkLanguage(page, 'en');
  await checkAccessibility(page, 'the procedure (en)');
  await page.goto(`${BASE}/lang/ro?next=/dashboard`);
  await signOut(page);
});

test('a Moldovan goes home, by the keyboard in English: the travel refused until a supervisor approves, and on a phone', async () => {
  const caseUrl = await presumedVictim('Tastaturova-Întoarsă', 'MD');
  await page.goto(`${BASE}/lang/en?next=${encodeURIComponent(new URL(caseUrl).pathname)}`);
  await checkLanguage(page, 'en');
  await keyboardFollow(page, 'a[href$="/repatriation/new"]', /\/repatriation\/new$/);
  assert.ok(await page.isChecked('#direction-from_romania'), 'a foreign national goes home');
  assert.equal(await page.inputValue('#country'), 'MD', 'to the country of their citizenship');
  await keyboardChoose(page, '#partner_org', 'PARTNER-MD');
  await checkAccessibility(page, 'the open form (en, keyboard)');
  await keyboardFollow(page, '#open-return button[type=submit]', /\/repatriations\/[^/]+$/);
  const procedureUrl = page.url();
  await consentToReturn(caseUrl, 'PARTNER-MD');
  await page.goto(`${procedureUrl}/steps/request`);
  // The state's radios by the arrow keys, the date and the person typed.
  await tabTo(page, '#state-pending');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.ok(await page.isChecked('#state-done'), 'the arrow keys chose done');
  await page.fill('#date', today());
  await tabTo(page, '#responsible_person');
  await page.keyboard.type('Mihai Stan');
  await keyboardFollow(page, '#step-form button[type=submit]', /#step-request$/);
  await assessReturn(caseUrl, true);
  for (const step of ['risk_assessment', 'travel_documents', 'fit_to_travel']) {
    await stepDone(procedureUrl, step);
  }
  // The return was assessed at high risk: the travel is refused, and the page says why.
  await stepDone(procedureUrl, 'travel');
  assert.match(await page.locator('#guard').innerText(), /supervisor must approve/);
  await checkAccessibility(page, 'the travel refused (en)');
  await page.goto(procedureUrl);
  assert.match(await page.locator('#blocked-travel').innerText(), /supervisor must approve/);
  await keyboardFollow(page, '#approve button[type=submit]', /#steps$/);
  await stepDone(procedureUrl, 'travel');
  assert.equal(new URL(page.url()).hash, '#step-travel');
  await stepDone(procedureUrl, 'reception');
  assert.equal(await page.locator('#checkins tbody tr').count(), 4);
  await checkAccessibility(page, 'the procedure complete (en)');
  await page.setViewportSize({ width: 390, height: 844 });
  await checkPhoneLayout(page, 'the procedure on a phone');
  await page.goto(`${procedureUrl}/steps/reintegration_plan`);
  await checkPhoneLayout(page, 'a step form on a phone');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${BASE}/lang/ro?next=/dashboard`);
  await signOut(page);
});
