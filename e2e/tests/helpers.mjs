// Shared by the journeys: the browser, sign-in, the accessibility check and screenshots.
import { chromium } from 'playwright-core';
import AxeBuilderModule from '@axe-core/playwright';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const AxeBuilder = AxeBuilderModule.default ?? AxeBuilderModule;

export const BASE = process.env.MNIR_BASE_URL;
export const BACKEND = process.env.MNIR_BACKEND ?? 'sqlite';
export const PASSWORD = process.env.MNIR_PASSWORD;
export const ARTIFACTS = path.resolve('artifacts', BACKEND);
fs.mkdirSync(ARTIFACTS, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
}

/** Runs axe (WCAG 2.1 A and AA) on the page; fails on any violation and records the result. */
export async function checkAccessibility(page, label) {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const entry = {
    page: label,
    url: new URL(page.url()).pathname,
    lang: await page.getAttribute('html', 'lang'),
    passes: result.passes.length,
    violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) })),
  };
  // Each test file runs in its own process: add to what the earlier files recorded (scripts/e2e
  // empties the file before a run).
  const file = path.join(ARTIFACTS, 'axe.json');
  const recorded = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : [];
  recorded.push(entry);
  fs.writeFileSync(file, JSON.stringify(recorded, null, 2));
  console.log(`axe ${BACKEND} ${label} [${entry.lang}] ${entry.url}: ${entry.passes} rules passed, ${entry.violations.length} violations`);
  assert.deepEqual(entry.violations, [], `axe violations on ${label}`);
}

/** The html lang attribute matches the language, and no message id leaked into the page. */
export async function checkLanguage(page, lang) {
  assert.equal(await page.getAttribute('html', 'lang'), lang);
  const text = await page.locator('body').innerText();
  assert.ok(!text.includes('[missing:'), `a message is missing on ${page.url()}`);
}

export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// Two-factor sign-in: the tests act as each user's phone. The key an account enrolled with, the
// last 30-second step whose code was used and its recovery codes are kept in a file (each test
// file runs in a process of its own; scripts/e2e empties it with the database).
const PHONES = path.join(ARTIFACTS, 'phones.json');
/** On the dashboard itself: a regular expression would also match `/login/code?next=/dashboard`. */
export const onDashboard = (url) => url.pathname === '/dashboard';
const STEP_MS = 30_000;

function phones() {
  return fs.existsSync(PHONES) ? JSON.parse(fs.readFileSync(PHONES, 'utf8')) : {};
}

function savePhone(login, phone) {
  fs.writeFileSync(PHONES, JSON.stringify({ ...phones(), [login]: phone }, null, 2));
}

