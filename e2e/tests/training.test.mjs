// Training (mnir.md §12): a trainer records a session and its participants with the mouse in
// Romanian (a refused form explained on the page); a trainee does vignettes by the keyboard in
// English at phone width, reads the engine's feedback, passes the course, prints the certificate
// and anyone verifies it by its code; axe on every page reached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  BASE, launch, checkAccessibility, checkLanguage, checkPhoneLayout, signIn, signOut, tabTo,
  keyboardFollow, textOfPdf,
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

const TRAINEE = 'Ioana Cursanta';

/** The authors' answers of the built-in vignettes, read from the data file the binary holds. */
function authorsAnswers() {
  const text = fs.readFileSync(path.resolve('..', 'data', 'training', 'vignettes.toml'), 'utf8');
  return text.split('[[vignette]]').slice(1).map((block) => ({
    code: block.match(/^code = "([^"]+)"/m)[1],
    present: [...block.match(/^present = \[([^\]]*)\]/m)[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]),
    act: (block.match(/^act = (true|false)/m) ?? [])[1],
    expected: block.match(/^expected = "([^"]+)"/m)[1],
  }));
}

/** Clicks a form's button and waits for the page it leads to, even at the same address. */
async function submitted(selector) {
  await page.evaluate(() => { window.mnirPreviousPage = true; });
  await page.click(selector);
  await page.waitForFunction(() => window.mnirPreviousPage !== true);
  await page.waitForLoadState();
}

/** Chooses a radio button by the keyboard: Tab reaches the group, the arrows move within it. */
async function keyboardRadio(first, wanted) {
  await tabTo(page, first, 300);
  if (first === wanted) {
    await page.keyboard.press('Space');
  } else {
    await page.keyboard.press('ArrowDown');
  }
  assert.ok(await page.isChecked(wanted), `${wanted} is chosen`);
}

function daysAgo(n) {
  return new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);
}

test('a trainer records a session and its participants with the mouse, in Romanian', async () => {
  await signIn(page, 'e2e.trainer');
  await page.goto(`${BASE}/training`);
  await checkLanguage(page, 'ro');
  await checkAccessibility(page, 'training sessions');
  await Promise.all([page.waitForURL(/\/training\/sessions\/new$/), page.click('a[href="/training/sessions/new"].primary')]);
  await checkAccessibility(page, 'new session form');
  // Sent without a city or trainers: the form says what is missing and keeps the rest.
  await page.fill('#held_on', daysAgo(10));
  await page.selectOption('#county', 'RO-CJ');
  await page.check('#audience-national_victims');
  await Promise.all([page.waitForURL(/\/training\/sessions$/), page.click('#session-form button[type=submit]')]);
  const summary = page.locator('#form-errors');
  assert.ok(await summary.isVisible());
  assert.match(await summary.innerText(), /Scrieți orașul/);
  assert.equal(await page.inputValue('#held_on'), daysAgo(10));
  await checkAccessibility(page, 'new session form with errors');
  await page.fill('#city', 'Cluj-Napoca');
  await page.fill('#trainers', 'Carmen Vlădescu\nAndrei Popovici');
  await Promise.all([page.waitForURL(/\/training\/sessions\/[0-9a-f-]{36}$/), page.click('#session-form button[type=submit]')]);
  const sessionUrl = page.url();
  assert.match(await page.locator('h1').innerText(), /Cluj-Napoca/);
  await checkAccessibility(page, 'session page');

  // A participant with an account, and one from a school outside the directory.
  await page.fill('#p-name', TRAINEE);
  await page.fill('#p-login', 'e2e.igi');
  await page.selectOption('#p-category', 'immigration');
  await submitted('#participant-form button[type=submit]');
  await page.fill('#p-name', 'Maria Profesoara');
  await page.fill('#p-organisation_name', 'Școala Gimnazială nr. 3 Cluj-Napoca');
  await page.selectOption('#p-category', 'school_staff');
  await submitted('#participant-form button[type=submit]');
  const table = await page.locator('#participant-table').innerText();
  assert.match(table, new RegExp(TRAINEE));
  assert.match(table, /Școala Gimnazială nr\. 3/);
  assert.match(table, /imigrări/);
  await checkAccessibility(page, 'session page with participants');
  // The session is in the list, found by its city.
  await page.goto(`${BASE}/training?city=Cluj-Napoca`);
  assert.ok(await page.locator(`#sessions a[href="${new URL(sessionUrl).pathname}"]`).count() === 1);
  // The reports count them: exactly for the trainer, hidden below k in the published view.
  await Promise.all([page.waitForURL(/\/training\/reports$/), page.click('a[href="/training/reports"]')]);
  assert.match(await page.locator('#trained-by-category').innerText(), /personal școlar\s+1/);
  await checkAccessibility(page, 'training reports');
  await Promise.all([page.waitForURL(/view=published$/), page.click('a[href="/training/reports?view=published"]')]);
  assert.match(await page.locator('#trained-by-category').innerText(), /personal școlar\s+c/);
  await checkAccessibility(page, 'training reports, published');
  await signOut(page);
});

