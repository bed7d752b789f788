// The console's first page (资金执行) in headless Chromium, from navigation to its report table
// drawn: `node bench/console_page.mjs ORIGIN [LOADS]` prints one table row (median and slowest of
// LOADS fresh tabs, default 7). The server is a loopback single user (no callers configured), so
// no sign-in is needed. bench/console.sh runs it against its 10,000 funds.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const [origin, loadsArg] = process.argv.slice(2);
const loads = Number(loadsArg ?? 7);
const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), "..", "web", "package.json"));
const puppeteer = require("puppeteer-core");
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  const times = [];
  for (let i = 0; i < loads; i++) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1440, height: 1000 });
    const t0 = Date.now();
    await page.goto(`${origin}/#funds`);
    await page.waitForSelector("#f-report[data-loaded] table", { timeout: 30000 });
    times.push(Date.now() - t0);
    await page.close();
  }
  times.sort((a, b) => a - b);
  console.log(`| 资金执行: the first page interactive in Chromium (fresh tab, ${loads} loads) | ` +
              `${times[Math.floor(times.length / 2)]} / ${times[times.length - 1]} | — | — |`);
} finally {
  await browser.close();
}
