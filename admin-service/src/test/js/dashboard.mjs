// The dashboard in Debian's headless Chromium (driven by DashboardBrowserTest): first login and password change, every
// tab, a price edit priced on the next request, a revoke refused on the next request, a withdrawal token, logs followed
// from a session's request, session expiry and logout, the 390 px layout; screenshots of every tab at both widths.
// Prints one JSON line of what it saw; the JUnit test checks the money side.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const E = process.env;
const BASE = E.BASE_URL;
const SHOTS = E.SHOTS;
const TABS = ['overview', 'sessions', 'models', 'settings', 'withdraw', 'logs'];
mkdirSync(SHOTS, { recursive: true });
const out = { steps: [] };
const step = s => { out.steps.push(s); console.error('dashboard: ' + s); };

function check(ok, message) {
  if (!ok) throw new Error(message);
}

const browser = await chromium.launch({ executablePath: E.CHROMIUM || '/usr/bin/chromium', headless: true,
                                        args: ['--no-sandbox', '--disable-gpu'] });
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
const page = await context.newPage();
const consoleErrors = [];
page.on('pageerror', e => consoleErrors.push(String(e)));
page.on('console', m => { if (m.type() === 'error' && !/status of 40[0-9]/.test(m.text())) consoleErrors.push(m.text()); });
page.setDefaultTimeout(15000);
// layout shift (Chromium's layout-shift entries): how much visible content jumps while a tab loads
await page.addInitScript(() => {
  window.__cls = 0;
  window.__shifts = [];
  const name = n => !n ? '?' : n.nodeType !== 1 ? n.nodeName : n.tagName.toLowerCase() + (n.id ? '#' + n.id : '')
    + (n.className && typeof n.className === 'string' ? '.' + n.className.trim().split(/\s+/).join('.') : '');
  const rect = r => [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)].join(',');
  new PerformanceObserver(list => {
    // every shift counts, also those right after a click (the tab loads start with one)
    for (const e of list.getEntries()) {
      window.__cls += e.value;
      // what moved, for the failure message: the node, its rectangle before and after
      window.__shifts.push(e.value.toFixed(3) + ' ' + (e.sources || []).map(x => name(x.node) + ' ' + rect(x.previousRect) + ' -> '
        + rect(x.currentRect)).join('; '));
    }
  }).observe({ type: 'layout-shift', buffered: true });
});

async function chat(key) {
  return page.evaluate(async k => {
    const r = await fetch('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + k },
      body: JSON.stringify({ model: 'standin-gpt', messages: [{ role: 'user', content: 'price check from the dashboard test' }] }) });
    const body = await r.json().catch(() => ({}));
    return { status: r.status, cost: Number(r.headers.get('x-routstr-cost-msats')), usage: body.usage || null };
  }, key);
}

async function tab(name) {
  await page.locator(`nav.tabs a[data-tab=${name}]`).click();
  await page.locator(`section.tab[data-tab=${name}]`).waitFor();
}

/** Starts the layout-shift count (and the list of what moved) again. */
async function resetShifts() {
  await page.evaluate(() => { window.__cls = 0; window.__shifts = []; });
}

async function settled() {
  await page.waitForFunction(() => document.querySelectorAll('tr.skeleton, .loading').length === 0, null, { timeout: 15000 });
}