test('a trainee passes the e-learning by the keyboard in English at phone width, and the certificate is printed and verified', async () => {
  const answers = authorsAnswers();
  await signIn(page, 'e2e.igi');
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${BASE}/elearning`);
  await Promise.all([page.waitForURL(/\/elearning$/), page.click('a.lang-switch')]);
  await checkLanguage(page, 'en');
  await checkAccessibility(page, 'e-learning');
  await checkPhoneLayout(page, 'e-learning');

  for (const [i, v] of answers.slice(0, 5).entries()) {
    await page.goto(`${BASE}/elearning`);
    if (i < 3) {
      // By the keyboard: the vignette's link, each indicator in the order of the page, the
      // decision, then Enter on the button.
      await keyboardFollow(page, `a[href="/elearning/vignettes/${v.code}"]`, new RegExp(`/elearning/vignettes/${v.code}$`), 300);
      if (i === 0) {
        await checkAccessibility(page, 'vignette');
        await checkPhoneLayout(page, 'vignette');
      }
      const order = await page.evaluate(() => [...document.querySelectorAll('input[name=present]')].map((e) => e.value));
      for (const code of order.filter((c) => v.present.includes(c))) {
        await tabTo(page, `#ind-${code}`, 300);
        await page.keyboard.press('Space');
      }
      if (v.act) await keyboardRadio('#act-yes', `#act-${v.act === 'true' ? 'yes' : 'no'}`);
      await keyboardRadio('#decision-presumed_victim', `#decision-${v.expected}`);
      await keyboardFollow(page, '#attempt-form button[type=submit]', /\/elearning\/attempts\//, 300);
    } else {
      await page.goto(`${BASE}/elearning/vignettes/${v.code}`);
      for (const code of v.present) await page.check(`#ind-${code}`);
      if (v.act) await page.check(`#act-${v.act === 'true' ? 'yes' : 'no'}`);
      await page.check(`#decision-${v.expected}`);
      await Promise.all([page.waitForURL(/\/elearning\/attempts\//), page.click('#attempt-form button[type=submit]')]);
    }
    // The feedback: every indicator found, the decision right, the engine on both marks.
    assert.equal(await page.locator('#score').innerText(), '100 %');
    assert.ok(await page.locator('#decision-right').isVisible());
    assert.match(await page.locator('#author-title').innerText(), /author/);
    if (i === 0) {
      await checkAccessibility(page, 'feedback');
      await checkPhoneLayout(page, 'feedback');
    }
  }
  // The fifth vignette completed the course: the certificate is issued.
  assert.match(await page.locator('p.notice-success').innerText(), /certificate is issued/);
  await page.goto(`${BASE}/elearning#certificates`);
  assert.match(await page.locator('#progress').innerText(), /5 of the 5/);
  await Promise.all([page.waitForURL(/\/certificates\/[0-9a-f-]{36}$/), page.click('#certificates a')]);
  await checkAccessibility(page, 'certificate');
  await checkPhoneLayout(page, 'certificate');
  assert.match(await page.locator('#standing').innerText(), /valid/);
  const code = await page.locator('dt:text("Verification code") + dd').innerText();
  const pdf = await page.request.get(new URL(await page.getAttribute('a[href$="/pdf?lang=ro"]', 'href'), BASE).href);
  assert.equal(pdf.status(), 200);
  const text = await textOfPdf(await pdf.body());
  assert.match(text, /Certificat de formare/);
  assert.match(text, new RegExp(TRAINEE));
  await signOut(page);

  // Anyone checks the code, signed out, and sees only the initials.
  await page.goto(`${BASE}/verify`);
  await checkAccessibility(page, 'verification form');
  await page.fill('#code', code.toLowerCase());
  await Promise.all([page.waitForURL(/\/verify\/[0-9A-Z-]+$/), page.click('form[action="/verify"] button')]);
  assert.match(await page.locator('#verdict').innerText(), /valid/);
  const body = await page.locator('main').innerText();
  assert.match(body, /I\. C\./);
  assert.ok(!body.includes(TRAINEE), 'the holder\'s name is not shown to the public');
  await checkAccessibility(page, 'verification');
  await page.setViewportSize({ width: 1280, height: 900 });
});