export function phoneOf(login) {
  return phones()[login];
}

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    const value = alphabet.indexOf(c);
    assert.ok(value >= 0, `not base32: ${c}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The six-digit code of RFC 6238 (HMAC-SHA1, 30-second steps) for `step`. */
export function codeAt(key, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', base32Decode(key)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

/**
 * The next code the server will take for `login`: the current step's, or the next step's when
 * the current one was used already (the server takes one step either side); it waits for the
 * clock when even that one was used.
 */
async function nextCode(login) {
  const phone = phoneOf(login);
  const now = Math.floor(Date.now() / STEP_MS);
  const step = Math.max(now, phone.lastStep + 1);
  if (step > now + 1) {
    await new Promise((resolve) => setTimeout(resolve, (step - 1) * STEP_MS - Date.now() + 200));
  }
  savePhone(login, { ...phone, lastStep: step });
  return codeAt(phone.key, step);
}

/** Types a value into a field, with the keyboard alone or by filling it. */
async function enter(page, selector, value, keyboard) {
  if (keyboard) {
    await tabTo(page, selector);
    await page.keyboard.type(value);
  } else {
    await page.fill(selector, value);
  }
}

async function submit(page, keyboard, url) {
  await Promise.all([
    page.waitForURL(url),
    keyboard ? page.keyboard.press('Enter') : page.click('button[type=submit].primary'),
  ]);
}

/**
 * After the password: the second step of an enrolled account, or the enrolment the profile
 * requires of an account that has none (its key read from the page, as a phone would scan it).
 */
export async function secondFactor(page, login, keyboard = false, atCodes = async () => {}) {
  const url = new URL(page.url());
  if (url.pathname === '/account/two-factor') {
    const key = (await page.locator('#totp-key').innerText()).trim();
    const step = Math.floor(Date.now() / STEP_MS);
    await enter(page, '#code', codeAt(key, step), keyboard);
    // The codes come back on the address the form was on: wait for them, not for a new URL.
    await Promise.all([
      page.waitForSelector('#recovery-codes'),
      keyboard ? page.keyboard.press('Enter') : page.click('button[type=submit].primary'),
    ]);
    const codes = (await page.locator('#recovery-codes li').allInnerTexts()).map((c) => c.trim());
    assert.equal(codes.length, 10, 'ten recovery codes are shown once');
    savePhone(login, { key, lastStep: step, codes });
    await atCodes(page);
    if (keyboard) {
      await keyboardFollow(page, '#continue', onDashboard);
    } else {
      await Promise.all([page.waitForURL(onDashboard), page.click('#continue')]);
    }
  } else if (url.pathname === '/login/code') {
    await enter(page, '#code', await nextCode(login), keyboard);
    await submit(page, keyboard, onDashboard);
  }
  assert.equal(new URL(page.url()).pathname, '/dashboard', `${login} signed in`);
}

const AFTER_PASSWORD = (url) => ['/dashboard', '/login/code', '/account/two-factor'].includes(url.pathname);

export async function signIn(page, login) {
  // Start from a browser that holds no session, whatever an earlier step left behind.
  await page.context().clearCookies();
  await page.goto(`${BASE}/login`);
  await page.fill('#login', login);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(AFTER_PASSWORD), page.click('button[type=submit].primary')]);
  await secondFactor(page, login);
}

export async function signOut(page) {
  await Promise.all([page.waitForURL(/\/login/), page.click('form[action="/logout"] button')]);
}

/** Presses Tab until the element matching `selector` has the focus, as a keyboard user would. */
export async function tabTo(page, selector, limit = 150) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) {
      const outline = await page.evaluate(() => {
        const style = getComputedStyle(document.activeElement);
        return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      });
      assert.ok(outline, `the focus on ${selector} is not visible`);
      return;
    }
  }
  assert.fail(`Tab never reached ${selector}`);
}

/** At a phone's width nothing scrolls sideways and every target is at least 44×44 px. */
export async function checkPhoneLayout(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${label}: horizontal scrolling by ${overflow}px`);
  const small = await page.evaluate(() => {
    const tooSmall = [];
    const targets = document.querySelectorAll('a[href], button, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea, label:has(input[type=checkbox]), label:has(input[type=radio]), .checks li');
    for (const el of targets) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (el.closest('.skip-link')) continue;
      // Links inside running text are exempt (WCAG 2.5.5 inline exception).
      if (el.tagName === 'A' && el.closest('p, li, td') && !el.classList.contains('button') && getComputedStyle(el).display === 'inline') continue;
      if (r.height < 44 || r.width < 44) tooSmall.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} ${Math.round(r.width)}×${Math.round(r.height)} "${(el.innerText || el.value || '').slice(0, 30)}"`);
    }
    return tooSmall;
  });
  assert.deepEqual(small, [], `${label}: targets smaller than 44×44 px`);
}

/** Signs in with the keyboard alone: Tab to each field, type, Enter. */
export async function keyboardSignIn(page, login) {
  await page.context().clearCookies();
  await page.goto(`${BASE}/login`);
  await tabTo(page, '#login');
  await page.keyboard.type(login);
  await tabTo(page, '#password');
  await page.keyboard.type(PASSWORD);
  await Promise.all([page.waitForURL(AFTER_PASSWORD), page.keyboard.press('Enter')]);
  await secondFactor(page, login, true);
}

/** Tabs to a link or button and presses Enter, waiting for the page it leads to. */
export async function keyboardFollow(page, selector, url, limit = 150) {
  await tabTo(page, selector, limit);
  // A form may post back to the address already shown: wait for a new document, not a new URL.
  await page.evaluate(() => { window.mnirPreviousPage = true; });
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.mnirPreviousPage !== true);
  await page.waitForURL(url);
}

/** Tabs to a select and moves through its options with the arrow keys until `value` is chosen. */
export async function keyboardChoose(page, selector, value, limit = 150) {
  await tabTo(page, selector, limit);
  await page.keyboard.press('Home');
  const count = await page.locator(`${selector} option`).count();
  for (let i = 0; i < count && (await page.inputValue(selector)) !== value; i += 1) {
    await page.keyboard.press('ArrowDown');
  }
  assert.equal(await page.inputValue(selector), value, `the keyboard chose ${value} in ${selector}`);
}

/** Replaces the text of the focused field, as a user selecting all and typing would. */
export async function keyboardReplace(page, selector, text) {
  await tabTo(page, selector);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

/** The text of a PDF as pdftotext (Debian's poppler-utils, which the test command installs) reads it. */
export async function textOfPdf(bytes) {
  const { execFileSync } = await import('node:child_process');
  const os = await import('node:os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnir-pdf-'));
  const file = path.join(dir, 'document.pdf');
  fs.writeFileSync(file, bytes);
  try {
    return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
