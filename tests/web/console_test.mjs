// The console in a real Chromium (Debian's, driven by puppeteer-core; nothing downloads a browser)
// against a real server seeded with the Fengtai, Changzhou and Yichang scenarios: every page as
// each role, figures read from the DOM, the charts drawn, a school kept to its own school, a CSV
// upload that creates a claim, no console errors, a screenshot of each page.
// Usage: node console_test.mjs BUILD_DIR SOURCE_DIR
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { startServer } from "./server.mjs";

const [build, source] = process.argv.slice(2);
const require = createRequire(join(source, "web", "package.json"));
const puppeteer = require("puppeteer-core");
const bin = (name) => join(build, "bin", name);
const dir = mkdtempSync(join(tmpdir(), "console-test-"));
const shots = join(build, "screenshots");
execFileSync("mkdir", ["-p", shots]);

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}

const started = await startServer(build, dir, [
  ["seed", "admin,finance,portal"], ["finance-1", "finance"], ["school-1", "school", ["--schools=110106-FT001"]],
  ["bank-1", "bank", ["--banks=TBS-BANK"]], ["auditor-1", "auditor"]]);
const { origin, tokens } = started;
let browser;
try {
  execFileSync(bin("console-seed"), [`--target=${started.grpc}`, `--token=${tokens.seed}`], { stdio: "inherit" });

  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const problems = [];
  async function open(who, hash) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    page.on("console", (m) => { if (m.type() === "error") problems.push(`${who} ${hash}: ${m.text()}`); });
    page.on("pageerror", (e) => problems.push(`${who} ${hash}: ${e.message}`));
    // Signed in before the console loads: the token in this origin's sessionStorage.
    await page.goto(`${origin}/healthz`);
    await page.evaluate((t) => sessionStorage.setItem("subsidy.token", t), tokens[who]);
    const t0 = Date.now();
    await page.goto(`${origin}/#${hash}`);
    return { page, t0 };
  }
  const text = (page, sel) => page.$eval(sel, (el) => el.textContent);
  // A file the page downloads, into `downloads`; waits (bounded) until it is written whole.
  const downloads = join(dir, "downloads");
  async function downloaded(page, click, name) {
    const cdp = await page.createCDPSession();
    await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: downloads, eventsEnabled: true });
    const done = new Promise((resolve) => cdp.on("Browser.downloadProgress", (e) => { if (e.state === "completed") resolve(); }));
    await page.click(click);
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`no download of ${name}`)), 15000))]);
    const path = join(downloads, name);
    return existsSync(path) ? readFileSync(path, "utf8") : "";
  }
  const nav = (page) => page.$$eval("#nav a", (as) => as.map((a) => a.id.replace("nav-", "")).join(","));
  const waitText = (page, sel, s) => page.waitForFunction((q, want) => document.querySelector(q)?.textContent.includes(want), { timeout: 10000 }, sel, s);
  async function setValue(page, sel, value) {
    await page.$eval(sel, (el, v) => { el.value = v; }, value);
  }

  // 资金执行 as finance: the first page, then Fengtai as of 2021-06-30 and Changzhou as of 2021-05-31.
  {
    const { page, t0 } = await open("finance-1", "funds");
    await page.waitForSelector("#f-report[data-loaded] table");
    check(await nav(page) === "funds,school,rewards,loans", `finance reads every page (${await nav(page)})`);
    const interactive = Date.now() - t0;
    console.log(`first page interactive: ${interactive} ms`);
    check(interactive <= 1500, `the first page is interactive in ${interactive} ms (≤ 1500)`);
    await setValue(page, "#f-asof", "2021-06-30");
    await setValue(page, "#f-region", "110106");
    await page.click("#f-apply");
    await waitText(page, "#f-report", "FT-2021-CENTRAL");
    const fengtai = await page.$eval('#f-report tr[data-fund="FT-2021-CENTRAL"]', (tr) => tr.textContent);
    check(fengtai.includes("85.80%"), `Fengtai's central direct fund is 85.80% executed as of 2021-06-30 (${fengtai})`);
    const canvas = await page.$eval("#f-chart canvas", (c) => ({ w: c.width, h: c.height }));
    check(canvas.w > 0 && canvas.h > 0, "the execution chart renders");
    await page.screenshot({ path: join(shots, "funds-fengtai.png"), fullPage: true });
    await setValue(page, "#f-asof", "2021-05-31");
    await setValue(page, "#f-region", "3204");
    await page.click("#f-apply");
    await waitText(page, "#f-report", "CZ-2021-A");
    const total = await page.$eval("#f-report tr.total", (tr) => tr.textContent);
    check(total.includes("47.60%") && total.includes("92.80%"), `Changzhou's totals row: 92.80% allocated, 47.60% executed (${total})`);
    const headline = await text(page, "#f-headline");
    check(headline.includes("预算合计 615,000.00 万元") && headline.includes("已支付 292,740.00 万元"), `the headline in 万元 (${headline})`);
    await waitText(page, "#f-alerts", "");
    await page.screenshot({ path: join(shots, "funds-changzhou.png"), fullPage: true });
    const csv = await downloaded(page, "#f-export", "fund-execution-2021-05-31.csv");
    check(csv.includes("CZ-2021-A,") && /TOTAL,.*,92\.80,47\.60,41\.37,AHEAD/.test(csv),
      `the CSV export has every fund and the totals (${csv.split("\n").length - 1} lines)`);
    // English.
    await page.click("#lang");
    await waitText(page, "#nav-funds", "Funds");
    check((await text(page, "h2")).includes("Fund execution"), "the English toggle");
    await page.click("#lang");
    await page.close();
  }

  // 学校经费 as the school's own caller; another school is refused.
  {
    const { page } = await open("school-1", "school");
    await page.waitForSelector("#s-progress");
    check(await nav(page) === "school", `a school reads only its school page (${await nav(page)})`);
    check(await page.$eval("#s-school", (i) => i.value) === "110106-FT001", "the school page opens on the caller's own school");
    const progress = await text(page, "#s-progress");
    check(/^\d+\.\d\d%$/.test(progress), `school 110106-FT001 reads its spending progress (${progress})`);
    const order = await text(page, "#s-order");
    check(order.indexOf("中央直达") >= 0 && order.indexOf("中央直达") < order.indexOf("市级"), "the spending order puts central direct funds first");
    await page.waitForSelector("#s-ledger table");
    check((await page.$$("#s-ledger tbody tr")).length > 0, "the school's ledger lists its entries");
    check(await page.$eval("#s-chart canvas", (c) => c.width > 0), "the balances chart renders");
    await page.screenshot({ path: join(shots, "school.png"), fullPage: true });
    const before = problems.length;
    await setValue(page, "#s-school", "110106-FT002");
    await page.click("#s-apply");
    await page.waitForSelector("#s-summary .error");
    // The refusal itself is the browser's only complaint here.
    const refused = problems.splice(before);
    check(refused.every((p) => p.includes("403")), `only the refusal (403) is reported (${refused.join(" | ")})`);
    check((await text(page, "#s-summary .error")).includes("无权"), "a school token cannot see another school");
    await page.close();
  }

  // 免申即享兑现 as finance: Yichang's payouts, the disbursement run.
  {
    const { page } = await open("finance-1", "rewards");
    await page.waitForSelector("#r-list table");
    const list = await text(page, "#r-list");
    check(list.includes("宜昌某公司"), "Yichang's payouts are listed");
    await setValue(page, "#r-run-date", "2024-05-22");
    await page.click("#r-run-apply");
    await waitText(page, "#r-run", "宜昌某公司");
    const file = await downloaded(page, "#r-payment-file", "payments-2024-05-22.csv");
    check(file.startsWith("voucher_no,payee_uscc") && file.includes("91420500000012345B"),
      `the run's payment file (${file.split("\n").length - 2} payments)`);
    await page.screenshot({ path: join(shots, "rewards.png"), fullPage: true });
    await page.close();
  }

  // 贷款贴息 as the bank: upload the Tiaobingshan file, see the claim; finance sees it to review.
  {
    const { page } = await open("bank-1", "loans");
    await page.waitForSelector("#u-file");
    check(await nav(page) === "loans", `a bank reads only the loans page (${await nav(page)})`);
    await setValue(page, "#u-bank", "TBS-BANK");
    await setValue(page, "#u-start", "2024-06-21");
    await setValue(page, "#u-end", "2024-09-20");
    const input = await page.$("#u-file");
    await input.uploadFile(join(source, "examples", "tiaobingshan-2024q3-claim.csv"));
    await page.click("#u-submit");
    await page.waitForSelector("#u-claim, #u-result .error", { timeout: 20000 });
    const result = await text(page, "#u-result");
    check(result.includes("已创建申报"), `a CSV upload creates a claim (${result})`);
    check(await page.$eval("#u-progress", (p) => p.value === 1), "the upload's progress bar is full");
    await page.waitForSelector("#l-claims tr[data-claim]");
    const claim = await text(page, "#l-claims tr[data-claim]");
    check(claim.includes("115,680.05") && claim.includes("22,610,000.00"),
      `the claim's totals are subsidyctl's to the 分: 115,680.05 元 on 22,610,000.00 元 (${claim})`);
    await page.click("#l-claims tr[data-claim] a");
    await page.waitForSelector("#l-lines table");
    check((await page.$$("#l-lines tbody tr")).length > 0, "the claim's lines are listed");
    check((await page.$$("#l-claims button.approve")).length === 0, "a bank is offered no approval");
    await page.screenshot({ path: join(shots, "loans.png"), fullPage: true });
    await page.close();
    // The auditor reads every page and changes nothing.
    const audit = await open("auditor-1", "loans");
    await audit.page.waitForSelector("#l-claims tr[data-claim]");
    check(await nav(audit.page) === "funds,school,rewards,loans", `the auditor reads every page (${await nav(audit.page)})`);
    check((await audit.page.$$("#l-claims button.approve, #l-claims button.reject")).length === 0 && await audit.page.$("#u-file") === null,
      "the auditor is offered no approval of the submitted claim and no upload");
    await audit.page.close();
    const review = await open("finance-1", "loans");
    await review.page.waitForSelector("#l-claims tr[data-claim] button.approve");
    check(await review.page.$("#u-file") === null, "finance, which files no claims, is offered no upload");
    await setValue(review.page, "#l-pay-date", "2024-09-23");
    await review.page.click("#l-claims tr[data-claim] button.approve");
    await waitText(review.page, "#l-claims", "已拨付");
    check(true, "finance approves the claim: it is paid");
    await review.page.screenshot({ path: join(shots, "loans-approved.png"), fullPage: true });
    await review.page.close();
  }

  check(problems.length === 0, `no console errors${problems.length ? ": " + problems.join(" | ") : ""}`);
  // The security headers of the console.
  const res = await fetch(`${origin}/`);
  check((res.headers.get("content-security-policy") ?? "").includes("default-src 'self'"), "Content-Security-Policy default-src 'self'");
  check(!res.headers.get("set-cookie"), "no cookies");
  const html = await res.text();
  check(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), "no inline script");
} catch (err) {
  console.log(`FAIL ${err.stack ?? err}`);
  failures++;
} finally {
  if (browser) await browser.close();
  started.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(failures ? `${failures} failed` : "all passed");
process.exit(failures ? 1 : 0);
