// The console in a real Chromium (Debian's, driven by puppeteer-core; nothing downloads a browser)
// against a real server seeded with the Fengtai, Changzhou and Yichang scenarios: every page as
// each role, figures read from the DOM, the charts drawn, a school kept to its own school, a CSV
// upload that creates a claim, dual control (双人复核: a finance maker's allocation pending beside
// the 资金执行 figures, approved by a second finance officer through the 审批 page with its
// confirmation, the figures and the fund's ledger after; a rejection with its reason; a claim's
// approval reviewed the same way), no console errors, a screenshot of each page. The clerk's day
// (issue 24): 万元 to two decimals with the exact 元 in the tooltip; a chart legend whose swatches
// are the bars' colours; every page in Chinese (no English server text, no raw code) and laid out
// at 1024 and 1440 px; a confirmation before each money action that a cancel leaves unanswered; the
// same claim file uploaded twice is the first claim, said so; a school records and reverses an
// expenditure, its ledger's running balance the sum of its lines. 支付对账: fund payments with a
// payee make a batch; the bank's return file (GB18030) uploaded on the page; the page's
// reconciliation is `subsidyctl payments reconcile --csv`'s; a failed line's return waits for a
// second officer (待复核). 预警处置 (issue 26): today's alerts swept into cases, their counts by
// severity and state the server's; an inquiry sent from today's alerts, answered by the school on its
// own page, ruled a violation and rectified; the auditor reads the cases and the timeline and is
// offered no form; 绩效目标 entered on the 资金执行 page close the case of their missing.
// Usage: node console_test.mjs BUILD_DIR SOURCE_DIR
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { startServer } from "./server.mjs";

const [build, source] = process.argv.slice(2);
// What the test needs, or a failure saying what is missing and how to install it (never a pass).
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.log(`FAIL no Chromium at ${chromium}: install what the tests need with scripts/install-deps.sh --test`);
  process.exit(1);
}
const require = createRequire(join(source, "web", "package.json"));
let puppeteer;
try {
  puppeteer = require("puppeteer-core");
} catch (err) {
  console.log(`FAIL puppeteer-core is not in web/node_modules (${err.message}): install what the tests need with scripts/install-deps.sh --test`);
  process.exit(1);
}
const bin = (name) => join(build, "bin", name);
const dir = mkdtempSync(join(tmpdir(), "console-test-"));
const shots = join(build, "screenshots");
execFileSync("mkdir", ["-p", shots]);

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}

// The scenarios are seeded as the loopback single user (no callers configured: no dual control, every
// movement posts at once); the same ledger is then served with callers, two of them finance officers
// (a maker and a checker).
const seeding = await startServer(build, dir, []);
try {
  execFileSync(bin("console-seed"), [`--target=${seeding.grpc}`], { stdio: "inherit" });
} finally {
  await seeding.stop();
}
const started = await startServer(build, dir, [
  ["finance-1", "finance"], ["finance-2", "finance"], ["school-1", "school", ["--schools=110106-FT001"]],
  ["bank-1", "bank", ["--banks=TBS-BANK"]], ["auditor-1", "auditor"]]);
