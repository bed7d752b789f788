// The officers' console: sign-in with a pasted token (kept in sessionStorage), four pages by
// hash route, Chinese first with an English toggle.
import { fundsPage } from "./funds.js";
import { loansPage } from "./loans.js";
import { rewardsPage } from "./rewards.js";
import { schoolPage } from "./school.js";
import { h, lang, setLang, setToken, t, token } from "./ui.js";

const PAGES: { id: string; zh: string; en: string; show: (root: HTMLElement, arg: string) => void }[] = [
  { id: "funds", zh: "资金执行", en: "Funds", show: (root) => fundsPage(root) },
  { id: "school", zh: "学校经费", en: "Schools", show: (root, arg) => schoolPage(root, arg) },
  { id: "rewards", zh: "免申即享兑现", en: "Rewards", show: (root) => rewardsPage(root) },
  { id: "loans", zh: "贷款贴息", en: "Loans", show: (root) => loansPage(root) },
];

function render(): void {
  document.documentElement.lang = lang() === "zh" ? "zh-CN" : "en";
  document.title = t("财政补贴资金监控台", "Fiscal subsidy console");
  document.getElementById("title")!.textContent = t("财政补贴资金监控台", "Fiscal subsidy console");
  // "#school/SCH-001": the page, then its argument.
  const [id, arg = ""] = location.hash.replace(/^#/, "").split("/");
  const page = PAGES.find((p) => p.id === id) ?? PAGES[0];
  document.getElementById("nav")!.replaceChildren(...PAGES.map((p) =>
    h("a", { href: `#${p.id}`, id: `nav-${p.id}`, class: p === page ? "active" : "" }, t(p.zh, p.en))));
  const tokenInput = h("input", { type: "password", id: "token", placeholder: t("粘贴令牌", "Paste a token"), autocomplete: "off" });
  document.getElementById("session")!.replaceChildren(
    token() ? h("span", { id: "signed-in" }, t("已登录", "Signed in")) : tokenInput,
    token() ? h("button", { id: "sign-out", onclick: () => { setToken(""); render(); } }, t("退出", "Sign out"))
      : h("button", { id: "sign-in", onclick: () => { setToken(tokenInput.value.trim()); render(); } }, t("登录", "Sign in")),
    h("button", { id: "lang", onclick: () => { setLang(lang() === "zh" ? "en" : "zh"); render(); } }, lang() === "zh" ? "English" : "中文"));
  const root = document.getElementById("page")!;
  root.replaceChildren();
  page.show(root, decodeURIComponent(arg));
  root.dataset.page = page.id;
}

window.addEventListener("hashchange", render);
render();
