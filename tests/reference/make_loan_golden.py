import sys, json
sys.path.insert(0, "/work/main/tests/reference")
import loan_reference as R

def base(**kw):
    r = {"province": "41", "region_tier": "CENTRAL_WEST", "program": "ENTREPRENEUR_INDIVIDUAL"}
    r.update(kw); return r

cases = [
 ("liuzhou-2023-whole-year", "REFERENCE.md: Liuzhou 2023, 100,000 元 at 5.15 % = LPR 3.65 + 150 bp, 21号 subsidy 3.00 %, borrower 2.15 %. On ACT/360 over 365 days the interest is 5,221.53 元 (reference); here it is rounded once per settlement period and the 5 periods still sum to 5,221.53 元.",
  base(loan_id="LZ-2023", province="45", principal_fen=10000000, contract_date="2023-01-10", disbursement_date="2023-01-10", maturity_date="2024-01-10", annual_rate_percent="5.15")),
 ("reference-150000-8.075-90-days", "REFERENCE.md bank figure: 150,000 元 at 8.075 % for 90 days = 3,028.125 元 → 3,028.13 half-up. Rate above every ceiling: interest only.",
  base(loan_id="B90", province="11", region_tier="EAST", principal_fen=15000000, contract_date="2024-03-01", disbursement_date="2024-03-01", maturity_date="2025-03-01", annual_rate_percent="8.075", claim_period={"start_date":"2024-03-21","end_date":"2024-06-18"})),
 ("reference-150000-8.075-89-days", "REFERENCE.md: 89 days = 2,994.479 → 2,994.48.",
  base(loan_id="B89", province="11", region_tier="EAST", principal_fen=15000000, contract_date="2024-03-01", disbursement_date="2024-03-01", maturity_date="2025-03-01", annual_rate_percent="8.075", claim_period={"start_date":"2024-03-21","end_date":"2024-06-17"})),
 ("reference-150000-8.075-91-days", "REFERENCE.md: 91 days = 3,061.77.",
  base(loan_id="B91", province="11", region_tier="EAST", principal_fen=15000000, contract_date="2024-03-01", disbursement_date="2024-03-01", maturity_date="2025-03-01", annual_rate_percent="8.075", claim_period={"start_date":"2024-03-21","end_date":"2024-06-19"})),
 ("reference-150000-8.075-92-days", "REFERENCE.md: 92 days = 3,095.417 → 3,095.42 (the whole Mar 21–Jun 20 period).",
  base(loan_id="B92", province="11", region_tier="EAST", principal_fen=15000000, contract_date="2024-03-01", disbursement_date="2024-03-01", maturity_date="2025-03-01", annual_rate_percent="8.075", claim_period={"start_date":"2024-03-21","end_date":"2024-06-20"})),
 ("reference-4360000-repayment-day-10", "REFERENCE.md: 4,360,000 元 at 7.56 % = 915.6 元/day; repaying 60,000 on day 10 of a 92-day quarter: 9 × 915.6 + 83 × 903 = 83,189.40 元. Above the small-business cap and the ceiling: interest only.",
  base(loan_id="R4360", program="ENTREPRENEUR_SMALL_BUSINESS", principal_fen=436000000, contract_date="2024-01-10", disbursement_date="2024-01-10", maturity_date="2026-01-10", annual_rate_percent="7.56", repayments=[{"date":"2024-03-30","principal_fen":6000000}], claim_period={"start_date":"2024-03-21","end_date":"2024-06-20"})),
 ("cn-2023-75-individual-half-rate", "75号: subsidy = rate ÷ 2. 300,000 元 at 4.95 % (LPR 3.45 + 150), one quarter.",
  base(loan_id="75-IND", principal_fen=30000000, contract_date="2024-01-15", disbursement_date="2024-01-15", maturity_date="2027-01-15", annual_rate_percent="4.95", claim_period={"start_date":"2024-03-21","end_date":"2024-06-20"})),
 ("cn-2023-75-odd-fen-half-rate", "rate ÷ 2 = 1.9875 %: exact, rounded once per period.",
  base(loan_id="75-ODD", principal_fen=12345678, contract_date="2024-08-01", disbursement_date="2024-08-05", maturity_date="2025-08-05", annual_rate_percent="3.975", claim_period={"start_date":"2024-09-21","end_date":"2024-12-20"})),
 ("cn-2020-21-rate-minus-lpr", "21号: subsidy = rate − (LPR − 1.50) = 4.20 − 2.20 = 2.00 %; LPR 3.70 on 2022-03-01.",
  base(loan_id="21-IND", principal_fen=20000000, contract_date="2022-03-01", disbursement_date="2022-03-01", maturity_date="2023-03-01", annual_rate_percent="4.20")),
 ("cn-2020-21-floored-at-zero", "21号 with a rate below LPR − 1.50: subsidy rate 0, eligible.",
  base(loan_id="21-ZERO", principal_fen=20000000, contract_date="2022-03-01", disbursement_date="2022-03-01", maturity_date="2022-09-01", annual_rate_percent="2.10")),
 ("transition-individual-contract-rate", "before 2021: individuals' interest subsidised in full.",
  base(loan_id="T-IND", province="13", principal_fen=20000000, contract_date="2020-06-01", disbursement_date="2020-06-01", maturity_date="2021-06-01", annual_rate_percent="5.35", claim_period={"start_date":"2020-06-21","end_date":"2020-09-20"})),
 ("transition-small-business-lpr-half", "before 2021: small firms get 50 % of the LPR (3.85 ÷ 2 = 1.925 %).",
  base(loan_id="T-SB", program="ENTREPRENEUR_SMALL_BUSINESS", principal_fen=300000000, contract_date="2020-06-01", disbursement_date="2020-06-10", maturity_date="2021-06-10", annual_rate_percent="5.35", claim_period={"start_date":"2020-06-21","end_date":"2020-09-20"})),
 ("jiangsu-keeps-21-until-2024-02-29", "苏财金〔2024〕20号: a Jiangsu loan of 2024-02-29 stays on 21号 (EAST: ceiling LPR + 50 bp = 3.95 %).",
  base(loan_id="JS-21", province="32", region_tier="EAST", principal_fen=20000000, contract_date="2024-02-29", disbursement_date="2024-02-29", maturity_date="2025-02-28", annual_rate_percent="3.95", claim_period={"start_date":"2024-03-21","end_date":"2024-06-20"})),
 ("jiangsu-75-from-2024-03-01", "Jiangsu takes 75号 from 2024-03-01.",
  base(loan_id="JS-75", province="32", region_tier="EAST", principal_fen=20000000, contract_date="2024-03-01", disbursement_date="2024-03-01", maturity_date="2025-03-01", annual_rate_percent="3.95", claim_period={"start_date":"2024-03-21","end_date":"2024-06-20"})),
 ("shanghai-ceiling-plus-50", "75号 ceiling in Shanghai is LPR + 50 bp: 4.00 % > 3.45 + 0.50.",
  base(loan_id="SH", province="31", region_tier="EAST", principal_fen=20000000, contract_date="2024-01-15", disbursement_date="2024-01-15", maturity_date="2025-01-15", annual_rate_percent="4.00", claim_period={"start_date":"2024-03-21","end_date":"2024-06-20"})),
 ("sichuan-topup-500k-subsidy-on-300k", "SC-2025-TOPUP: a 50万 individual loan is eligible, the subsidy is on the first 30万.",
  base(loan_id="SC-50W", province="51", principal_fen=50000000, contract_date="2025-06-01", disbursement_date="2025-06-01", maturity_date="2027-06-01", annual_rate_percent="4.50", claim_period={"start_date":"2025-06-21","end_date":"2025-09-20"})),
 ("sichuan-before-topup-above-cap", "Before 2025-04-01 Sichuan is on 75号: 50万 is above the 30万 cap.",
  base(loan_id="SC-OLD", province="51", principal_fen=50000000, contract_date="2025-03-31", disbursement_date="2025-03-31", maturity_date="2026-03-31", annual_rate_percent="4.50", claim_period={"start_date":"2025-03-31","end_date":"2025-06-20"})),
 ("partnership-cap-scales-with-partners", "3 partners × 30万 × 110 % = 99万 cap: 100万 is above it.",
  base(loan_id="P3", program="ENTREPRENEUR_PARTNERSHIP", partner_count=3, principal_fen=100000000, contract_date="2024-05-01", disbursement_date="2024-05-01", maturity_date="2026-05-01", annual_rate_percent="4.00", claim_period={"start_date":"2024-06-21","end_date":"2024-09-20"})),
 ("partnership-within-cap", "4 partners: cap 132万; 120万 eligible.",
  base(loan_id="P4", program="ENTREPRENEUR_PARTNERSHIP", partner_count=4, principal_fen=120000000, contract_date="2024-05-01", disbursement_date="2024-05-01", maturity_date="2026-05-01", annual_rate_percent="4.00", claim_period={"start_date":"2024-06-21","end_date":"2024-09-20"})),
 ("prior-loans-limit", "a fourth subsidised loan is not eligible.",
  base(loan_id="PRIOR", principal_fen=10000000, prior_subsidized_loans=3, contract_date="2024-05-01", disbursement_date="2024-05-01", maturity_date="2025-05-01", annual_rate_percent="4.00", claim_period={"start_date":"2024-06-21","end_date":"2024-09-20"})),
 ("no-regime-before-2020-04-15", "no regime for a contract of 2020-03-01: interest only.",
  base(loan_id="NOREG", principal_fen=10000000, contract_date="2020-03-01", disbursement_date="2020-03-01", maturity_date="2020-09-01", annual_rate_percent="4.05", claim_period={"start_date":"2020-03-21","end_date":"2020-06-20"})),
 ("poverty-microcredit-full-rate", "脱贫人口小额信贷: ≤ 5万 at ≤ LPR, fully subsidised.",
  base(loan_id="POV", program="POVERTY_MICROCREDIT", region_tier="POVERTY_AREA", principal_fen=5000000, contract_date="2023-04-01", disbursement_date="2023-04-01", maturity_date="2026-04-01", annual_rate_percent="3.65", claim_period={"start_date":"2023-12-21","end_date":"2024-03-20"})),
 ("poverty-microcredit-above-lpr", "the poverty ceiling is the LPR itself (+0 bp).",
  base(loan_id="POV-HI", program="POVERTY_MICROCREDIT", region_tier="POVERTY_AREA", principal_fen=5000000, contract_date="2023-04-01", disbursement_date="2023-04-01", maturity_date="2024-04-01", annual_rate_percent="3.70", claim_period={"start_date":"2023-06-21","end_date":"2023-09-20"})),
 ("small-business-term-2-years-leap-start", "small business: subsidy for 2 years from 2024-02-29, i.e. before 2026-02-28.",
  base(loan_id="SB-LEAP", program="ENTREPRENEUR_SMALL_BUSINESS", principal_fen=200000000, contract_date="2024-02-29", disbursement_date="2024-02-29", maturity_date="2027-02-28", annual_rate_percent="3.95", lpr_tenor="FIVE_YEAR", claim_period={"start_date":"2025-12-21","end_date":"2026-03-20"})),
 ("individual-term-3-years", "individuals: 3 years; the last quarter is cut at disbursement + 3 years.",
  base(loan_id="IND-3Y", principal_fen=20000000, contract_date="2023-11-10", disbursement_date="2023-11-10", maturity_date="2027-11-10", annual_rate_percent="4.00", lpr_tenor="FIVE_YEAR", claim_period={"start_date":"2026-09-21","end_date":"2026-12-20"})),
 ("overdue-excluded", "an overdue range earns interest but no subsidy.",
  base(loan_id="OVD", principal_fen=20000000, contract_date="2024-01-10", disbursement_date="2024-01-10", maturity_date="2025-01-10", annual_rate_percent="4.00", overdue_periods=[{"start_date":"2024-04-01","end_date":"2024-04-30"}], claim_period={"start_date":"2024-03-21","end_date":"2024-06-20"})),
 ("repayments-mid-period-act365", "two repayments inside one period, ACT/365.",
  base(loan_id="REP365", principal_fen=30000000, contract_date="2024-01-10", disbursement_date="2024-01-10", maturity_date="2025-01-10", annual_rate_percent="4.10", day_count="ACT_365", repayments=[{"date":"2024-04-15","principal_fen":10000000},{"date":"2024-05-20","principal_fen":5000000}], claim_period={"start_date":"2024-03-21","end_date":"2024-06-20"})),
 ("fully-repaid-early", "repaid in full mid-life: no period after it.",
  base(loan_id="EARLY", principal_fen=10000000, contract_date="2024-01-10", disbursement_date="2024-01-10", maturity_date="2025-01-10", annual_rate_percent="4.00", repayments=[{"date":"2024-05-01","principal_fen":10000000}])),
 ("lpr-unconfirmed-after-2026-05-20", "a contract after the last confirmed LPR fixing uses the latest value (3.00) and says so.",
  base(loan_id="UNCONF", principal_fen=20000000, contract_date="2026-07-01", disbursement_date="2026-07-01", maturity_date="2027-07-01", annual_rate_percent="4.00", claim_period={"start_date":"2026-07-01","end_date":"2026-09-20"})),
 ("five-year-lpr-for-long-loan", "a 3-year loan with lpr_tenor FIVE_YEAR uses the 5-year LPR (3.95 on 2024-03-01).",
  base(loan_id="LPR5", principal_fen=20000000, contract_date="2024-03-01", disbursement_date="2024-03-01", maturity_date="2027-03-01", annual_rate_percent="5.45", lpr_tenor="FIVE_YEAR", claim_period={"start_date":"2024-03-21","end_date":"2024-06-20"})),
 ("one-year-loan-ignores-five-year-tenor", "a loan of at most 1 year always uses the 1-year LPR.",
  base(loan_id="LPR1", principal_fen=20000000, contract_date="2024-03-01", disbursement_date="2024-03-01", maturity_date="2025-03-01", annual_rate_percent="4.95", lpr_tenor="FIVE_YEAR", claim_period={"start_date":"2024-03-21","end_date":"2024-06-20"})),
]
out = ["# proto-file: tests/golden/golden_cases.proto", "# proto-message: subsidy.test.LoanGoldenFile",
       "# Loan golden cases: inputs and the expected answer, exact to the 分. Worked figures from",
       "# REFERENCE.md are reproduced where its conventions match the service's; every other figure",
       "# was computed day by day with exact fractions by tests/reference/loan_reference.py and",
       "# checked by hand for the arithmetic named in the note.", ""]