async function shot(name) {
  await settled();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

try {
  // 1. first login: the one-time password only allows choosing a new one (keyboard only: type and Enter)
  await page.goto(BASE + '/admin/');
  await page.getByLabel('Password').fill(E.OTP);
  await page.screenshot({ path: `${SHOTS}/login-1440.png` });
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
  await page.screenshot({ path: `${SHOTS}/password-change-1440.png` });
  await page.getByLabel('New password').fill('short');
  await page.getByLabel('Repeat it').fill('short');
  await page.keyboard.press('Enter');
  await page.locator('.field.invalid .field-error').filter({ hasText: /./ }).waitFor();
  out.shortPasswordError = await page.locator('.field.invalid .field-error').innerText();
  await page.getByLabel('New password').fill(E.NEW_PASSWORD);
  await page.getByLabel('Repeat it').fill(E.NEW_PASSWORD);
  await page.keyboard.press('Enter');
  await page.locator('nav.tabs').waitFor();
  // the welcome message goes away on its own a few seconds later, without moving the page under it
  out.welcome = await page.locator('.banner').innerText();
  await settled();
  await page.screenshot({ path: `${SHOTS}/welcome-1440.png` });
  await resetShifts();
  await page.waitForFunction(() => document.querySelector('.banner')?.textContent === '', null, { timeout: 10000 });
  await page.waitForTimeout(200);
  out.clsBannerGone = await page.evaluate(() => window.__cls);
  out.shiftsBannerGone = await page.evaluate(() => window.__shifts);
  step('logged in with a new password');

  // 2. Settings: add the mint, the live price example
  await tab('settings');
  const mints = page.locator('form[data-group="Cashu Mints"]');
  // the node starts with its configured mint: remove it, save, add it back, save
  await mints.getByRole('button', { name: 'Remove ' + E.MINT_URL }).click();
  await mints.getByRole('button', { name: 'Save' }).click();
  await mints.locator('.flash.ok').waitFor();
  out.mintsAfterRemove = await page.evaluate(async () => (await (await fetch('/admin/api/settings')).json()).mints);
  await mints.getByLabel('Mint URL to add').fill(E.MINT_URL);
  await mints.getByRole('button', { name: 'Add mint' }).click();
  await mints.getByRole('button', { name: 'Save' }).click();
  await page.waitForFunction(async () => (await (await fetch('/admin/api/settings')).json()).mints.length === 1);
  await mints.getByRole('button', { name: 'Test' }).click();
  await mints.locator('.row-msg.good').waitFor();
  out.mintTest = await mints.locator('.row-msg').first().innerText();
  const pricing = page.locator('form[data-group="Pricing"]');
  out.priceExample = await pricing.locator('.example').innerText();
  await pricing.getByLabel('Upstream fee').fill('1.2');
  out.priceExampleEdited = await pricing.locator('.example').innerText();
  await pricing.getByLabel('Upstream fee').fill('1.10');
  const identity = page.locator('form[data-group="Node Identity"]');
  await identity.getByLabel('Npub').fill('npub1bad');
  await identity.getByRole('button', { name: 'Save' }).click();
  await identity.locator('.field.invalid .field-error').filter({ hasText: /./ }).waitFor();
  out.npubError = await identity.locator('.field.invalid .field-error').innerText();
  await identity.getByLabel('Npub').fill('');
  step('settings: mint added and tested, price example, field error in place');

  // 3. Overview with the node's real figures
  await tab('overview');
  await settled();
  out.figures = await page.locator('.figure .exact').allInnerTexts();
  out.mintCards = await page.locator('.mint .badge').allInnerTexts();
  out.topModels = await page.locator('table tbody tr td:first-child').allInnerTexts();
  out.chartBars = await page.locator('svg.chart rect.col').count();
  await page.getByRole('button', { name: '7 days' }).click();
  await page.waitForFunction(() => document.querySelectorAll('svg.chart')[0]?.querySelectorAll('rect.col').length === 7);
  await page.getByRole('button', { name: '24 hours' }).click();
  await page.waitForFunction(() => document.querySelectorAll('svg.chart')[0]?.querySelectorAll('rect.col').length === 24);
  step('overview');

  // 4. Models: edit the price; the next request is priced with it
  await tab('models');
  const row = page.locator('tr[data-model="standin-gpt"]');
  await row.getByLabel('Input price of standin-gpt').fill(E.NEW_IN);
  await row.getByLabel('Output price of standin-gpt').fill(E.NEW_OUT);
  await row.getByRole('button', { name: 'Save' }).click();
  await page.locator('tr[data-model="standin-gpt"] .row-msg').filter({ hasText: 'saved' }).waitFor();
  out.customBadge = await page.locator('tr[data-model="standin-gpt"] .badge').innerText();
  await page.getByRole('button', { name: 'Import from upstream' }).click();
  await page.locator('.import .flash.ok').waitFor();
  out.importMessage = await page.locator('.import .flash.ok').innerText();
  await page.waitForFunction(() => document.querySelectorAll('table.models tbody tr[data-model]').length > 1);
  let priced = await chat(E.KEY_A);
  for (const t0 = Date.now(); priced.cost === Number(E.OLD_COST) && Date.now() - t0 < 15000;) {
    await page.waitForTimeout(200);
    priced = await chat(E.KEY_A);
  }
  out.priced = priced;
  await page.locator('tr[data-provider="standin"] button', { hasText: 'Test connection' }).click();
  await page.locator('tr[data-provider="standin"] .row-msg.good').waitFor();
  step('models: price edited, provider tested');

  // 5. Sessions: sort, search, revoke with confirm; the key's next request is refused
  await tab('sessions');
  await settled();
  await page.getByRole('button', { name: /^Balance/ }).click();
  await page.waitForFunction(() => document.querySelector('th[aria-sort=descending]')?.innerText.startsWith('Balance'));
  out.sessionRows = await page.locator('table.sessions tbody tr').count();
  await page.getByLabel('Search by key hash').fill(E.HASH_B.slice(0, 14));
  await page.locator(`tr[data-hash="${E.HASH_B}"]`).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('table.sessions tbody tr').length === 1);
  await page.locator(`tr[data-hash="${E.HASH_B}"]`).getByRole('button', { name: 'Revoke' }).click();
  await page.locator('dialog.confirm').getByRole('button', { name: 'Revoke key' }).click();
  await page.locator('.flash.ok').filter({ hasText: 'Revoked' }).waitFor();
  out.revokeMessage = await page.locator('.flash.ok').innerText();
  let refused = await chat(E.KEY_B);
  for (const t0 = Date.now(); refused.status === 200 && Date.now() - t0 < 10000;) {
    await page.waitForTimeout(200);
    refused = await chat(E.KEY_B);
  }
  out.revokedStatus = refused.status;
  step('sessions: revoked');

  // 6. the details drawer of key A and the request id followed into Logs
  await page.getByLabel('Search by key hash').fill(E.HASH_A.slice(0, 14));
  await page.waitForFunction(h => document.querySelectorAll('table.sessions tbody tr').length === 1
    && document.querySelector('table.sessions tbody tr').dataset.hash === h, E.HASH_A);
  await page.locator(`tr[data-hash="${E.HASH_A}"]`).getByRole('button', { name: 'Details' }).click();
  await page.locator('.drawer table.recent').waitFor();
  out.recentRequests = await page.locator('.drawer table.recent tbody tr').count();
  await page.screenshot({ path: `${SHOTS}/sessions-drawer-1440.png` });
  await page.keyboard.press('Escape');
  check(await page.locator('.drawer').isHidden(), 'Escape closes the drawer');
  await page.locator(`tr[data-hash="${E.HASH_A}"]`).getByRole('button', { name: 'Details' }).click();
  await page.locator(`.drawer a.reqid[href*="${E.REQ_ID}"]`).click();
  await page.locator('section.tab[data-tab=logs]').waitFor();
  out.logsRequestIdField = await page.getByLabel('Request id').inputValue();
  await page.locator('table.logs tbody tr td.msg').filter({ hasText: E.REQ_ID }).waitFor();
  out.logsForRequest = await page.locator('table.logs tbody tr').count();
  // filter: only errors hides the warning; warnings bring it back; a search narrows
  for (const l of ['warning', 'info']) await page.locator(`fieldset.levels input[value=${l}]`).uncheck();
  await page.locator('table.logs tbody td.muted').filter({ hasText: 'No log records match' }).waitFor();
  await page.locator('fieldset.levels input[value=warning]').check();
  await page.locator('table.logs tbody tr td.msg').filter({ hasText: E.REQ_ID }).waitFor();
  await page.getByLabel('Request id').fill('');
  await page.getByLabel('Search messages').fill('settings reloaded');
  for (const l of ['info']) await page.locator(`fieldset.levels input[value=${l}]`).check();
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.locator('table.logs tbody tr td.msg').filter({ hasText: 'settings reloaded' }).first().waitFor();
  out.searchRows = await page.locator('table.logs tbody tr').count();
  await page.getByLabel('Search messages').fill('');
  await page.getByRole('button', { name: 'Apply' }).click();
  step('logs: followed a request id, filtered');

  // 7. Withdraw a token (copy button, QR code); the history lists it
  await tab('withdraw');
  await settled();
  await page.getByLabel('Mint').selectOption(E.MINT_URL);
  await page.getByLabel('Amount (sats)').first().fill(E.WITHDRAW_SATS);
  await page.getByRole('button', { name: 'Generate token' }).click();
  await page.locator('dialog.confirm').getByRole('button', { name: 'Create token' }).click();
  await page.locator('textarea.token').waitFor();
  out.token = await page.locator('textarea.token').inputValue();
  await page.locator('.qr canvas, .qr img').first().waitFor({ state: 'attached' });
  out.qr = await page.locator('.qr canvas').evaluate(c => ({ width: c.width, height: c.height })).catch(() => null);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
  await page.getByRole('button', { name: 'Copy token' }).click();
  await page.locator('.token-result .row-msg').filter({ hasText: 'Copied' }).waitFor();
  out.copied = await page.evaluate(() => navigator.clipboard.readText()).catch(e => 'clipboard: ' + e.message);
  await page.locator('table.history tbody tr td .badge').filter({ hasText: 'issued' }).first().waitFor();
  out.lightningDisabled = await page.locator('form.lightning button[type=submit]').isDisabled();
  out.lightningNote = await page.locator('form.lightning .notice, form.lightning p.muted').first().innerText();
  out.lightningRoute = await page.evaluate(async () => (await fetch('/admin/api/withdraw/lightning')).status);
  await page.screenshot({ path: `${SHOTS}/withdraw-token-1440.png`, fullPage: true });
  // fields side by side in a row: each pair of controls starts at the same height and is as tall as its neighbour
  out.fieldPairs = await page.evaluate(() => [['w-mint', 'w-amount'], ['w-ln', 'w-ln-amt']].map(([a, b]) => {
    const [x, y] = [a, b].map(id => document.getElementById(id).getBoundingClientRect());
    return { pair: a + '/' + b, top: Math.abs(x.top - y.top), height: Math.abs(x.height - y.height), heights: [x.height, y.height] };
  }));
  step('withdraw: token');

  // 7b. pay an invoice over Lightning from the Withdraw tab (a melt of the owner's eCash)
  await page.getByLabel('Lightning address or invoice').fill(E.LN_INVOICE);
  await page.locator('form.lightning button[type=submit]').click();
  await page.locator('dialog.confirm').getByRole('button', { name: 'Pay' }).click();
  await page.locator('form.lightning .form-status').filter({ hasText: /Paid|Payment|error|failed/i }).waitFor();
  out.lnPaid = await page.locator('form.lightning .form-status').innerText();
  out.lnPaidLooksDone = await page.locator('form.lightning .form-status .notice.done').count();
  await page.locator('table.history tbody tr').filter({ hasText: 'lnbc' }).first().waitFor().catch(() => {});
  out.lnHistory = await page.locator('table.history tbody tr').filter({ hasText: 'lnbc' }).first().innerText().catch(e => 'none: ' + e.message);
  out.overflow = { 'withdraw-lightning-1440': await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth) };
  await page.screenshot({ path: `${SHOTS}/withdraw-lightning-1440.png`, fullPage: true });
  step('withdraw: lightning');

  // 8. every tab at 1440 px and at 390 px (no horizontal overflow at 390). The Sessions search of step 5 is cleared
  // first: the list growing back from the one match to every key is the test's own doing, not a shift while loading.
  await tab('sessions');
  await page.getByLabel('Search by key hash').fill('');
  await page.waitForFunction(() => document.querySelectorAll('table.sessions tbody tr').length > 1);
  for (const [w, hgt] of [[1440, 900], [390, 844]]) {
    await page.setViewportSize({ width: w, height: hgt });
    await page.waitForTimeout(500);   // the resize's own reflow is not a tab's layout shift
    out.cls = out.cls || {};
    out.shifts = out.shifts || {};
    for (const t of TABS) {
      await resetShifts();
      await tab(t);
      if (t === 'sessions') await page.getByLabel('Search by key hash').fill('');
      if (t === 'sessions') await page.waitForFunction(() => document.querySelectorAll('table.sessions tbody tr').length > 1);
      // read before the screenshot: a full-page screenshot lays the page out again at another size for a moment, which
      // Chromium reports as layout shifts of the whole page (0.47 on settings-390 once; likely CI's 0.95 on settings-1440)
      await settled();
      out.cls[`${t}-${w}`] = await page.evaluate(() => window.__cls);
      out.shifts[`${t}-${w}`] = await page.evaluate(() => window.__shifts);
      await shot(`${t}-${w}`);
      out.overflow[`${t}-${w}`] = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    }
  }
  // the same at 1440 px with every admin API answer 400 ms late (a busy node): the loading placeholders are painted
  // first, and what replaces them must not move what is already on screen (a scrollbar coming back shifts it all)
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.waitForTimeout(500);
  await page.route('**/admin/api/**', async route => {
    await new Promise(r => setTimeout(r, 400));
    await route.continue();
  });
  out.clsSlow = {};
  for (const t of TABS) {
    await resetShifts();
    await tab(t);
    await settled();
    out.clsSlow[t] = await page.evaluate(() => window.__cls);
  }
  await page.unroute('**/admin/api/**');
  // the measure itself: content pushed down by an element inserted above it is a layout shift
  out.clsProbe = await page.evaluate(async () => {
    window.__cls = 0;
    const main = document.getElementById('main');
    const pad = document.createElement('div');
    pad.style.height = '300px';
    main.prepend(pad);
    await new Promise(r => setTimeout(r, 500));
    pad.remove();
    return window.__cls;
  });
  step('screenshots');

  // 9. session expiry: the cookie goes away; the next call lands on the login screen with a message
  await context.clearCookies();
  await tab('sessions').catch(() => {});
  await page.locator('form.auth .notice').waitFor();
  out.expiredMessage = await page.locator('form.auth .notice').innerText();
  await page.screenshot({ path: `${SHOTS}/login-390.png` });
  await page.getByLabel('Password').fill('wrong password here');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('form.auth .error').waitFor();
  out.wrongPassword = await page.locator('form.auth .error').innerText();
  await page.getByLabel('Password').fill(E.NEW_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('nav.tabs').waitFor();
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.locator('form.auth .notice').waitFor();
  out.logoutMessage = await page.locator('form.auth .notice').innerText();
  out.afterLogout = await page.evaluate(async () => (await fetch('/admin/api/overview')).status);
  step('expiry and logout');
  out.consoleErrors = consoleErrors;
  console.log(JSON.stringify(out));
} catch (e) {
  await page.screenshot({ path: `${SHOTS}/failure.png`, fullPage: true }).catch(() => {});
  console.error('dashboard failed after steps ' + JSON.stringify(out.steps) + ': ' + e.stack);
  console.error('console errors: ' + JSON.stringify(consoleErrors));
  process.exitCode = 1;
} finally {
  await browser.close();
}
