// Every main journey again with the keyboard alone: Tab to reach, Enter and Space to act, the
// arrow keys in radio groups and lists. The focus must be visible at each stop (tabTo checks it),
// and axe runs on the pages reached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, checkAccessibility, checkLanguage, checkPhoneLayout, screenshot, tabTo,
  keyboardSignIn, keyboardFollow, keyboardChoose, keyboardReplace,
} from './helpers.mjs';

let browser;
let page;
let casePath;
let reference;

before(async () => {
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ro-RO' });
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
});

async function keyboardSignOut() {
  await keyboardFollow(page, 'form[action="/logout"] button', /\/login/);
}

test('keyboard: a screener notifies a foreign national, is told what is wrong and corrects it', async () => {
  await keyboardSignIn(page, 'e2e.screener');
  await keyboardFollow(page, 'a[href="/cases/new"]', /\/cases\/new$/);
  await tabTo(page, '#signal-S10');
  await page.keyboard.press('Space');
  assert.ok(await page.isChecked('#signal-S10'));
  await tabTo(page, '#given_name');
  await page.keyboard.type('Clara');
  await tabTo(page, '#family_name');
  await page.keyboard.type('Tastaturova');
  await tabTo(page, '#birth_date');
  await page.keyboard.type('1990-02-31');
  await keyboardChoose(page, '#sex', 'female');
  await keyboardChoose(page, '#citizenship', 'MD', 300);
  await keyboardChoose(page, '#found_in_county', 'RO-CJ');
  await tabTo(page, 'button[type=submit].primary');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#birth_date-error');
  assert.match(await page.locator('#birth_date-error').innerText(), /an-lună-zi/);
  assert.equal(await page.inputValue('#family_name'), 'Tastaturova', 'what was typed is kept');
  await checkAccessibility(page, 'keyboard: screening form with an error');
  await keyboardReplace(page, '#birth_date', '1990-02-28');
  await keyboardFollow(page, 'button[type=submit].primary', /\/cases\/[0-9a-f-]{36}$/);
  casePath = new URL(page.url()).pathname;
  reference = (await page.locator('h1 .mono').innerText()).trim();
  assert.match(await page.locator('main').innerText(), /Tastaturova/);
  await keyboardSignOut();
});

