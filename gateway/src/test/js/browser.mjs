// Headless Chromium (Debian's, via playwright-core) on PAGE_URL, a different origin from GATEWAY_URL: the page pays a chat
// request with X-Cashu and reads the change and cost headers CORS exposes (driven by BrowserAndRawTest).
import { chromium } from 'playwright-core';

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
                                        args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  await page.goto(process.env.PAGE_URL);
  const seen = await page.evaluate(async ({ gateway, token }) => {
    const r = await fetch(`${gateway}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cashu': token },
      body: JSON.stringify({ model: 'standin-gpt', messages: [{ role: 'user', content: 'browser' }] }),
    });
    await r.json();
    return { status: r.status, xCashu: r.headers.get('x-cashu'), cost: r.headers.get('x-routstr-cost-msats'),
             requestId: r.headers.get('x-routstr-request-id'), origin: location.origin };
  }, { gateway: process.env.GATEWAY_URL, token: process.env.TOKEN });
  console.log(JSON.stringify(seen));
} finally {
  await browser.close();
}