def tp_req(r):
    parts = []
    for k, v in r.items():
        if k in ("repayments",):
            for x in v: parts.append(f'    repayments {{ date: "{x["date"]}" principal_fen: {x["principal_fen"]} }}')
        elif k == "overdue_periods":
            for x in v: parts.append(f'    overdue_periods {{ start_date: "{x["start_date"]}" end_date: "{x["end_date"]}" }}')
        elif k == "claim_period":
            parts.append(f'    claim_period {{ start_date: "{v["start_date"]}" end_date: "{v["end_date"]}" }}')
        elif isinstance(v, int):
            parts.append(f"    {k}: {v}")
        elif k in ("region_tier", "program", "lpr_tenor", "day_count"):
            parts.append(f"    {k}: {v}")
        else:
            parts.append(f'    {k}: "{v}"')
    return "\n".join(parts)
for name, note, r in cases:
    w = R.compute(r)
    out.append("cases {")
    out.append(f'  name: "{name}"')
    out.append(f'  note: "{note}"')
    out.append("  request {\n" + tp_req(r) + "\n  }")
    e = [f'    loan_id: "{r["loan_id"]}"', f"    eligible: {str(w['eligible']).lower()}"]
    for c in w["reasons"]: e.append(f'    reasons {{ code: "{c}" }}')
    if w["regime_id"]: e.append(f'    regime_id: "{w["regime_id"]}"')
    if w.get("lpr_percent"): e.append(f'    lpr_percent: "{w["lpr_percent"]}"')
    if w.get("ceiling_percent"): e.append(f'    ceiling_percent: "{w["ceiling_percent"]}"')
    e.append(f'    subsidy_rate_percent: "{w["subsidy_rate_percent"]}"')
    for p in w["periods"]:
        e.append(f'    periods {{ start_date: "{p["start_date"]}" end_date: "{p["end_date"]}" days: {p["days"]} interest_fen: {p["interest_fen"]} subsidy_fen: {p["subsidy_fen"]} borrower_fen: {p["borrower_fen"]} }}')
    e.append(f"    total_interest_fen: {w['total_interest_fen']}")
    e.append(f"    total_subsidy_fen: {w['total_subsidy_fen']}")
    e.append(f"    total_borrower_fen: {w['total_borrower_fen']}")
    out.append("  expect {\n" + "\n".join(e) + "\n  }")
    out.append("}")