test('keyboard: the officer opens the case, interviews, decides, grants reflection, records consent and refers', async () => {
  await keyboardSignIn(page, 'e2e.officer');
  await keyboardFollow(page, 'nav a[href="/cases"]', /\/cases$/);
  await keyboardFollow(page, `a[href="${casePath}"]`, new RegExp(`${casePath}$`));
  await tabTo(page, '#reason-potential_victim');
  await page.keyboard.type('Verificată la centrul regional.');
  await keyboardFollow(page, 'form.transition:has(#reason-potential_victim) button', new RegExp(`${casePath}$`));
  assert.match(await page.locator('#clocks-title + ul').innerText(), /interviul de identificare/);

  await keyboardFollow(page, 'a[href$="/interview"]', /\/interview$/);
  // In each radio group Tab lands on the checked "not asked"; the left arrow moves to "absent",
  // twice to "present".
  const present = ['DR01', 'DR02', 'EX01', 'EX02', 'CD01', 'CD02'];
  const groups = await page.locator('input[type=radio][value=not_asked]').evaluateAll(
    (radios) => radios.map((r) => r.name.replace('mark-', '')),
  );
  const marked = groups.filter((code, i) => i < 40 || present.includes(code));
  for (const code of marked) {
    await tabTo(page, `input[name="mark-${code}"]`, 20);
    await page.keyboard.press('ArrowLeft');
    if (present.includes(code)) await page.keyboard.press('ArrowLeft');
    const expected = present.includes(code) ? 'present' : 'absent';
    assert.ok(await page.isChecked(`input[name="mark-${code}"][value=${expected}]`), `${code} marked ${expected}`);
  }
  await tabTo(page, 'button[name=action][value=save]', 300);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#result-title');
  assert.match(await page.locator('#result-title').innerText(), /trafic indicat/);
  await checkAccessibility(page, 'keyboard: interview with advice');
  await keyboardChoose(page, '#decision', 'presumed_victim', 400);
  await tabTo(page, '#reasons');
  await page.keyboard.type('Indicatorii sunt confirmați.');
  await keyboardFollow(page, 'form[action$="/decision"] button', new RegExp(`${casePath}$`));
  assert.match(await page.locator('main').innerText(), /victimă prezumată/);

  // A foreign presumed victim is offered the reflection period; accepting it flags the case.
  await tabTo(page, '#reflection-accept');
  await page.keyboard.press('Space');
  await keyboardReplace(page, '#reflection-language', 'ru');
  await keyboardFollow(page, 'form[action$="/reflection"] button', new RegExp(`${casePath}`));
  assert.match(await page.locator('#no-removal-flag').innerText(), /Nu poate fi îndepărtată din țară/);
  assert.match(await page.locator('#clocks-title + ul').innerText(), /perioada de reflecție/);
  await checkAccessibility(page, 'keyboard: case page with the no-removal flag');

  await keyboardFollow(page, 'a[href$="/consent"]', /\/consent$/);
  await tabTo(page, '#right-legal_aid');
  await page.keyboard.press('Space');
  await keyboardReplace(page, '#language', 'ru');
  await keyboardFollow(page, 'form[action$="/information"] button', /\/consent$/);
  await keyboardChoose(page, '#purpose', 'assistance');
  await keyboardChoose(page, '#recipient', 'DGASPC-CJ');
  await keyboardFollow(page, 'form[action$="/consents"] button', /\/consent$/);
  assert.match(await page.locator('main').innerText(), /În vigoare/);
  await keyboardFollow(page, `.breadcrumb a[href="${casePath}"]`, new RegExp(`${casePath}$`));
  await keyboardChoose(page, '#to_org', 'DGASPC-CJ');
  await keyboardChoose(page, '#service', 'accommodation');
  await keyboardFollow(page, 'form[action$="/referrals"] button', new RegExp(`${casePath}$`));
  assert.match(await page.locator('#referrals-title + ul').innerText(), /Așteaptă răspuns/);
  await keyboardSignOut();
});