const { origin, tokens } = started;
let browser;
try {
  // A call as `who` over Connect's JSON (what a maker's own system would send).
  async function call(who, method, body) {
    const res = await fetch(`${origin}/subsidy.v1.${method}`, {
      method: "POST", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "Connect-Protocol-Version": "1", Authorization: `Bearer ${tokens[who]}` },
    });
    const answer = await res.json();
    return res.ok ? answer : { error: answer };
  }

  browser = await puppeteer.launch({
    executablePath: chromium, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const problems = [];
  // The Accept-Language of every call the console makes (the browser itself is left in its own
  // language: the header is the console's).
  const languages = [];
  async function open(who, hash) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1440, height: 1000 });
    page.on("console", (m) => { if (m.type() === "error") problems.push(`${who} ${hash}: ${m.text()}`); });
    page.on("request", (r) => { if (r.method() === "POST" && r.url().includes("/subsidy.v1.")) languages.push(r.headers()["accept-language"] ?? "(none)"); });
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
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  // Whether a condition comes to hold in the page (bounded): a boolean for a check to judge, so that
  // the check says what was expected and the rest of the test still runs.
  async function eventually(page, fn, ...args) {
    try {
      await page.waitForFunction(fn, { timeout: 10000 }, ...args);
      return true;
    } catch {
      return false;
    }
  }
  // What a chart drew. ECharts paints on a canvas (the page does not expose its instances), so the
  // pixels of its canvas below the legend (the plot starts 40 px down) are counted: every painted
  // pixel, and those of each series colour asked for (RGB within ±6, not faint). A blank canvas, or
  // one without a series' bars, has none of that series' colour.
  // With band "legend": the strip above the plot instead, where the legend is drawn.
  async function chartPixels(page, sel, colours, band = "plot") {
    return page.$$eval(`${sel} canvas`, (canvases, cols, legend) => {
      const want = Object.entries(cols).map(([k, hex]) => [k, ...[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))]);
      const counts = { canvases: canvases.length, painted: 0, ...Object.fromEntries(want.map(([k]) => [k, 0])) };
      for (const c of canvases) {
        if (!c.width || !c.height || !c.clientWidth) continue;
        const top = Math.ceil((38 * c.width) / c.clientWidth);
        if (top >= c.height) continue;
        const px = legend ? c.getContext("2d").getImageData(0, 0, c.width, top).data
          : c.getContext("2d").getImageData(0, top, c.width, c.height - top).data;
        for (let i = 0; i < px.length; i += 4) {
          if (px[i + 3] === 0) continue;
          counts.painted++;
          if (px[i + 3] < 96) continue;
          for (const [k, r, g, b] of want) {
            if (Math.abs(px[i] - r) <= 6 && Math.abs(px[i + 1] - g) <= 6 && Math.abs(px[i + 2] - b) <= 6) counts[k]++;
          }
        }
      }
      return counts;
    }, colours, band === "legend");
  }
  // Waits (bounded: ECharts paints on an animation frame) until the counts satisfy `ok`, the mouse
  // off the chart (no hover emphasis); whether they did and the last counts.
  async function chartDrew(page, sel, colours, ok, band = "plot") {
    await page.bringToFront();
    await page.mouse.move(1, 1);
    const deadline = Date.now() + 10000;
    for (;;) {
      const counts = await chartPixels(page, sel, colours, band);
      if (ok(counts) || Date.now() > deadline) return { drew: ok(counts), counts: JSON.stringify(counts) };
      await sleep(200);
    }
  }
  // The execution chart's colours (web/src/charts.ts, funds.ts).
  const PACE_COLOURS = { AHEAD: "#2e7d32", BEHIND: "#f9a825", LAGGING: "#c62828" };
  const ALLOCATION_COLOUR = "#90a4ae";
  const PENDING_COLOUR = "#ffcc80";
  const PENDING_LABEL_COLOUR = "#e65100";
  // The rows of a table as cell texts.
  const cells = (page, sel) => page.$$eval(sel, (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  async function setValue(page, sel, value) {
    await page.$eval(sel, (el, v) => { el.value = v; }, value);
  }

  // ---- Words a Chinese officer reads, and a layout from 1024 px ----------------------------
  // The ids of the seeded scenarios (funds, recipients, schools, policies), read from their data:
  // an id on a page is not English. Besides them, the few tokens a Chinese page carries as they are.
  const scenarios = readFileSync(join(source, "tests", "golden", "fund_scenarios.textproto"), "utf8");
  const ALLOWED = new Set(["CSV", "PDF", "LPR", "English", ...[...scenarios.matchAll(/\b\w+_id: "([^"]+)"/g)].map((m) => m[1])]);
  // What of a text a Chinese reader would find foreign: every UPPER_SNAKE code, and every ASCII word
  // of three letters or more that is not an id (one with a digit — CL-00000001, FT-2021-CENTRAL,
  // finance-1, dates and amounts — or upper-case words joined by hyphens: TBS-BANK) or allowed.
  function foreign(text) {
    const bad = new Set();
    for (const token of text.match(/[A-Za-z][A-Za-z0-9_-]*/g) ?? []) {
      const w = token.replace(/[-_]+$/, "");
      if (w.includes("_")) bad.add(w);
      else if (!/\d/.test(w) && !/^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/.test(w) && !ALLOWED.has(w) && w.replace(/-/g, "").length >= 3) bad.add(w);
    }
    return [...bad];
  }
  // The page at `width` px: not wider than the window (a table wider than its box scrolls inside
  // it, so no column is cut off), every chart redrawn to its box's width.
  async function layoutAt(page, width) {
    await page.setViewport({ width, height: 1000 });
    const charts = await eventually(page, () => [...document.querySelectorAll(".chart")].every((box) => {
      const canvas = box.querySelector("canvas");
      return !canvas || box.clientWidth === 0 || Math.abs(canvas.clientWidth - box.clientWidth) <= 2;
    }));
    const faults = await page.evaluate(() => {
      const out = [];
      const page = document.documentElement.scrollWidth;
      if (page > window.innerWidth) out.push(`the page is ${page} px wide`);
      for (const t of document.querySelectorAll("main table")) {
        const box = t.closest(".table-wrap");
        if (!box) { out.push("a table outside a scrolling box"); continue; }
        const right = box.getBoundingClientRect().right;
        if (right > window.innerWidth + 1) out.push(`a table's box ends at ${Math.round(right)} px`);
        if (t.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "auto") out.push("a table cut off");
      }
      return out;
    });
    if (!charts) faults.push("a chart not redrawn to its box's width");
    return faults;
  }
  // The page in Chinese and laid out at 1024 and 1440 px (left at 1440).
  async function readable(page, what) {
    const words = foreign(await page.evaluate(() => document.body.innerText));
    check(words.length === 0, `${what}: every word on the page is Chinese (${words.length ? `foreign: ${words.join(", ")}` : "none foreign"})`);
    for (const width of [1024, 1440]) {
      const faults = await layoutAt(page, width);
      check(faults.length === 0, `${what} at ${width} px: nothing cut off, the charts as wide as their boxes (${faults.join("; ") || "fits"})`);
    }
  }
  // An amount as the console shows it ("+1,234.56", "-5,000,000.00", "6,000,000.00") → 分; null if not one.
  function fen(text) {
    const m = /^([+-]?)([\d,]+)\.(\d\d)$/.exec(text.trim());
    return m ? (m[1] === "-" ? -1n : 1n) * (BigInt(m[2].replaceAll(",", "")) * 100n + BigInt(m[3])) : null;
  }

  // 资金执行 as finance: the first page, then Fengtai as of 2021-06-30 and Changzhou as of 2021-05-31.
  {
    const { page, t0 } = await open("finance-1", "funds");
    await page.waitForSelector("#f-report[data-loaded] table");
    check(await nav(page) === "funds,alerts,school,rewards,loans,payments,policy,approvals", `finance reads every page (${await nav(page)})`);
    // How fast is a benchmark's question (bench/console.sh: bench/console_page.mjs), not a test's:
    // printed for the record only, since a loaded CI machine would make it a flake.
    console.log(`first page interactive: ${Date.now() - t0} ms`);
    await setValue(page, "#f-asof", "2021-06-30");
    await setValue(page, "#f-region", "110106");
    await page.click("#f-apply");
    await waitText(page, "#f-report", "FT-2021-CENTRAL");
    const fengtai = await page.$eval('#f-report tr[data-fund="FT-2021-CENTRAL"]', (tr) => tr.textContent);
    check(fengtai.includes("85.80%"), `Fengtai's central direct fund is 85.80% executed as of 2021-06-30 (${fengtai})`);
    // The chart draws the funds' bars: allocation (FT-2021-CENTRAL is wholly allocated) and
    // execution in the colour of FT-2021-CENTRAL's pace as the table gives it (85.80% executed).
    const pace = await page.$eval('#f-report tr[data-fund="FT-2021-CENTRAL"] span[class^="pace-"]', (s) => s.className.replace("pace-", ""));
    check(pace in PACE_COLOURS, `FT-2021-CENTRAL has a pace (${pace})`);
    const fengtaiChart = await chartDrew(page, "#f-chart", { allocation: ALLOCATION_COLOUR, execution: PACE_COLOURS[pace] ?? "#607d8b" },
      (n) => n.allocation >= 300 && n.execution >= 300);
    check(fengtaiChart.drew, `the execution chart draws the allocation bars and the execution bars in the ${pace} colour (pixels ${fengtaiChart.counts})`);
    // The legend names each pace in its own colour, and no swatch is in a colour no bar has
    // (ECharts' default blue, #5470c6, was the execution series' swatch while its bars were green).
    const legend = await chartDrew(page, "#f-chart", { ...PACE_COLOURS, defaultBlue: "#5470c6" },
      (n) => n.AHEAD >= 30 && n.BEHIND >= 30 && n.LAGGING >= 30 && n.defaultBlue === 0, "legend");
    check(legend.drew, `the legend has a swatch per pace in the bars' colours and none in a colour no bar has (legend pixels ${legend.counts})`);
    await page.screenshot({ path: join(shots, "funds-fengtai.png"), fullPage: true });
    await setValue(page, "#f-asof", "2021-05-31");
    await setValue(page, "#f-region", "3204");
    await page.$eval("#f-alerts", (el) => el.replaceChildren());  // what shows next is this query's
    await page.click("#f-apply");
    await waitText(page, "#f-report", "CZ-2021-A");
    const total = await page.$eval("#f-report tr.total", (tr) => tr.textContent);
    check(total.includes("47.60%") && total.includes("92.80%"), `Changzhou's totals row: 92.80% allocated, 47.60% executed (${total})`);
    const headline = await text(page, "#f-headline");
    check(headline.includes("预算合计 615,000.00 万元") && headline.includes("已支付 292,740.00 万元"), `the headline in 万元 (${headline})`);
    // Every 万元 figure to two decimals, its exact 元 in its tooltip.
    const wan = await page.$$eval("#f-headline .wan", (ss) => ss.map((x) => [x.textContent, x.title]));
    check(wan.length === 4 && wan.every(([v, title]) => /^-?[\d,]+\.\d\d$/.test(v) && /^-?[\d,]+\.\d\d 元$/.test(title)) &&
      wan.some(([v, title]) => v === "292,740.00" && title === "2,927,400,000.00 元"),
      `万元 to two decimals with the exact 元 in each tooltip (${wan.map((x) => x.join(" = ")).join("; ")})`);
    // The alerts: exactly the server's for the same filters (ListFundAlerts), or 无预警 when none.
    const czAlerts = await call("finance-1", "FundService/ListFundAlerts", { asOf: "2021-05-31", regionPrefix: "3204", pageSize: 20 });
    const czWant = czAlerts.alerts ?? [];
    check(!czAlerts.error, `the server lists Changzhou's alerts (${JSON.stringify(czAlerts.error ?? czWant.length)})`);
    const czShown = await eventually(page, () => document.querySelector("#f-alerts")?.childElementCount > 0);
    const czRows = czShown ? await cells(page, "#f-alerts tbody tr") : [];
    const czText = czShown ? await text(page, "#f-alerts") : "(nothing)";
    check(czShown && (czWant.length === 0
      ? czText.includes("无预警") && czRows.length === 0
      : czRows.length === czWant.length && czWant.every((a, i) => czRows[i][1] === a.fundId && czRows[i][2] === (a.subjectId ?? ""))),
      `Changzhou's alerts as the server gives them (${czWant.length}): ${czText}`);
    await page.screenshot({ path: join(shots, "funds-changzhou.png"), fullPage: true });
    const csv = await downloaded(page, "#f-export", "fund-execution-2021-05-31.csv");
    check(csv.includes("CZ-2021-A,") && /TOTAL,.*,92\.80,47\.60,41\.37,AHEAD/.test(csv),
      `the CSV export has every fund and the totals (${csv.split("\n").length - 1} lines)`);
    // Yichang as of 2024-05-21 (tests/golden/fund_scenarios.textproto, alerts after the run): the
    // fund lags, the policy's allocation is idle since 2024-01-02, two payouts were overdue that day;
    // and, by the rules of data/monitoring_rules.textproto in force since 2015, the fund budgeted on
    // 2024-01-02 has neither allocated all of it (R-LATE-ALLOC-30) nor entered its 绩效目标
    // (R-TARGETS-30) within 30 days: both alerts since 2024-02-02.
    await setValue(page, "#f-asof", "2024-05-21");
    await setValue(page, "#f-region", "4205");
    await page.$eval("#f-alerts", (el) => el.replaceChildren());
    await page.click("#f-apply");
    const ycShown = await eventually(page, () => document.querySelector("#f-alerts")?.childElementCount > 0);
    const ycRows = ycShown ? await cells(page, "#f-alerts tbody tr") : [];
    const ycKinds = ycRows.map((r) => `${r[0]}|${r[1]}|${/^PO-\d{8}$/.test(r[2]) ? "PO" : r[2]}|${r[3]}`).sort();
    const ycWant = ["兑现逾期|YC-2024-REWARDS|PO|2024-05-21", "兑现逾期|YC-2024-REWARDS|PO|2024-05-21",
      "执行滞后|YC-2024-REWARDS|YC-2024-REWARDS|", "资金闲置|YC-2024-REWARDS|YC-ABOVE-SCALE-ENTRY|2024-01-02",
      "下达不及时|YC-2024-REWARDS|YC-2024-REWARDS|2024-02-02", "绩效目标未录入|YC-2024-REWARDS|YC-2024-REWARDS|2024-02-02"].sort();
    check(ycKinds.join(";") === ycWant.join(";"), `Yichang's six alerts as of 2024-05-21 (${ycRows.map((r) => r.slice(0, 4).join(" ")).join(" | ")})`);
    await page.screenshot({ path: join(shots, "funds-alerts.png"), fullPage: true });
    // The alerts in words (their figures from the server's), the report and the forms: Chinese
    // throughout, at both widths.
    await readable(page, "资金执行 with Yichang's alerts");
    await page.setViewport({ width: 1024, height: 1000 });
    await page.screenshot({ path: join(shots, "funds-1024.png"), fullPage: true });
    await page.setViewport({ width: 1440, height: 1000 });
    // Every call so far asked for Chinese; in English, English.
    check(languages.length > 0 && languages.every((l) => l === "zh-CN"), `every call says Accept-Language: zh-CN (${[...new Set(languages)].join(", ")})`);
    const asked = languages.length;
    await page.click("#lang");
    await waitText(page, "#nav-funds", "Funds");
    check((await text(page, "h2")).includes("Fund execution"), "the English toggle");
    await page.waitForSelector("#f-report[data-loaded] table");
    check(languages.slice(asked).includes("en"), `in English the calls say Accept-Language: en (${[...new Set(languages.slice(asked))].join(", ")})`);
    await page.click("#lang");
    await waitText(page, "#nav-funds", "资金执行");
    await page.close();
  }

  // 双人复核: finance-1 allocates 12,345,678.90 元 of Xinjiang's fund; it is pending (reserved, shown
  // beside the figures, not in them) until finance-2 approves it on the 审批 page.
  {
    const XJ = "XJ-2021-POVERTY";
    const made = await call("finance-1", "FundService/AllocateFund", {
      requestId: "console-test-xj-1", fundId: XJ, recipientKind: "UNIT", recipientId: "KASHGAR", regionCode: "653101",
      amountFen: "1234567890", date: "2021-06-01", documentNo: "新财预〔2021〕88号", trackingId: "TRK-XJ-0601",
    });
    const instruction = made.instructionId ?? "";
    check(made.approvalState === "PENDING_APPROVAL" && /^IN-/.test(instruction) && !made.allocationId,
      `a finance maker's allocation is held for a second officer (${JSON.stringify(made)})`);
    const own = await call("finance-1", "ApprovalService/ApproveInstruction", { requestId: "console-test-self", instructionId: instruction });
    check(own.error?.code === "permission_denied", `the maker may not approve their own instruction (${JSON.stringify(own.error ?? own)})`);

    // The Xinjiang fund's cells on the 资金执行 page as of 2021-06-30 (region 65: that fund only).
    const cell = (page, tr, n) => page.$eval(`${tr} td:nth-child(${n})`, (td) => td.textContent);
    async function xinjiang(page) {
      await page.waitForSelector("#f-report[data-loaded] table");
      await setValue(page, "#f-asof", "2021-06-30");
      await setValue(page, "#f-region", "65");
      await page.click("#f-apply");
      await waitText(page, "#f-report", "截至 2021-06-30");
      const tr = `#f-report tr[data-fund="${XJ}"]`;
      return {
        allocated: await cell(page, tr, 5), pending: await cell(page, tr, 7), allocation: await cell(page, tr, 8),
        totalPending: await cell(page, "#f-report tr.total", 7), headline: await text(page, "#f-headline"),
        wanTitles: await page.$$eval("#f-headline .wan", (ss) => ss.map((x) => x.title)),
      };
    }
    const maker = await open("finance-1", "funds");
    const before = await xinjiang(maker.page);
    check(before.allocated === "1,100,000,000.00" && before.allocation === "55.00%",
      `the pending allocation is not in the figures: allocated ${before.allocated}, ${before.allocation}`);
    check(before.pending === "12,345,678.90" && before.totalPending === "12,345,678.90",
      `已申请未审核 12,345,678.90 元 in the fund's row and the totals (${before.pending}, ${before.totalPending})`);
    check(before.headline.includes("已申请未审核 1,234.57 万元") && before.wanTitles.includes("12,345,678.90 元"),
      `the headline says what is pending, to two decimals of 万元 and exactly in its tooltip (${before.headline}; ${before.wanTitles.join(", ")})`);
    // The chart draws the pending series: its bar and, beside it, the amount as a label.
    const pendingColours = { allocation: ALLOCATION_COLOUR, pending: PENDING_COLOUR, label: PENDING_LABEL_COLOUR };
    const pendingChart = await chartDrew(maker.page, "#f-chart", pendingColours, (n) => n.allocation >= 300 && n.pending >= 100 && n.label >= 20);
    check(pendingChart.drew, `the execution chart draws the pending bar and its amount beside the allocation (pixels ${pendingChart.counts})`);
    // Its tooltip gives the fund's figures: the chart holds this fund's data.
    const chartBox = await maker.page.$eval("#f-chart", (el) => { const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; });
    await maker.page.mouse.move(chartBox.x + chartBox.w / 2, chartBox.y + chartBox.h / 2);
    const tipped = await eventually(maker.page, () => (document.querySelector("#f-chart .tip")?.textContent ?? "").includes("已申请未审核 12,345,678.90 元"));
    const tip = await maker.page.$eval("#f-chart", (el) => el.querySelector(".tip")?.textContent ?? "(no tooltip)");
    check(tipped && tip.includes("分配进度 55.00%"), `the chart's tooltip for ${XJ}: ${tip}`);
    await maker.page.mouse.move(1, 1);
    await maker.page.screenshot({ path: join(shots, "funds-pending.png"), fullPage: true });

    // The maker's own instruction waits for someone else: no approve button.
    await maker.page.goto(`${origin}/#approvals`);
    const mine = `#a-list tr[data-instruction="${instruction}"]`;
    await maker.page.waitForSelector(mine);
    const mineText = await text(maker.page, mine);
    check(mineText.includes("等待他人复核") && mineText.includes("12,345,678.90") && mineText.includes("finance-1") && mineText.includes(XJ),
      `the maker sees the instruction waiting for another officer (${mineText})`);
    check((await maker.page.$$(`${mine} button.approve, ${mine} button.reject`)).length === 0, "the maker is offered no approval of their own");
    check((await text(maker.page, "#a-summary")).includes("12,345,678.90"), "the pending total on the approvals page");
    await maker.page.screenshot({ path: join(shots, "approvals-maker.png"), fullPage: true });

    // The second officer: a cancelled confirmation changes nothing; a confirmed one posts it.
    const checker = await open("finance-2", "approvals");
    const theirs = `#a-list tr[data-instruction="${instruction}"]`;
    await checker.page.waitForSelector(`${theirs} button.approve`);
    check(!(await text(checker.page, theirs)).includes("等待他人复核"), "another finance officer is offered the approval");
    await checker.page.click(`${theirs} button.approve`);
    await checker.page.waitForSelector("#confirm-dialog[open]");
    const asked = await text(checker.page, "#confirm-dialog");
    check(asked.includes("12,345,678.90") && asked.includes("finance-1") && asked.includes(XJ), `the confirmation names the amount, fund and maker (${asked})`);
    await checker.page.screenshot({ path: join(shots, "approvals-confirm.png"), fullPage: true });
    await checker.page.click("#confirm-cancel");
    await checker.page.waitForFunction(() => !document.querySelector("#confirm-dialog"));
    check(await checker.page.$(`${theirs} button.approve`) !== null, "a cancelled confirmation leaves the instruction pending");
    await checker.page.click(`${theirs} button.approve`);
    await checker.page.waitForSelector("#confirm-dialog[open]");
    await checker.page.click("#confirm-ok");
    await checker.page.waitForSelector("#a-done");
    const done = await text(checker.page, "#a-done");
    const leftPending = await eventually(checker.page, (q) => !document.querySelector(q), theirs);
    const decided = await call("finance-2", "ApprovalService/GetInstruction", { instructionId: instruction });
    check(leftPending && done.includes(`已批准 ${instruction}`) && decided.state === "POSTED" && decided.checker === "finance-2",
      `finance-2 approves ${instruction} through the page: it leaves the pending list and is posted (${done}; ${decided.state ?? JSON.stringify(decided.error)} by ${decided.checker})`);
    await checker.page.select("#a-state", "2");  // POSTED
    await checker.page.click("#a-apply");
    const posted = `#a-list tr[data-instruction="${instruction}"][data-state="POSTED"]`;
    await checker.page.waitForSelector(posted);
    const history = await checker.page.$eval(posted, (tr) => [...tr.cells].map((c) => c.textContent));
    check(history[9] === "finance-2" && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(history[10]) && history[6] === "finance-1",
      `the history names maker, checker and when it was decided (${history.join(" | ")})`);
    await checker.page.screenshot({ path: join(shots, "approvals-posted.png"), fullPage: true });
    await readable(checker.page, "审批 (posted)");

    // 资金执行 after: the allocation is in the figures, nothing pending.
    await checker.page.goto(`${origin}/#funds`);
    const after = await xinjiang(checker.page);
    check(after.allocated === "1,112,345,678.90" && after.allocation !== before.allocation,
      `posted: allocated ${before.allocated} → ${after.allocated}, ${before.allocation} → ${after.allocation}`);
    check(after.pending === "0.00" && after.totalPending === "0.00", `nothing pending after the approval (${after.pending}, ${after.totalPending})`);
    const afterChart = await chartDrew(checker.page, "#f-chart", pendingColours, (n) => n.allocation >= 300 && n.pending === 0 && n.label === 0);
    check(afterChart.drew, `after the approval the chart draws the allocation and no pending bar or label (pixels ${afterChart.counts})`);

    // The fund's ledger: the entry with its maker and checker and the figures after it; by tracking id.
    await checker.page.click(`#f-report tr[data-fund="${XJ}"] a.fund-link`);
    await checker.page.waitForSelector("#f-ledger[data-loaded] table");
    check((await text(checker.page, "#f-ledger-title")).includes(XJ), "clicking a fund opens its ledger");
    const entries = await checker.page.$$eval("#f-ledger tbody tr", (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    const posting = entries.find((e) => e[5] === "TRK-XJ-0601") ?? [];
    check(entries.length >= 12, `the ledger lists the fund's entries (${entries.length})`);
    check(posting[2] === "分配下达" && posting[3] === "12,345,678.90" && posting[4] === "KASHGAR" && posting[6] === "finance-1" &&
      posting[7] === "finance-2" && posting[9] === "1,112,345,678.90" && posting[0] === "2021-06-01",
      `the posted allocation in the ledger: maker, checker, allocated after (${posting.join(" | ")})`);
    await setValue(checker.page, "#f-tracking", "TRK-XJ-0601");
    await checker.page.click("#f-tracking-apply");
    await checker.page.waitForSelector("#f-ledger[data-loaded] table");
    const tracked = await checker.page.$$eval("#f-ledger tbody tr", (trs) => trs.map((tr) => tr.cells[5].textContent));
    check(tracked.length === 1 && tracked[0] === "TRK-XJ-0601", `filtered by 业务追溯识别码 (${tracked.join(",")})`);
    await checker.page.screenshot({ path: join(shots, "fund-ledger.png"), fullPage: true });
    await readable(checker.page, "资金明细账");

    // A rejection needs its reason; the reservation goes, the reason stays in the history.
    const second = await call("finance-1", "FundService/AllocateFund", {
      requestId: "console-test-xj-2", fundId: XJ, recipientKind: "UNIT", recipientId: "KARAMAY", regionCode: "650203",
      amountFen: "100000", date: "2021-06-02", documentNo: "新财预〔2021〕89号",
    });
    check(second.approvalState === "PENDING_APPROVAL", `a second allocation is pending (${second.instructionId})`);
    await checker.page.goto(`${origin}/#approvals`);
    const rejecting = `#a-list tr[data-instruction="${second.instructionId}"]`;
    await checker.page.waitForSelector(`${rejecting} button.reject`);
    await checker.page.click(`${rejecting} button.reject`);
    await checker.page.waitForSelector("#confirm-dialog[open] #confirm-reason");
    check(await checker.page.$eval("#confirm-ok", (b) => b.disabled), "a rejection cannot be confirmed without a reason");
    await checker.page.type("#confirm-reason", "文号与附件不符");
    await checker.page.click("#confirm-ok");
    await checker.page.waitForFunction((q) => !document.querySelector(q), { timeout: 10000 }, rejecting);
    await checker.page.select("#a-state", "3");  // REJECTED
    await checker.page.click("#a-apply");
    const rejected = `#a-list tr[data-instruction="${second.instructionId}"][data-state="REJECTED"]`;
    await checker.page.waitForSelector(rejected);
    const rejectedText = await text(checker.page, rejected);
    check(rejectedText.includes("文号与附件不符") && rejectedText.includes("finance-2") && rejectedText.includes("已退回"),
      `the rejection with its reason and checker (${rejectedText})`);
    await checker.page.close();
    await maker.page.close();

    // The auditor reads the approvals and decides nothing.
    const audit = await open("auditor-1", "approvals");
    await audit.page.select("#a-state", "0");  // every state
    await audit.page.click("#a-apply");
    await audit.page.waitForSelector(`#a-list tr[data-instruction="${instruction}"]`);
    check((await audit.page.$$("#a-list button.approve, #a-list button.reject")).length === 0, "the auditor is offered no approval");
    await audit.page.close();
  }

  // 学校经费 as the school's own caller; another school is refused.
  {
    const { page } = await open("school-1", "school");
    await page.waitForSelector("#s-progress");
    check(await nav(page) === "school", `a school reads only its school page (${await nav(page)})`);
    check(await page.$eval("#s-school", (i) => i.value) === "110106-FT001", "the school page opens on the caller's own school");
    const progress = await text(page, "#s-progress");
    check(/^\d+\.\d\d%$/.test(progress), `school 110106-FT001 reads its spending progress (${progress})`);
    const order = await page.$$eval("#s-order li", (lis) => lis.map((li) => li.textContent));
    const municipal = order.findIndex((o) => o.startsWith("市级资金"));
    check(order.length >= 2 && order[0].startsWith("中央直达资金") && municipal > 0,
      `the spending order puts central direct funds first, municipal after (${order.join(" | ")})`);
    await page.waitForSelector("#s-ledger table");
    check((await page.$$("#s-ledger tbody tr")).length > 0, "the school's ledger lists its entries");
    // In date order as the server sends it: each line's signed movement and the balance after it.
    const ledger = await page.$$eval("#s-ledger tbody tr", (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    const dates = ledger.map((l) => l[0]);
    check(dates.length >= 2 && dates.every((d, i) => i === 0 || dates[i - 1] <= d), `the ledger is in date order (${dates.join(",")})`);
    check(ledger[0]?.[4] === "+6,000,000.00" && ledger[0]?.[5] === "6,000,000.00", `the first allocation and its balance (${ledger[0]?.join(" | ")})`);
    const spent = ledger.find((l) => l[4].startsWith("-")) ?? [];
    check(spent[4] === "-5,000,000.00" && spent[5] === "19,000,000.00" && spent[6].includes("中央直达资金 1,000,000.00"),
      `the expenditure out and the running balance after it, by source (${spent.join(" | ")})`);
    // The balances chart draws, by source, what was spent (the central direct funds' 5,000,000.00)
    // and what remains.
    const schoolChart = await chartDrew(page, "#s-chart", { spent: "#8b1a1a", balance: "#90a4ae" }, (n) => n.spent >= 100 && n.balance >= 300);
    check(schoolChart.drew, `the balances chart draws the spent and balance bars (pixels ${schoolChart.counts})`);
    await page.screenshot({ path: join(shots, "school.png"), fullPage: true });

    // The school's own office records an expenditure and reverses it on the page, each behind a
    // confirmation; the ledger keeps its order and signs (subsidyctl edu ledger's: expenditures −,
    // reversals +), and its running balance is the sum of its lines so far.
    const lines = () => page.$$eval("#s-ledger tbody tr", (trs) => trs.map((tr) => ({
      id: tr.dataset.entry, kind: tr.dataset.kind, cells: [...tr.cells].map((c) => c.textContent) })));
    // The first line where the balance is not the sum of the movements so far ("" when none).
    const unbalanced = (ls) => {
      let sum = 0n;
      for (const l of ls) {
        const move = fen(l.cells[4]);
        const balance = fen(l.cells[5]);
        if (move === null || balance === null) return `unreadable: ${l.cells.join(" | ")}`;
        sum += move;
        if (sum !== balance) return `${l.id}: balance ${l.cells[5]} where the lines so far sum to ${sum} 分`;
      }
      return "";
    };
    const serverLines = async () => ((await call("school-1", "EducationFundService/ListSchoolLedger", { schoolId: "110106-FT001", pageSize: 500 })).entries ?? []).length;
    const first = await lines();
    check(unbalanced(first) === "", `the ledger's running balance is the sum of its lines so far (${unbalanced(first) || `${first.length} lines`})`);
    // The category by its name from the data (ListExpenditureCategories), the amount in 元.
    const teaching = await eventually(page, () => [...document.querySelectorAll("#s-category option")].some((o) => o.textContent === "教学和管理"));
    check(teaching, "the expenditure's categories by their Chinese names (教学和管理)");
    await page.$eval("#s-category", (sel) => { sel.value = [...sel.options].find((o) => o.textContent === "教学和管理")?.value ?? ""; });
    await setValue(page, "#s-amount", "1,234.56");
    const linesBefore = await serverLines();
    await page.click("#s-spend");
    await page.waitForSelector("#confirm-dialog[open]");
    const askedSpend = await text(page, "#confirm-dialog");
    check(askedSpend.includes("1,234.56 元") && askedSpend.includes("教学和管理") && askedSpend.includes("110106-FT001"),
      `the expenditure's confirmation names the school, category and amount in 元 (${askedSpend})`);
    await page.click("#confirm-cancel");
    await page.waitForFunction(() => !document.querySelector("#confirm-dialog"), { timeout: 10000 });
    check(await serverLines() === linesBefore && (await lines()).length === first.length, "a cancelled expenditure records nothing");
    await page.click("#s-spend");
    await page.waitForSelector("#confirm-dialog[open]");
    await page.click("#confirm-ok");
    await page.waitForSelector("#s-done, #s-notice .error", { timeout: 10000 });
    const spentText = await text(page, "#s-notice");
    const expenditure = (spentText.match(/EXP-\d+/) ?? [""])[0];
    const recorded = expenditure !== "" && await eventually(page, (id) => !!document.querySelector(`#s-ledger tr[data-entry="${id}"]`), expenditure);
    const afterSpend = await lines();
    const spentLine = afterSpend.find((l) => l.id === expenditure)?.cells ?? [];
    const previous = afterSpend[afterSpend.findIndex((l) => l.id === expenditure) - 1]?.cells ?? [];
    const balanceBefore = fen(previous[5] ?? "");
    check(recorded && spentLine[4] === "-1,234.56" && spentLine[3] === "教学和管理" && spentLine[2] === "支出" &&
      balanceBefore !== null && balanceBefore - 123456n === fen(spentLine[5] ?? ""),
      `the expenditure recorded on the page is in the ledger, out (−) by its category's name, the balance 1,234.56 lower (${spentText}; ${spentLine.join(" | ")})`);
    check(unbalanced(afterSpend) === "", `after the expenditure the running balance is still the sum so far (${unbalanced(afterSpend) || "balanced"})`);
    // Its reversal needs a reason and gives the money back (+).
    await page.click(`#s-ledger tr[data-entry="${expenditure}"] button.reverse`);
    await page.waitForSelector("#confirm-dialog[open] #confirm-reason");
    const askedReverse = await text(page, "#confirm-dialog");
    check(askedReverse.includes(expenditure) && askedReverse.includes("1,234.56 元") && await page.$eval("#confirm-ok", (b) => b.disabled),
      `the reversal's confirmation names the expenditure and amount, and needs a reason (${askedReverse})`);
    await page.type("#confirm-reason", "重复登记");
    await page.click("#confirm-ok");
    const reversedShown = await eventually(page, (id) => [...document.querySelectorAll('#s-ledger tr[data-kind="REVERSAL"]')].some((tr) => tr.textContent.includes(id)), expenditure);
    const afterReverse = await lines();
    const reversalLine = afterReverse.find((l) => l.kind === "REVERSAL" && l.cells[2].includes(expenditure))?.cells ?? [];
    // Within a day money in comes before money out (the server's order: no day dips below zero), so
    // the reversal may stand above its expenditure; the ledger's last balance is back where it was.
    const lastBalance = (ls) => fen(ls[ls.length - 1]?.cells[5] ?? "");
    check(reversedShown && reversalLine[4] === "+1,234.56" && lastBalance(afterSpend) !== null &&
      lastBalance(afterReverse) === lastBalance(afterSpend) + 123456n &&
      await page.$(`#s-ledger tr[data-entry="${expenditure}"] button.reverse`) === null,
      `the reversal is in the ledger, in (+), the balance back where it was (${reversalLine.join(" | ")})`);
    check(unbalanced(afterReverse) === "", `after the reversal the running balance is still the sum so far (${unbalanced(afterReverse) || "balanced"})`);
    await page.screenshot({ path: join(shots, "school-reversed.png"), fullPage: true });
    await readable(page, "学校经费");

    const before = problems.length;
    await setValue(page, "#s-school", "110106-FT002");
    await page.click("#s-apply");
    await page.waitForSelector("#s-summary .error");
    // The refusal itself is the browser's only complaint here: Chromium reports the 403 (its log
    // entry may come a moment after the page shows the error).
    for (const deadline = Date.now() + 5000; problems.length === before && Date.now() < deadline;) await sleep(100);
    const refused = problems.splice(before);
    check(refused.length > 0 && refused.every((p) => p.includes("403")), `only the refusal (403) is reported (${refused.join(" | ") || "nothing"})`);
    const refusal = await text(page, "#s-summary .error");
    check(refusal.includes("无权"), "a school token cannot see another school");
    check(foreign(refusal).length === 0, `the refusal in Chinese (the server's LocalizedMessage): ${refusal}`);
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
    await readable(page, "免申即享兑现");
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
    const loansInFile = readFileSync(join(source, "examples", "tiaobingshan-2024q3-claim.csv"), "utf8").trim().split("\n").length - 1;
    const claimCells = (await cells(page, "#l-claims tr[data-claim]"))[0] ?? [];
    check(loansInFile > 0 && claimCells[4] === String(loansInFile), `the claim counts the file's ${loansInFile} loans (${claimCells[4]})`);
    await page.click("#l-claims tr[data-claim] a");
    await page.waitForSelector("#l-lines table");
    const lineCount = (await page.$$("#l-lines tbody tr")).length;
    check(lineCount === Math.min(50, loansInFile), `the claim's lines are listed, a page of 50 (${lineCount} of ${loansInFile})`);
    check((await page.$$("#l-claims button.approve")).length === 0, "a bank is offered no approval");
    // The same file again: the same request (named by the file's content, bank and period), so the
    // server answers the first claim, and the page says so; no second claim.
    const firstClaim = (result.match(/CL-[0-9A-Za-z-]+/) ?? [""])[0];
    await page.click("#u-submit");
    await page.waitForSelector("#u-replay, #u-result .error", { timeout: 20000 });
    const replay = await text(page, "#u-result");
    check(firstClaim !== "" && replay.includes(`该文件已提交过，显示首次提交的申报 ${firstClaim}`), `the same file uploaded again is the first claim, said so (${replay})`);
    const bankClaims = await call("bank-1", "LoanSubsidyService/ListLoanSubsidyClaims", { bankId: "TBS-BANK", pageSize: 50 });
    check((bankClaims.claims ?? []).length === 1 && bankClaims.claims[0].claimId === firstClaim,
      `no second claim (${(bankClaims.claims ?? []).map((c) => c.claimId).join(", ") || JSON.stringify(bankClaims.error)})`);
    await page.screenshot({ path: join(shots, "loans.png"), fullPage: true });
    await readable(page, "贷款贴息 (bank)");
    await page.close();
    // The auditor reads every page and changes nothing.
    const audit = await open("auditor-1", "loans");
    await audit.page.waitForSelector("#l-claims tr[data-claim]");
    check(await nav(audit.page) === "funds,alerts,school,rewards,loans,payments,policy,approvals", `the auditor reads every page (${await nav(audit.page)})`);
    check((await audit.page.$$("#l-claims button.approve, #l-claims button.reject")).length === 0 && await audit.page.$("#u-file") === null,
      "the auditor is offered no approval of the submitted claim and no upload");
    await audit.page.close();
    const review = await open("finance-1", "loans");
    await review.page.waitForSelector("#l-claims tr[data-claim] button.approve");
    check(await review.page.$("#u-file") === null, "finance, which files no claims, is offered no upload");
    await setValue(review.page, "#l-pay-date", "2024-09-23");
    const claimId = await review.page.$eval("#l-claims tr[data-claim]", (tr) => tr.dataset.claim);
    // The approval behind a confirmation naming the claim, bank, subsidy and payment date; a cancel
    // sends nothing.
    const pendingBefore = await call("finance-1", "ApprovalService/ListInstructions", { state: "PENDING_APPROVAL", pageSize: 1 });
    await review.page.click("#l-claims tr[data-claim] button.approve");
    await review.page.waitForSelector("#confirm-dialog[open]");
    const askedClaim = await text(review.page, "#confirm-dialog");
    check(askedClaim.includes(claimId) && askedClaim.includes("TBS-BANK") && askedClaim.includes("115,680.05 元") && askedClaim.includes("2024-09-23"),
      `the claim's approval asks first, naming the claim, bank, subsidy in 元 and payment date (${askedClaim})`);
    await review.page.click("#confirm-cancel");
    await review.page.waitForFunction(() => !document.querySelector("#confirm-dialog"), { timeout: 10000 });
    const pendingAfter = await call("finance-1", "ApprovalService/ListInstructions", { state: "PENDING_APPROVAL", pageSize: 1 });
    const untouched = await call("finance-1", "LoanSubsidyService/GetLoanSubsidyClaim", { claimId });
    check(untouched.status === "SUBMITTED" && (pendingAfter.pendingCount ?? "0") === (pendingBefore.pendingCount ?? "0") &&
      await review.page.$("#l-claims tr[data-claim] button.approve") !== null,
      `a cancelled approval leaves the claim as it was (${untouched.status}, pending ${pendingBefore.pendingCount ?? 0} → ${pendingAfter.pendingCount ?? 0})`);
    await review.page.click("#l-claims tr[data-claim] button.approve");
    await review.page.waitForSelector("#confirm-dialog[open]");
    await review.page.click("#confirm-ok");
    // Dual control: the approval waits for a second officer; nothing is paid yet.
    await review.page.waitForSelector("#l-pending");
    const waiting = await text(review.page, "#l-claims tr[data-claim]");
    const claimInstruction = ((await text(review.page, "#l-pending")).match(/IN-[0-9A-Za-z-]+/) ?? [""])[0];
    check(waiting.includes("批准待复核") && waiting.includes(claimInstruction) && !waiting.includes("已拨付") && claimInstruction !== "",
      `finance-1's approval of the claim waits for review (${waiting})`);
    check((await review.page.$$("#l-claims tr[data-claim] button.approve")).length === 0, "a claim awaiting review is not offered for approval again");
    const second = await open("finance-2", "approvals");
    const claimRow = `#a-list tr[data-instruction="${claimInstruction}"]`;
    await second.page.waitForSelector(`${claimRow} button.approve`);
    check((await text(second.page, claimRow)).includes("贴息申报批准"), "the claim's approval is on the approvals page");
    await second.page.click(`${claimRow} button.approve`);
    await second.page.waitForSelector("#confirm-dialog[open]");
    await second.page.click("#confirm-ok");
    await second.page.waitForFunction((q) => !document.querySelector(q), { timeout: 10000 }, claimRow);
    await second.page.close();
    await review.page.click("#l-apply");
    const paidShown = await eventually(review.page, () => (document.querySelector("#l-claims tr[data-claim]")?.textContent ?? "").includes("已拨付"));
    const paid = await call("finance-1", "LoanSubsidyService/GetLoanSubsidyClaim", { claimId });
    check(paidShown && paid.status === "PAID" && paid.paidDate === "2024-09-23",
      `finance-2 approves finance-1's approval: the claim ${claimId} is paid on 2024-09-23, on the page and in the ledger (${paid.status ?? JSON.stringify(paid.error)} ${paid.paidDate ?? ""})`);
    await review.page.screenshot({ path: join(shots, "loans-approved.png"), fullPage: true });
    await readable(review.page, "贷款贴息 (finance)");
    await review.page.close();
  }

  // 政策测算 (issue 28): finance chooses a shipped draft and runs it on the paid claims of 2024Q3: the
  // in-force side is the paid claim's 115,680.05 元. A pasted draft (60 % of the rate for loans from
  // 2024) run on the loan book costs what SimulateReform says, to the 分, drawn by quarter and by
  // bank; the detail downloads as CSV in exact 分. A bank, which may not simulate, is not offered
  // the page (its nav above is "loans").
  {
    const { page } = await open("finance-1", "policy");
    await page.waitForSelector("#p-reform option[value='SHARE-60']");
    await page.select("#p-reform", "SHARE-60");
    await setValue(page, "#p-from", "2024-06-21");
    await setValue(page, "#p-to", "2024-09-20");
    await page.click("#p-paid");
    await page.click("#p-run");
    await page.waitForSelector("#p-total, #p-status .error", { timeout: 20000 });
    const paidRun = await text(page, "#p-summary");
    check(paidRun.includes("现行政策贴息 115,680.05 元") && paidRun.includes("已拨付申报金额 115,680.05 元"),
      `the paid claims under the rules in force are what was paid: 115,680.05 元 (${paidRun})`);
    const draft = 'reform_id: "TBS-60"\nname: "贴息比例提高至贷款利率的60%"\nregime_id: "CN-2023-75"\neffective_date: "2024-01-01"\n' +
      'terms { program: "ENTREPRENEUR_INDIVIDUAL" subsidy_share_percent: 60 }\n';
    await page.select("#p-reform", "");
    await setValue(page, "#p-reform-text", draft);
    await page.click("#p-paid");  // the book, not the paid claims
    await setValue(page, "#p-to", "2024-12-20");
    await page.click("#p-run");
    const ran = await eventually(page, () => (document.querySelector("#p-total")?.textContent ?? "").includes("60%"));
    const server = await call("finance-1", "LoanSubsidyService/SimulateReform",
      { reformText: draft, window: { startDate: "2024-06-21", endDate: "2024-12-20" } });
    const yuanOf = (f) => { const v = BigInt(f ?? 0); return `${(v / 100n).toLocaleString("en-US")}.${String(v % 100n).padStart(2, "0")}`; };
    const shown = await text(page, "#p-total");
    check(ran && server.total && shown.includes(`现行政策贴息 ${yuanOf(server.total.inForceFen)} 元`) &&
      shown.includes(`草案 ${yuanOf(server.total.draftFen)} 元`) && BigInt(server.total.differenceFen) > 0n,
      `a pasted draft on the book: the page's totals are SimulateReform's to the 分 (${shown}; server ${JSON.stringify(server.total ?? server.error)})`);
    const q1 = (await cells(page, '#p-table tr[data-quarter="2024-06-21"]'))[0] ?? [];
    const sq1 = (server.quarters ?? [])[0]?.figures ?? {};
    check(fen(q1[3] ?? "") === BigInt(sq1.inForceFen ?? -1) && fen(q1[4] ?? "") === BigInt(sq1.draftFen ?? -1) &&
      fen(q1[5] ?? "") === BigInt(sq1.differenceFen ?? -1), `the first quarter's row is the server's (${q1.join(" | ")})`);
    const drawn = await eventually(page, () => !!document.querySelector("#p-chart-quarter canvas") && !!document.querySelector("#p-chart-bank canvas"));
    check(drawn, "the difference is drawn by quarter and by bank");
    const csv = await downloaded(page, "#p-download", "policy-what-if-TBS-60.csv");
    const total = csv.split(/\r?\n/).find((l) => l.startsWith("TOTAL,,2024-06-21,")) ?? "";
    check(total === `TOTAL,,2024-06-21,2024-09-20,${sq1.inForceFen},${sq1.draftFen},${sq1.differenceFen},0,${sq1.loans}`,
      `the downloaded detail holds the quarter in exact 分 (${total})`);
    await page.screenshot({ path: join(shots, "policy.png"), fullPage: true });
    await readable(page, "政策测算");
    await page.close();
  }

  // 支付对账: four payments with a payee from Xinjiang's fund (KARAMAY's 100,000,000.00 元 allocation
  // is unpaid), each made by finance-1 and approved by finance-2, are the lines of batch PB-20260302.
  // The bank's return file in GB18030 — two paid, one failed, one amount that differs, one voucher
  // that names no payment — uploaded on the page; the page's reconciliation is `subsidyctl payments
  // reconcile --csv`'s to the 分; the failed line with its reason; a reissue asked and cancelled; its
  // return (退回) held for a second officer (待复核), then approved: the batch counts it returned.
  {
    const XJ = "XJ-2021-POVERTY";
    const BATCH = "PB-20260302";
    const FIGURE_NAMES = ["sent", "confirmed", "failed", "outstanding", "open_failed", "returned"];
    const payees = [
      { payee: "克拉玛依市某农业合作社", payeeAccount: "6222020200112345678", payeeBank: "中国工商银行克拉玛依分行", fen: 123456n },
      { payee: "克拉玛依某农机有限公司", payeeAccount: "6217000010098765432", payeeBank: "中国建设银行克拉玛依分行", fen: 2000000n },
      { payee: "独山子区某养殖场", payeeAccount: "6228480030011122233", payeeBank: "中国农业银行独山子支行", fen: 345678n },
      { payee: "白碱滩区某学校", payeeAccount: "6216610100022233344", payeeBank: "中国银行白碱滩支行", fen: 50000n },
    ];
    const made = [];
    for (const [i, p] of payees.entries()) {
      const asked = await call("finance-1", "FundService/RecordFundPayment", {
        requestId: `console-test-pay-${i}`, fundId: XJ, recipientId: "KARAMAY", amountFen: String(p.fen), date: "2026-03-02",
        payee: p.payee, payeeAccount: p.payeeAccount, payeeBank: p.payeeBank,
      });
      const approved = asked.instructionId
        ? await call("finance-2", "ApprovalService/ApproveInstruction", { requestId: `console-test-pay-${i}-ok`, instructionId: asked.instructionId })
        : asked;
      made.push(`${asked.approvalState ?? JSON.stringify(asked.error)} → ${approved.state ?? JSON.stringify(approved.error)}`);
    }
    check(made.every((m) => m === "PENDING_APPROVAL → POSTED"), `four payments with a payee, each approved by a second officer (${made.join("; ")})`);
    const listed = await call("finance-1", "PaymentService/ListPaymentLines", { batchId: BATCH, pageSize: 50 });
    const lines = payees.map((p) => (listed.lines ?? []).find((l) => l.payeeName === p.payee) ?? {});
    check(lines.every((l, i) => /^FV20260302-\d{8}$/.test(l.voucherNo ?? "") && l.state === "SENT" && BigInt(l.amountFen ?? 0) === payees[i].fen),
      `each payment is a line of ${BATCH} with its voucher, sent (${lines.map((l) => `${l.paymentId} ${l.voucherNo} ${l.state}`).join("; ") || JSON.stringify(listed.error)})`);
    const [, , failed, differs] = lines;

    // The bank's return file as its system writes it: GB18030 (glibc's iconv), Chinese headers, 元.
    const yuanText = (f) => `${f / 100n}.${String(f % 100n).padStart(2, "0")}`;
    const returnRow = (l, p, amount, status, reason, serial, date) =>
      [l.voucherNo, p.payeeAccount, p.payee, yuanText(amount), status, reason, serial, date].join(",");
    const UNKNOWN = "FV20260302-99999999";
    const csvText = [
      "凭证号,收款人账号,收款人户名,金额,状态,失败原因,银行流水号,日期",
      returnRow(lines[0], payees[0], payees[0].fen, "成功", "", "BK2026030200001", "2026-03-02"),
      returnRow(lines[1], payees[1], payees[1].fen, "成功", "", "BK2026030200002", "2026-03-02"),
      returnRow(failed, payees[2], payees[2].fen, "失败", "户名不符", "", "2026-03-03"),
      returnRow(differs, payees[3], payees[3].fen + 1n, "成功", "", "BK2026030200004", "2026-03-02"),  // row 5: 500.01 for 500.00
      `${UNKNOWN},6222000000000000000,查无此人,100.00,成功,,BK2026030200005,2026-03-02`,               // row 6
    ].join("\r\n") + "\r\n";
    const utf8Path = join(dir, "bank-return-utf8.csv");
    const returnPath = join(dir, "bank-return-20260302.csv");
    writeFileSync(utf8Path, csvText);
    const gb = execFileSync("iconv", ["-f", "UTF-8", "-t", "GB18030", utf8Path]);
    writeFileSync(returnPath, gb);
    check(gb.length > 0 && gb.length < Buffer.byteLength(csvText), `the return file is GB18030 (${gb.length} bytes; ${Buffer.byteLength(csvText)} in UTF-8)`);

    // The reconciliation as subsidyctl prints it: figure,count,fen.
    function reconcileByCli(batch) {
      try {
        const out = execFileSync(bin("subsidyctl"), [`--server=${started.grpc}`, `--token=${tokens["finance-1"]}`,
          "payments", "reconcile", `--batch=${batch}`, "--csv"], { stdio: ["ignore", "pipe", "pipe"] }).toString();
        const [header, ...rows] = out.replace(/^\ufeff/, "").trim().split(/\r?\n/).map((l) => l.trim());
        if (header !== "figure,count,fen") return { error: `its header is ${header}` };
        return { figures: Object.fromEntries(rows.map((r) => r.split(",")).map(([name, count, f]) => [name, { count, fen: BigInt(f) }])) };
      } catch (err) {
        return { error: `${err.message} ${err.stderr ?? ""}`.trim() };
      }
    }
    // The page's reconciliation figures: each count and amount as it shows them.
    async function shownFigures(page) {
      const out = {};
      for (const n of FIGURE_NAMES) {
        out[n] = { count: await text(page, `#recon-${n}-count`), fen: fen(await text(page, `#recon-${n}-amount`)) };
      }
      return out;
    }
    const same = (shown, cli) => !!cli.figures && FIGURE_NAMES.every((n) => cli.figures[n]?.count === shown[n].count && cli.figures[n]?.fen === shown[n].fen);
    const figuresText = (f) => (f ? FIGURE_NAMES.map((n) => `${n} ${f[n]?.count} ${f[n]?.fen}`).join(", ") : "");
    // The chosen batch's reconciliation, asked again (what was shown is cleared first).
    async function reconcile(page) {
      await page.$eval("#p-recon", (el) => { el.replaceChildren(); delete el.dataset.batch; });
      await page.click(`#batch-${BATCH} button.choose`);
      await page.waitForSelector(`#p-recon[data-batch="${BATCH}"] #recon-figures`);
      return shownFigures(page);
    }

    const { page } = await open("finance-1", "payments");
    const batchRow = `#payments-batches tr#batch-${BATCH}`;
    await page.waitForSelector(batchRow);
    const partsBefore = await page.$$eval(`${batchRow} .seg`, (ss) => ss.map((s) => `${s.className.replace("seg seg-", "")} ${s.style.width}`));
    const sentBefore = await text(page, `${batchRow} [data-figure="sent"] .amount`);
    check(sentBefore === "25,191.34" && partsBefore.join(",") === "outstanding 100%",
      `before the bank's return the batch is 25,191.34 元 sent, its bar wholly outstanding (${sentBefore}; ${partsBefore.join(", ")})`);
    await reconcile(page);

    // The upload: a progress bar while it runs, then what the file did.
    await (await page.$("#p-return-file")).uploadFile(returnPath);
    await page.click("#p-import-submit");
    await page.waitForSelector("#import-counts, #p-import-result .error", { timeout: 20000 });
    const orNothing = (sel) => text(page, sel).catch(() => "(none)");
    const imported = {};
    for (const n of ["rows", "confirmed", "failed", "discrepancies"]) imported[n] = await orNothing(`#import-${n}-count`);
    const importedFen = [await orNothing("#import-confirmed-amount"), await orNothing("#import-failed-amount")];
    check(JSON.stringify(imported) === JSON.stringify({ rows: "5", confirmed: "2", failed: "1", discrepancies: "2" }) &&
      importedFen.join(" ") === "21,234.56 3,456.78",
      `the import: 5 rows, 2 confirmed (21,234.56 元), 1 failed (3,456.78 元), 2 discrepancies (${JSON.stringify(imported)} ${importedFen.join(" ")}; ${await text(page, "#p-import-result")})`);
    const status = await text(page, "#p-import-status");
    check(await page.$eval("#p-import-progress", (p) => p.value === 1) && status.includes(`${gb.length.toLocaleString("en-US")} 字节`),
      `the import's progress bar is full and the file's size is shown (${status})`);
    const unknown = (await cells(page, `#import-discrepancies tr[data-voucher="${UNKNOWN}"]`))[0] ?? [];
    check(unknown[0] === "6" && unknown[2] === "凭证号无对应支付" && unknown[3]?.includes(UNKNOWN) && foreign(unknown[3]).length === 0,
      `the voucher that names no payment is listed with its row and the server's words in Chinese (${unknown.join(" | ")})`);

    // The batch after: the page's figures are subsidyctl's, to the 分.
    await eventually(page, (q) => !!document.querySelector(q), `${batchRow} .seg-failed`);
    const parts = await page.$$eval(`${batchRow} .seg`, (ss) => ss.map((s) => s.className.replace("seg seg-", "")));
    check(parts.join(",") === "confirmed,failed,outstanding", `the batch's bar: confirmed, failed, outstanding (${parts.join(", ")})`);
    const shown = await reconcile(page);
    const cli = reconcileByCli(BATCH);
    check(same(shown, cli), `the page's reconciliation of ${BATCH} is subsidyctl's (page: ${figuresText(shown)}; subsidyctl: ${cli.error ?? figuresText(cli.figures)})`);
    const want = { sent: ["4", 2519134n], confirmed: ["2", 2123456n], failed: ["1", 345678n], outstanding: ["1", 50000n], open_failed: ["1", 345678n], returned: ["0", 0n] };
    check(FIGURE_NAMES.every((n) => shown[n].count === want[n][0] && shown[n].fen === want[n][1]),
      `two payments confirmed, one failed and open, one unanswered (${figuresText(shown)})`);
    const differing = (await cells(page, `#recon-discrepancies tr[data-voucher="${differs.voucherNo}"]`))[0] ?? [];
    check(differing[0] === "5" && differing[2] === "金额不符" && differing[3]?.includes("500.01") && differing[3]?.includes("500.00"),
      `the batch's discrepancy: row 5's amount differs, in the server's words (${differing.join(" | ")})`);

    // The failed line, with its reason and how long it has waited (the server's working days).
    const failedRow = `#p-failed tr[data-payment="${failed.paymentId}"]`;
    await page.waitForSelector(failedRow);
    const failedCells = (await cells(page, failedRow))[0];
    const openLines = await call("finance-1", "PaymentService/ListPaymentLines", { batchId: BATCH, state: "FAILED", pageSize: 50 });
    const days = String((openLines.lines ?? []).find((l) => l.paymentId === failed.paymentId)?.workingDaysOpen ?? 0);
    check((await page.$$("#p-failed tbody tr")).length === 1 && failedCells[2] === payees[2].payee && failedCells[3] === "****2233" &&
      failedCells[5] === "3,456.78" && failedCells[6] === "户名不符" && failedCells[7] === days,
      `the failed line: payee, masked account, amount, the bank's reason, ${days} working days open (${failedCells.join(" | ")})`);

    // 重发: the corrected payee and date, behind a confirmation; a cancel sends nothing.
    const pending = async () => (await call("finance-1", "ApprovalService/ListInstructions", { state: "PENDING_APPROVAL", pageSize: 1 })).pendingCount ?? "0";
    const pendingBefore = await pending();
    await page.click(`${failedRow} button.reissue`);
    await page.waitForSelector("#rf-form");
    await setValue(page, "#rf-name", "独山子区某养殖专业合作社");
    await setValue(page, "#rf-date", "2026-03-04");
    await page.click("#rf-submit");
    await page.waitForSelector("#confirm-dialog[open]");
    const askedReissue = await text(page, "#confirm-dialog");
    check(askedReissue.includes(failed.paymentId) && askedReissue.includes("3,456.78 元") && askedReissue.includes("独山子区某养殖专业合作社") &&
      askedReissue.includes("2026-03-04"), `the reissue's confirmation names the payment, amount in 元, corrected payee and date (${askedReissue})`);
    await page.click("#confirm-cancel");
    await page.waitForFunction(() => !document.querySelector("#confirm-dialog"), { timeout: 10000 });
    const stillFailed = await call("finance-1", "PaymentService/ListPaymentLines", { sourceId: failed.sourceId, pageSize: 5 });
    check(await pending() === pendingBefore && (stillFailed.lines ?? []).length === 1 && stillFailed.lines[0].state === "FAILED",
      `a cancelled reissue sends nothing (pending ${pendingBefore} → ${await pending()}, ${(stillFailed.lines ?? []).map((l) => l.state).join(",")})`);
    await page.click("#rf-cancel");

    // 退回: a reason required; under dual control the answer says it waits (待复核).
    await page.click(`${failedRow} button.return`);
    await page.waitForSelector("#confirm-dialog[open] #confirm-reason");
    const askedReturn = await text(page, "#confirm-dialog");
    check(askedReturn.includes(failed.paymentId) && askedReturn.includes("3,456.78 元") && askedReturn.includes("户名不符") &&
      await page.$eval("#confirm-ok", (b) => b.disabled), `the return's confirmation names the payment, amount and the bank's reason, and needs a reason (${askedReturn})`);
    await page.type("#confirm-reason", "收款人已注销，款项留在原资金");
    await page.click("#confirm-ok");
    await page.waitForSelector("#p-line-done, #p-line-notice .error", { timeout: 10000 });
    const returned = await text(page, "#p-line-notice");
    const returnInstruction = (returned.match(/IN-[0-9A-Za-z-]+/) ?? [""])[0];
    check(returned.includes("待复核") && returnInstruction !== "", `finance-1's return waits for a second officer, said so (${returned})`);
    await page.screenshot({ path: join(shots, "payments.png"), fullPage: true });
    await readable(page, "支付对账");
    await page.setViewport({ width: 1024, height: 1000 });
    await page.screenshot({ path: join(shots, "payments-1024.png"), fullPage: true });
    await page.setViewport({ width: 1440, height: 1000 });

    // The auditor reads the batch and its failed line, and is offered no reissue, return or upload.
    const audit = await open("auditor-1", `payments/${BATCH}`);
    await audit.page.waitForSelector(`#p-failed tr[data-payment="${failed.paymentId}"]`);
    check((await audit.page.$$("#p-failed button.reissue, #p-failed button.return")).length === 0 && await audit.page.$("#p-return-file") === null,
      "the auditor sees the failed line and is offered no reissue, return or upload");
    await audit.page.close();

    // finance-2 approves the return: the line leaves the failed lines; the batch counts it returned.
    const approvedReturn = await call("finance-2", "ApprovalService/ApproveInstruction", { requestId: "console-test-return-ok", instructionId: returnInstruction });
    check(approvedReturn.state === "POSTED", `finance-2 approves the return (${approvedReturn.state ?? JSON.stringify(approvedReturn.error)})`);
    const after = await reconcile(page);
    const cliAfter = reconcileByCli(BATCH);
    check(same(after, cliAfter) && after.returned.count === "1" && after.returned.fen === 345678n && after.open_failed.count === "0",
      `after the return the page's reconciliation is subsidyctl's: 1 returned, none open (page: ${figuresText(after)}; subsidyctl: ${cliAfter.error ?? figuresText(cliAfter.figures)})`);
    check(await eventually(page, () => !!document.querySelector("#p-failed #failed-none")), "the returned line has left the failed lines");
    await page.close();
  }

  // 预警处置 (issue 26). console-seed's BJ-EDU-MONITOR (budgeted 45 days ago, no 绩效目标; 8,000,000.00
  // 元 of it allocated to school 110106-FT001 40 days ago and never paid) raises today TARGETS_MISSING
  // (rule R-TARGETS-30) and IDLE_ALLOCATION (R-IDLE-30, addressed to the school). Finance sweeps them
  // into cases with the page's 刷新 and reads the counts by severity and state, which are the
  // server's; asks the school about the idle allocation from today's alerts (问询); the school sees
  // the inquiry on its own page and answers it (核实); finance rules it a violation (滞留闲置) and
  // records its rectification; the auditor reads the cases and the whole timeline and is offered no
  // form. Then finance enters the fund's 绩效目标 on the 资金执行 page: its 绩效目标录入率 is the
  // server's, and the next sweep closes the TARGETS_MISSING case.
  {
    const MON = "BJ-EDU-MONITOR";
    const SCHOOL = "110106-FT001";
    const todayCst = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
    const STATES = ["OPEN", "INQUIRED", "RESPONDED", "RULED_NORMAL", "RULED_VIOLATION", "RECTIFIED", "CLOSED"];
    const SEVERITIES = ["RED", "ORANGE", "YELLOW", "BLUE"];
    const getCase = (who, caseId) => call(who, "FundService/GetAlertCase", { caseId });
    const lastStep = (c) => (c.history ?? [])[(c.history ?? []).length - 1] ?? {};
    const brief = (c) => JSON.stringify(c.error ?? { state: c.state, steps: (c.history ?? []).map((x) => `${x.state} ${x.by}`) });

    const { page } = await open("finance-1", "alerts");
    await page.waitForSelector("#ac-list[data-loaded]");
    check(await page.$("#ac-sweep") !== null && await page.$("#aa-section") !== null,
      "finance is offered the sweep (刷新) and today's alerts to inquire into");

    // 刷新: today's WARN alerts become cases.
    await page.click("#ac-sweep");
    await page.waitForSelector("#ac-sweep-done, #ac-sweep-notice .error", { timeout: 20000 });
    const swept = await text(page, "#ac-sweep-notice");
    const monCases = await call("finance-1", "FundService/ListAlertCases", { fundId: MON, pageSize: 100 });
    const listed = monCases.cases ?? [];
    const idle = listed.find((c) => c.kind === "IDLE_ALLOCATION") ?? {};
    const missing = listed.find((c) => c.kind === "TARGETS_MISSING") ?? {};
    check(swept.includes("新立案") && /^\S+$/.test(idle.caseId ?? "") && idle.ruleId === "R-IDLE-30" && idle.subjectUnit === SCHOOL &&
      idle.state === "OPEN" && /^\S+$/.test(missing.caseId ?? "") && missing.ruleId === "R-TARGETS-30" && missing.state === "OPEN",
      `the sweep opens ${MON}'s cases: IDLE_ALLOCATION by R-IDLE-30 addressed to ${SCHOOL}, TARGETS_MISSING by R-TARGETS-30 (${swept}; ${
        JSON.stringify(monCases.error ?? listed.map((c) => `${c.caseId} ${c.kind} ${c.ruleId} ${c.state} ${c.subjectUnit ?? ""}`))})`);

    // The counts for the fund: the server's case count, and by severity and state those of its cases.
    async function shownCounts() {
      return page.evaluate((severities, states) => {
        const n = (id) => Number(document.getElementById(id)?.textContent ?? "NaN");
        return { count: n("ac-count"), severity: Object.fromEntries(severities.map((x) => [x, n(`tally-severity-${x}`)])),
          state: Object.fromEntries(states.map((x) => [x, n(`tally-state-${x}`)])) };
      }, SEVERITIES, STATES);
    }
    const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
    await setValue(page, "#ac-fund", MON);
    await page.$eval("#ac-tallies", (el) => el.replaceChildren());
    await page.click("#ac-apply");
    await page.waitForSelector(`#ac-list tr[data-case="${idle.caseId}"]`);
    await page.waitForSelector("#ac-count");
    const counts = await shownCounts();
    check(counts.count === (monCases.caseCount ?? 0) && counts.count === listed.length && counts.count >= 2 &&
      SEVERITIES.every((x) => counts.severity[x] === listed.filter((c) => c.severity === x).length) && sum(counts.severity) === counts.count &&
      counts.state.OPEN === counts.count && sum(counts.state) === counts.count,
      `the counts by severity and state are the server's for ${MON}: ${counts.count} cases, all 待处理 (${JSON.stringify(counts)})`);
    const rows = await page.$$eval("#ac-list tr[data-case]", (trs) => trs.map((tr) => `${tr.dataset.case} ${tr.dataset.severity} ${tr.dataset.state}`));
    check(rows.sort().join(";") === listed.map((c) => `${c.caseId} ${c.severity} ${c.state}`).sort().join(";"),
      `the list is the server's cases of ${MON} with their severities and states (${rows.join("; ")})`);
    const idleCells = (await cells(page, `#ac-list tr[data-case="${idle.caseId}"]`))[0] ?? [];
    check(idleCells[2] === "资金闲置" && idleCells[3] === MON && idleCells[5] === SCHOOL && idleCells[6] === "待处理",
      `the idle allocation's case in words: its kind, fund, the school that answers it, 待处理 (${idleCells.join(" | ")})`);

    // 问询 from today's alerts: the idle allocation's alert with its alert_id and its case.
    const todays = await call("finance-1", "FundService/ListFundAlerts", { asOf: todayCst, fundIds: [MON], pageSize: 50 });
    const idleAlert = (todays.alerts ?? []).find((a) => a.kind === "IDLE_ALLOCATION") ?? {};
    check(/^\S+$/.test(idleAlert.alertId ?? "") && idleAlert.caseId === idle.caseId && idleAlert.subjectUnit === SCHOOL && idleAlert.ruleId === "R-IDLE-30",
      `today's IDLE_ALLOCATION alert of ${MON} names its rule, the school and its case (${JSON.stringify(todays.error ?? idleAlert)})`);
    await setValue(page, "#aa-fund", MON);
    await page.click("#aa-apply");
    const alertRow = `#aa-list tr[data-alert="${idleAlert.alertId}"]`;
    await page.waitForSelector(`${alertRow} button.inquire`);
    const alertCells = (await cells(page, alertRow))[0] ?? [];
    check(alertCells[0] === idleAlert.alertId && alertCells[2] === "资金闲置" && alertCells[5] === SCHOOL &&
      alertCells[7]?.includes(idle.caseId) && alertCells[7]?.includes("待处理"),
      `today's alert on the page: its alert_id, kind, the school and its open case (${alertCells.join(" | ")})`);
    const QUESTION = "该笔资金拨付后超过30天未支出，请说明原因及支出计划";
    await page.click(`${alertRow} button.inquire`);
    await page.waitForSelector("#aq-form");
    await page.type("#aq-question", QUESTION);
    await page.click("#aq-submit");
    await page.waitForSelector("#aq-done, #aq-notice .error", { timeout: 10000 });
    const inquired = await text(page, "#aq-notice");
    const afterInquiry = await getCase("finance-1", idle.caseId);
    check(inquired.includes(idle.caseId) && inquired.includes(SCHOOL) && afterInquiry.state === "INQUIRED" &&
      lastStep(afterInquiry).state === "INQUIRED" && lastStep(afterInquiry).by === "finance-1" && lastStep(afterInquiry).text === QUESTION,
      `finance-1 asks ${SCHOOL} about the idle allocation: the case is 已问询 with the question (${inquired}; ${brief(afterInquiry)})`);
    // The case opens with its question in the timeline; the counts move from 待处理 to 已问询.
    await page.waitForSelector(`#ac-case[data-case="${idle.caseId}"][data-state="INQUIRED"] #ac-timeline`);
    const askedShown = (await text(page, "#ac-timeline")).includes(QUESTION);
    const moved = await eventually(page, (n) => document.getElementById("tally-state-INQUIRED")?.textContent === "1" &&
      document.getElementById("tally-state-OPEN")?.textContent === String(n - 1), counts.count);
    check(askedShown && moved, `the case's timeline has the question, and the counts say 1 已问询, ${counts.count - 1} 待处理 (${JSON.stringify(await shownCounts())})`);
    check(await page.$("#ac-respond-form") === null && await page.$("#ac-rule-form") !== null,
      "finance is offered the ruling, not the school's response");
    await page.screenshot({ path: join(shots, "alerts-inquired.png"), fullPage: true });
    await readable(page, "预警处置 (finance)");

    // 核实: the school sees the inquiry addressed to it on its own page and answers it.
    const school = await open("school-1", "school");
    const schoolRow = `#ui-list tr[data-case="${idle.caseId}"]`;
    await school.page.waitForSelector(`${schoolRow} button.respond`);
    check(await nav(school.page) === "school", `the school answers on its own page, the only one it reads (${await nav(school.page)})`);
    const schoolCells = (await cells(school.page, schoolRow))[0] ?? [];
    check(schoolCells[2] === "资金闲置" && schoolCells[3] === MON && schoolCells[5] === "已问询",
      `the school's inquiry: the idle allocation of ${MON}, 已问询 (${schoolCells.join(" | ")})`);
    const theirs = await call("school-1", "FundService/ListAlertCases", { pageSize: 100 });
    const shownToSchool = await school.page.$$eval("#ui-list tr[data-case]", (trs) => trs.map((tr) => tr.dataset.case));
    check((theirs.cases ?? []).length > 0 && theirs.cases.every((c) => c.subjectUnit === SCHOOL) &&
      shownToSchool.every((id) => theirs.cases.some((c) => c.caseId === id)),
      `the school is given only the cases addressed to it (${JSON.stringify(theirs.error ?? (theirs.cases ?? []).map((c) => `${c.caseId} ${c.subjectUnit}`))})`);
    await school.page.click(`${schoolRow} button.respond`);
    await school.page.waitForSelector("#ui-respond-form");
    const askedSchool = await text(school.page, "#ui-asked");
    check(askedSchool.includes(QUESTION), `the response form shows what finance asked (${askedSchool})`);
    const RESPONSE = "该笔资金用于下学期教学设备采购，已完成招标，预计两周内支付";
    await school.page.type("#ui-response", RESPONSE);
    await school.page.click("#ui-respond-submit");
    await school.page.waitForSelector("#ui-done, #ui-notice .error", { timeout: 10000 });
    const responded = await text(school.page, "#ui-notice");
    const afterResponse = await getCase("school-1", idle.caseId);
    check(responded.includes(idle.caseId) && afterResponse.state === "RESPONDED" && lastStep(afterResponse).by === "school-1" &&
      lastStep(afterResponse).text === RESPONSE,
      `school-1 responds on its page: the case is 已回复 with its response (${responded}; ${brief(afterResponse)})`);
    check(await eventually(school.page, (q) => document.querySelector(q)?.dataset.state === "RESPONDED" && !document.querySelector(`${q} button.respond`), schoolRow),
      "the school's list shows the case 已回复, nothing more to answer");
    await school.page.screenshot({ path: join(shots, "school-inquiry.png"), fullPage: true });
    await readable(school.page, "学校经费 with its inquiry");
    await school.page.close();

    // 认定 and 整改 on the finance page.
    await page.click("#ac-apply");
    const respondedRow = `#ac-list tr[data-case="${idle.caseId}"][data-state="RESPONDED"]`;
    await page.waitForSelector(`${respondedRow} button.open`);
    await page.click(`${respondedRow} button.open`);
    await page.waitForSelector(`#ac-case[data-case="${idle.caseId}"][data-state="RESPONDED"] #ac-rule-form`);
    check((await text(page, "#ac-timeline")).includes(RESPONSE), "finance reads the school's response in the timeline");
    await page.select("#ac-finding", "2");    // VIOLATION
    await page.select("#ac-violation", "2");  // IDLE_FUNDS: 滞留闲置
    await page.type("#ac-rule-note", "拨付后超过30天未支出，属资金滞留");
    await page.click("#ac-rule-submit");
    await page.waitForSelector('#ac-case[data-state="RULED_VIOLATION"] #ac-facts, #ac-notice .error', { timeout: 10000 });
    const ruled = await getCase("finance-1", idle.caseId);
    const violationFact = await page.$eval('#ac-facts tr[data-fact="violation"]', (tr) => tr.cells[1].textContent).catch(() => "(none)");
    check(ruled.state === "RULED_VIOLATION" && ruled.violationType === "IDLE_FUNDS" && lastStep(ruled).finding === "VIOLATION" && violationFact === "滞留闲置",
      `finance-1 rules it a violation, 滞留闲置 (${violationFact}; ${brief(ruled)})`);
    await page.waitForSelector("#ac-rectify-form");
    await page.select("#ac-rectify-action", "3");  // OTHER: 其他
    await page.type("#ac-rectify-note", "已督促学校按采购进度支出");
    await page.click("#ac-rectify-submit");
    await page.waitForSelector('#ac-case[data-state="RECTIFIED"], #ac-case[data-state="CLOSED"], #ac-notice .error', { timeout: 10000 });
    const rectified = await getCase("finance-1", idle.caseId);
    check(rectified.state === "RECTIFIED" && lastStep(rectified).rectifyAction === "OTHER" && lastStep(rectified).by === "finance-1" &&
      (await text(page, "#ac-notice")).includes("其他"),
      `finance-1 records the rectification (其他): 已整改 while the money is still idle (${await text(page, "#ac-notice")}; ${brief(rectified)})`);
    await page.screenshot({ path: join(shots, "alerts-rectified.png"), fullPage: true });

    // The auditor reads the cases and the whole timeline, and is offered nothing to do.
    const audit = await open("auditor-1", `alerts/${idle.caseId}`);
    await audit.page.waitForSelector(`#ac-case[data-case="${idle.caseId}"][data-loaded] #ac-timeline tr[data-step]`);
    await audit.page.waitForSelector("#ac-list[data-loaded] tr[data-case]");
    const steps = await audit.page.$$eval("#ac-timeline tr[data-step]", (trs) => trs.map((tr) => ({ state: tr.dataset.state, cells: [...tr.cells].map((c) => c.textContent) })));
    const history = rectified.history ?? [];
    check(steps.length === history.length && steps.every((x, i) => x.state === history[i].state &&
      x.cells[1] === (history[i].by === "system" ? "系统" : history[i].by) && x.cells[3] === (history[i].text || "—") &&
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(x.cells[0])),
      `the auditor reads the case's every step as the server keeps them: when, who, state, text (${steps.map((x) => x.cells.slice(0, 4).join(" ")).join(" | ")})`);
    const tail = steps.slice(-4);
    check(tail.map((x) => `${x.state} ${x.cells[1]}`).join(",") === "INQUIRED finance-1,RESPONDED school-1,RULED_VIOLATION finance-1,RECTIFIED finance-1" &&
      tail[0].cells[2] === "已问询" && tail[1].cells[2] === "已回复" && tail[2].cells[4] === "违规" && tail[2].cells[5] === "滞留闲置" &&
      tail[3].cells[2] === "已整改" && tail[3].cells[6] === "其他",
      `the timeline: 已问询 by finance-1, 已回复 by school-1, 认定违规 (滞留闲置) and 已整改 (其他) by finance-1 (${tail.map((x) => x.cells.join(" ")).join(" | ")})`);
    check((await audit.page.$$("#ac-sweep, #aa-section, #aq-form, #ac-forms, #ac-inquire-form, #ac-respond-form, #ac-rule-form, #ac-rectify-form")).length === 0,
      "the auditor is offered no sweep, inquiry, response, ruling or rectification");
    await audit.page.screenshot({ path: join(shots, "alerts-auditor.png"), fullPage: true });
    await readable(audit.page, "预警处置 (auditor)");
    await audit.page.close();

    // 绩效目标 on the 资金执行 page: the report's two new figures are the server's; the targets entered
    // and progress recorded on the page; the fund's 绩效目标录入率 moves as the server says.
    const reportRow = async () => ((await call("finance-1", "FundService/GetExecutionReport", { asOf: todayCst, fundIds: [MON], groupBy: "FUND" })).rows ?? [])[0] ?? {};
    const pctOf = (p) => (p ? `${p}%` : "—");
    const monRow = `#f-report tr[data-fund="${MON}"]`;
    const shownFigures = () => page.$eval(monRow, (tr) => [tr.querySelector(".target-entry")?.textContent, tr.querySelector(".beneficiary-recorded")?.textContent]);
    await page.goto(`${origin}/#funds`);
    await page.waitForSelector("#f-report[data-loaded] table");
    await setValue(page, "#f-asof", todayCst);
    await setValue(page, "#f-region", "1101");
    await page.click("#f-apply");
    await page.waitForSelector(monRow);
    const before = await reportRow();
    const figuresBefore = await shownFigures();
    check(figuresBefore[0] === pctOf(before.targetEntryPercent) && figuresBefore[1] === pctOf(before.beneficiaryRecordedPercent),
      `${MON}'s 绩效目标录入率 and 到人到户率 are the server's (${figuresBefore.join(", ")}; ${JSON.stringify([before.targetEntryPercent, before.beneficiaryRecordedPercent])})`);
    await page.click(`${monRow} a.fund-link`);
    await page.waitForSelector(`#f-targets[data-loaded][data-fund="${MON}"]`);
    check((await text(page, "#ft-entered")).includes("尚未录入绩效目标"), `${MON} has no 绩效目标 yet (${await text(page, "#ft-entered")})`);
    await setValue(page, "#ft-id", "OUT-1");
    await page.select("#ft-kind", "1");  // OUTPUT: 产出指标
    await setValue(page, "#ft-name", "受益学生人数");
    await setValue(page, "#ft-unit", "人");
    await setValue(page, "#ft-value", "1200");
    await page.click("#ft-add");
    const indicator = '#f-targets tr[data-indicator="OUT-1"]';
    await page.waitForSelector(`${indicator}, #ft-notice .error`, { timeout: 10000 });
    const entered = (await cells(page, indicator))[0] ?? [];
    check(entered[1] === "产出指标" && entered[2] === "受益学生人数" && entered[3] === "人" && entered[4] === "1200" &&
      entered[7] === "finance-1" && entered[8] === todayCst,
      `finance-1 enters an output indicator: 受益学生人数, 1200 人, entered today (${await text(page, "#ft-notice")}; ${entered.join(" | ")})`);
    await page.type(`${indicator} input.t-progress`, "300");
    await page.click(`${indicator} button.t-record`);
    const progressed = await eventually(page, (q) => document.querySelector(q)?.cells[5]?.textContent === "300", indicator);
    check(progressed, `progress recorded against it: 300 (${await text(page, "#ft-notice")})`);
    const after = await reportRow();
    const moved2 = await eventually(page, (q, want) => document.querySelector(`${q} .target-entry`)?.textContent === want, monRow, pctOf(after.targetEntryPercent));
    check(moved2 && after.targetEntryPercent !== before.targetEntryPercent,
      `with targets entered ${MON}'s 绩效目标录入率 is the server's new figure (${pctOf(before.targetEntryPercent)} → ${pctOf(after.targetEntryPercent)}; shown ${(await shownFigures())[0]})`);
    await page.screenshot({ path: join(shots, "fund-targets.png"), fullPage: true });
    await readable(page, "资金执行 with a fund's 绩效目标");

    // The next sweep closes the TARGETS_MISSING case: its cause has gone.
    await page.goto(`${origin}/#alerts`);
    await page.waitForSelector("#ac-list[data-loaded]");
    await page.click("#ac-sweep");
    await page.waitForSelector("#ac-sweep-done, #ac-sweep-notice .error", { timeout: 20000 });
    await page.select("#ac-state", "7");  // CLOSED: 已关闭
    await setValue(page, "#ac-fund", MON);
    await page.click("#ac-apply");
    const closedShown = await eventually(page, (q) => !!document.querySelector(q), `#ac-list tr[data-case="${missing.caseId}"][data-state="CLOSED"]`);
    const closed = await getCase("finance-1", missing.caseId);
    check(closedShown && closed.state === "CLOSED" && closed.closedReason === "CAUSE_GONE",
      `the sweep after the targets closes ${missing.caseId} (TARGETS_MISSING): 已关闭, the cause gone (${await text(page, "#ac-sweep-notice")}; ${closed.state ?? JSON.stringify(closed.error)} ${closed.closedReason ?? ""})`);
    await page.close();
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