errs = [
 ("bad-principal", "principal_fen", base(loan_id="E1", principal_fen=0, contract_date="2024-01-10", disbursement_date="2024-01-10", maturity_date="2025-01-10", annual_rate_percent="4.00")),
 ("bad-rate-text", "annual_rate_percent", base(loan_id="E2", principal_fen=100, contract_date="2024-01-10", disbursement_date="2024-01-10", maturity_date="2025-01-10", annual_rate_percent="4,00")),
 ("bad-date", "maturity_date", base(loan_id="E3", principal_fen=100, contract_date="2024-01-10", disbursement_date="2024-01-10", maturity_date="2023-02-29", annual_rate_percent="4.00")),
 ("disbursement-before-contract", "disbursement_date", base(loan_id="E4", principal_fen=100, contract_date="2024-01-10", disbursement_date="2024-01-09", maturity_date="2025-01-10", annual_rate_percent="4.00")),
 ("maturity-not-after-disbursement", "maturity_date", base(loan_id="E5", principal_fen=100, contract_date="2024-01-10", disbursement_date="2024-01-10", maturity_date="2024-01-10", annual_rate_percent="4.00")),
 ("claim-period-reversed", "claim_period.end_date", base(loan_id="E6", principal_fen=100, contract_date="2024-01-10", disbursement_date="2024-01-10", maturity_date="2025-01-10", annual_rate_percent="4.00", claim_period={"start_date":"2024-06-20","end_date":"2024-03-21"})),
 ("repayment-outside-life", "repayments[0].date", base(loan_id="E7", principal_fen=100, contract_date="2024-01-10", disbursement_date="2024-01-10", maturity_date="2025-01-10", annual_rate_percent="4.00", repayments=[{"date":"2025-01-11","principal_fen":10}])),
 ("repayment-not-positive", "repayments[1].principal_fen", base(loan_id="E8", principal_fen=100, contract_date="2024-01-10", disbursement_date="2024-01-10", maturity_date="2025-01-10", annual_rate_percent="4.00", repayments=[{"date":"2024-03-01","principal_fen":10},{"date":"2024-04-01","principal_fen":0}])),
 ("repayments-above-principal", "repayments[1].principal_fen", base(loan_id="E9", principal_fen=100, contract_date="2024-01-10", disbursement_date="2024-01-10", maturity_date="2025-01-10", annual_rate_percent="4.00", repayments=[{"date":"2024-03-01","principal_fen":60},{"date":"2024-04-01","principal_fen":41}])),
 ("overdue-reversed", "overdue_periods[0].end_date", base(loan_id="E10", principal_fen=100, contract_date="2024-01-10", disbursement_date="2024-01-10", maturity_date="2025-01-10", annual_rate_percent="4.00", overdue_periods=[{"start_date":"2024-05-01","end_date":"2024-04-01"}])),
 ("partnership-one-partner", "partner_count", base(loan_id="E11", program="ENTREPRENEUR_PARTNERSHIP", partner_count=1, principal_fen=100, contract_date="2024-01-10", disbursement_date="2024-01-10", maturity_date="2025-01-10", annual_rate_percent="4.00")),
 ("unspecified-program", "program", base(loan_id="E12", program="LOAN_PROGRAM_UNSPECIFIED", principal_fen=100, contract_date="2024-01-10", disbursement_date="2024-01-10", maturity_date="2025-01-10", annual_rate_percent="4.00")),
 ("unspecified-region-tier", "region_tier", base(loan_id="E13", region_tier="REGION_TIER_UNSPECIFIED", principal_fen=100, contract_date="2024-01-10", disbursement_date="2024-01-10", maturity_date="2025-01-10", annual_rate_percent="4.00")),
 ("unknown-province", "province", base(loan_id="E14", province="99", principal_fen=100, contract_date="2024-01-10", disbursement_date="2024-01-10", maturity_date="2025-01-10", annual_rate_percent="4.00")),
]
for name, field, r in errs:
    out.append("cases {")
    out.append(f'  name: "{name}"')
    out.append("  request {\n" + tp_req(r) + "\n  }")
    out.append(f'  expect {{ error {{ code: "INVALID_ARGUMENT" field: "{field}" }} }}')
    out.append("}")
open("/work/main/tests/golden/loan_cases.textproto", "w").write("\n".join(out) + "\n")