test('keyboard: the officer asks the urgent questions and rates every domain', async () => {
  await keyboardSignIn(page, 'e2e.officer');
  await keyboardFollow(page, 'nav a[href="/cases"]', /\/cases$/);
  await keyboardFollow(page, `a[href="${casePath}"]`, new RegExp(`${casePath}$`));
  await keyboardFollow(page, `a.button[href="${casePath}/risk"]`, /\/risk$/);
  // In a radio group with nothing chosen Tab lands on "yes": Space chooses it, the down arrow
  // moves to "no" and chooses that.
  for (const question of ['urgent_medical_need', 'immediate_violence', 're_trafficking_danger']) {
    await tabTo(page, `#${question}-yes`);
    await page.keyboard.press(question === 'urgent_medical_need' ? 'Space' : 'ArrowDown');
  }
  assert.ok(await page.isChecked('#urgent_medical_need-yes'));
  assert.ok(await page.isChecked('#immediate_violence-no'));
  await keyboardFollow(page, 'form:has(input[value=first_contact]) button[type=submit]', /#version-1$/);
  assert.match(await page.locator('#urgent-banner').innerText(), /Nevoie medicală urgentă/);
  for (const domain of ['personal_safety', 'family_safety', 're_trafficking', 'physical_health', 'mental_health', 'legal_situation', 'housing_livelihood']) {
    await tabTo(page, `#${domain}-s1`);
    await page.keyboard.press(domain === 'personal_safety' ? 'ArrowDown' : 'Space');
    await tabTo(page, `#${domain}-l1`);
    await page.keyboard.press('ArrowDown');
  }
  // Severity 2 × likelihood 2 is 4, a medium level, shown before anything is saved.
  assert.match(await page.locator('fieldset[id="domains.personal_safety"] .risk-live').innerText(), /4 — mediu/);
  await keyboardFollow(page, 'form:has(input[value=full]) button[type=submit]', /#version-2$/, 300);
  assert.match(await page.locator('#version-2').innerText(), /Nivel general: mediu/);
  await checkAccessibility(page, 'keyboard: risk assessment saved');
  await keyboardSignOut();
});

test('keyboard: the recipient opens the referral from its inbox and accepts it', async () => {
  await keyboardSignIn(page, 'e2e.dgaspc');
  await keyboardFollow(page, 'nav a[href="/inbox"]', /\/inbox$/);
  const href = await page.locator('a[href^="/referrals/"]', { hasText: reference }).getAttribute('href');
  await keyboardFollow(page, `a[href="${href}"]`, new RegExp(`${href}$`));
  const text = await page.locator('main').innerText();
  assert.match(text, /Clara/);
  assert.doesNotMatch(text, /Tastaturova/, 'a shelter does not see the family name');
  await keyboardFollow(page, 'form:has(input[value=accept]) button', new RegExp(`${href}$`));
  assert.match(await page.locator('main').innerText(), /acceptată/);
  assert.match(await page.locator('main').innerText(), /ANITP-CJ a referit către DGASPC-CJ/);
  await keyboardSignOut();
});

test('keyboard: a task from an expired clock is seen in the inbox and closed', async () => {
  // The generated cases (seed 11) left a case of ANITP-CJ in assistance since 2025: its
  // assistance-period clock ran out long ago, and the server's scheduler turned it into a task.
  await keyboardSignIn(page, 'e2e.officer');
  await keyboardFollow(page, 'nav a[href="/inbox"]', /\/inbox$/);
  // The organisation holds many tasks, a page at a time: the officer asks for this clock's.
  await keyboardChoose(page, '#f-clock', 'assistance_period');
  await keyboardFollow(page, 'form.filters button[type="submit"]', /\/inbox\?view=mine&clock=assistance_period$/);
  const review = page.locator('#tasks-title ~ ul.tasklist > li', { hasText: 'reevaluarea asistenței' });
  const before = await review.count();
  assert.ok(before > 0, 'the expired assistance clock left a review task');
  await checkAccessibility(page, 'keyboard: inbox with a task');
  const action = await review.first().locator('form').getAttribute('action');
  await keyboardFollow(page, `form[action="${action}"] button`, /\/inbox\?clock=assistance_period$/);
  assert.equal(await review.count(), before - 1, 'the task is closed');
  assert.equal(await page.locator(`form[action="${action}"]`).count(), 0);
  await keyboardSignOut();
});

test('keyboard: immigration sees whom it may not remove, and nothing more', async () => {
  await keyboardSignIn(page, 'e2e.igi');
  await keyboardFollow(page, 'nav a[href="/no-removal"]', /\/no-removal$/);
  await checkLanguage(page, 'ro');
  const text = await page.locator('main').innerText();
  assert.match(text, /Clara Tastaturova/);
  assert.match(text, /Republica Moldova/);
  await checkAccessibility(page, 'keyboard: no-removal list');
  const response = await page.goto(`${BASE}${casePath}`);
  assert.equal(response.status(), 404, 'the list opens no case file');
  await keyboardFollow(page, 'a.lang-switch', /\/cases\//);
  await checkLanguage(page, 'en');
  assert.match(await page.locator('main').innerText(), /not found|does not exist/i);
  await keyboardFollow(page, 'a.lang-switch', /\/cases\//);
  await keyboardSignOut();
});

test('keyboard: another organisation reaches the not-found page and leaves by the menu', async () => {
  await keyboardSignIn(page, 'e2e.other');
  const response = await page.goto(`${BASE}${casePath}`);
  assert.equal(response.status(), 404);
  assert.match(await page.locator('main').innerText(), /nu există sau nu aveți dreptul/);
  await keyboardFollow(page, 'nav a[href="/dashboard"]', /\/dashboard$/);
  await keyboardSignOut();
});

test('on a phone the foreign case with its reflection panel fits and is easy to tap', async () => {
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'ro-RO' });
  const p = await phone.newPage();
  await keyboardSignIn(p, 'e2e.officer');
  await p.goto(`${BASE}${casePath}`);
  assert.match(await p.locator('#reflection-title').innerText(), /Perioada de reflecție/);
  await checkPhoneLayout(p, 'case page with the reflection period');
  await checkAccessibility(p, 'case page with the reflection period (phone)');
  await screenshot(p, 'case-reflection-phone');
  await phone.close();
});
