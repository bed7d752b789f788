#!/usr/bin/env python3
"""An independent implementation of the loan interest-subsidy rules (issue #3), for differential
tests: written from the issue's text, day by day with exact fractions, sharing no code or data
files with the C++ engine (the regime table and LPR history are restated here).

Usage: loan_reference.py CASES.jsonl   each line {"request": {...API JSON...}, "result": {...}}
Checks every result against its own computation; prints mismatches; exit 1 on any.
"""
import datetime as dt
import json
import sys
from fractions import Fraction as F

LPR = [  # effective date, 1y, 5y
    ("2019-08-20", "4.25", "4.85"), ("2019-09-20", "4.20", "4.85"), ("2019-11-20", "4.15", "4.80"),
    ("2020-02-20", "4.05", "4.75"), ("2020-04-20", "3.85", "4.65"), ("2021-12-20", "3.80", "4.65"),
    ("2022-01-20", "3.70", "4.60"), ("2022-05-20", "3.70", "4.45"), ("2022-08-22", "3.65", "4.30"),
    ("2023-06-20", "3.55", "4.20"), ("2023-08-21", "3.45", "4.20"), ("2024-02-20", "3.45", "3.95"),
    ("2024-07-22", "3.35", "3.85"), ("2024-10-21", "3.10", "3.60"), ("2025-05-20", "3.00", "3.50"),
]
LPR_LAST_CONFIRMED = dt.date(2026, 5, 20)
WAN = 1000000  # 1万元 in 分


def D(s):
    return dt.date.fromisoformat(s)


def add_years(d, n):
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 Feb
        return d.replace(year=d.year + n, day=28)


def regime_for(province, program, contract):
    """(regime_id, formula, spreads{tier:bp}, loan_cap, base_cap, per_partner, partner_cap, term_years)."""
    std21 = {"EAST": 50, "CENTRAL_WEST": 150, "POVERTY_AREA": 250}
    if program == "POVERTY_MICROCREDIT":
        if D("2021-03-04") <= contract <= D("2025-12-31"):
            return ("CN-POVERTY-2021", "CONTRACT", {"EAST": 0, "CENTRAL_WEST": 0, "POVERTY_AREA": 0},
                    5 * WAN, 5 * WAN, None, None, 3)
        return None
    term = 2 if program == "ENTREPRENEUR_SMALL_BUSINESS" else 3
    if province == "51" and D("2025-04-01") <= contract <= D("2027-12-31"):
        caps = {"ENTREPRENEUR_INDIVIDUAL": (50 * WAN, 30 * WAN), "ENTREPRENEUR_SMALL_BUSINESS": (600 * WAN, 400 * WAN),
                "ENTREPRENEUR_PARTNERSHIP": (400 * WAN, 400 * WAN)}[program]
        return ("SC-2025-TOPUP", "HALF", {t: 150 for t in std21}, caps[0], caps[1], 30 * WAN, 400 * WAN, term)
    js = province == "32"
    if D("2020-04-15") <= contract <= D("2020-12-31"):
        formula = "LPR_HALF" if program == "ENTREPRENEUR_SMALL_BUSINESS" else "CONTRACT"
        cap = 300 * WAN if program == "ENTREPRENEUR_SMALL_BUSINESS" else 20 * WAN
        return ("CN-2020-21-TRANSITION", formula, std21, cap, cap, 20 * WAN, 300 * WAN, term)
    if D("2021-01-01") <= contract <= (D("2024-02-29") if js else D("2023-09-30")):
        cap = 300 * WAN if program == "ENTREPRENEUR_SMALL_BUSINESS" else 20 * WAN
        return ("CN-2020-21", "MINUS", std21, cap, cap, 20 * WAN, 300 * WAN, term)
    if (D("2024-03-01") if js else D("2023-10-01")) <= contract <= D("2028-09-30"):
        cap = 400 * WAN if program == "ENTREPRENEUR_SMALL_BUSINESS" else 30 * WAN
        spread = 50 if province == "31" else 150
        return ("CN-2023-75", "HALF", {t: spread for t in std21}, cap, cap, 30 * WAN, 400 * WAN, term)
    return None


def settlement_period(d):
    y = d.year
    if (d.month, d.day) >= (12, 21):
        return dt.date(y, 12, 21), dt.date(y + 1, 3, 20)
    if (d.month, d.day) <= (3, 20):
        return dt.date(y - 1, 12, 21), dt.date(y, 3, 20)
    if (d.month, d.day) <= (6, 20):
        return dt.date(y, 3, 21), dt.date(y, 6, 20)
    if (d.month, d.day) <= (9, 20):
        return dt.date(y, 6, 21), dt.date(y, 9, 20)
    return dt.date(y, 9, 21), dt.date(y, 12, 20)


def round_half_up(x):
    # x >= 0 here
    n, r = divmod(x.numerator, x.denominator)
    return n + (1 if 2 * r >= x.denominator else 0)


def pct(s):
    return F(s)


def fmt(x):
    """Like the service: at least two decimals, trailing zeros trimmed."""
    sign = "-" if x < 0 else ""
    x = abs(x)
    whole = x.numerator // x.denominator
    frac = x - whole
    digits = ""
    for _ in range(8):
        frac *= 10
        dgt = frac.numerator // frac.denominator
        digits += str(dgt)
        frac -= dgt
    digits = digits.rstrip("0")
    while len(digits) < 2:
        digits += "0"
    return f"{sign}{whole}.{digits}"


def compute(req):
    province = req.get("province", "")
    program = req["program"]
    tier = req["region_tier"]
    principal = int(req["principal_fen"])
    contract, disb, mat = D(req["contract_date"]), D(req["disbursement_date"]), D(req["maturity_date"])
    rate = pct(req["annual_rate_percent"])
    tenor = req.get("lpr_tenor", "ONE_YEAR")
    if tenor == "LPR_TENOR_UNSPECIFIED":
        tenor = "ONE_YEAR"
    if mat <= add_years(disb, 1):
        tenor = "ONE_YEAR"
    basis = 365 if req.get("day_count") == "ACT_365" else 360
    partners = int(req.get("partner_count", 0))
    prior = int(req.get("prior_subsidized_loans", 0))
    reps = sorted(((D(r["date"]), int(r["principal_fen"])) for r in req.get("repayments", [])), key=lambda x: x[0])
    overdue = [(D(o["start_date"]), D(o["end_date"])) for o in req.get("overdue_periods", [])]
    cp = req.get("claim_period") or {}
    if cp.get("start_date"):
        w0, w1 = D(cp["start_date"]), D(cp["end_date"])
    else:
        w0, w1 = disb, mat - dt.timedelta(days=1)

    out = {"reasons": []}
    lpr = None
    for eff, one, five in LPR:
        if D(eff) <= contract:
            lpr = pct(five if tenor == "FIVE_YEAR" else one)
    reasons = []
    if lpr is not None and contract > LPR_LAST_CONFIRMED:
        reasons.append("LPR_UNCONFIRMED")
    reg = regime_for(province, program, contract)
    blocking = []
    sub_rate = F(0)
    base_cap = 0
    term_end = disb
    if reg is None:
        blocking.append("NO_APPLICABLE_REGIME")
        out["regime_id"] = ""
    else:
        rid, formula, spreads, loan_cap, base_cap, per_partner, partner_cap, term = reg
        out["regime_id"] = rid
        ceiling = lpr + F(spreads[tier], 100)
        out["ceiling_percent"] = fmt(ceiling)
        if program == "ENTREPRENEUR_PARTNERSHIP":
            loan_cap = min(partners * per_partner * 110 // 100, partner_cap)
            base_cap = min(partners * per_partner * 110 // 100, partner_cap)
        if rate > ceiling:
            blocking.append("RATE_ABOVE_CEILING")
        if principal > loan_cap:
            blocking.append("PRINCIPAL_ABOVE_CAP")
        if prior >= 3:
            blocking.append("PRIOR_LOANS_LIMIT")
        if not blocking:
            s = {"CONTRACT": rate, "LPR_HALF": lpr / 2, "MINUS": rate - (lpr - F(3, 2)), "HALF": rate / 2}[formula]
            sub_rate = max(F(0), min(s, rate))
        term_end = add_years(disb, term)
    eligible = not blocking
    if lpr is not None:
        out["lpr_percent"] = fmt(lpr)
    out["eligible"] = eligible
    out["subsidy_rate_percent"] = fmt(sub_rate)

    periods = []
    term_cut = overdue_cut = False
    d = max(w0, disb)
    last = min(w1, mat - dt.timedelta(days=1))
    cur = None
    while d <= last:
        outstanding = principal - sum(a for (rd, a) in reps if rd <= d)
        if outstanding > 0:
            ps, pe = settlement_period(d)
            if cur is None or cur["ps"] != ps:
                cur = {"ps": ps, "pe": pe, "days": 0, "i": F(0), "s": F(0)}
                periods.append(cur)
            cur["days"] += 1
            cur["i"] += F(outstanding) * rate / 100 / basis
            if eligible:
                if d >= term_end:
                    term_cut = True
                elif any(a <= d <= b for a, b in overdue):
                    overdue_cut = True
                else:
                    cur["s"] += F(min(outstanding, base_cap)) * sub_rate / 100 / basis
        d += dt.timedelta(days=1)
    res_periods = []
    for p in periods:
        i = round_half_up(p["i"])
        s = round_half_up(p["s"])
        res_periods.append({"start_date": max(p["ps"], w0).isoformat(), "end_date": min(p["pe"], w1).isoformat(),
                            "days": p["days"], "interest_fen": i, "subsidy_fen": s, "borrower_fen": i - s})
    if term_cut:
        reasons.append("TERM_BEYOND_SUBSIDY_LIMIT")
    if overdue_cut:
        reasons.append("OVERDUE_EXCLUDED")
    out["reasons"] = blocking + reasons
    out["periods"] = res_periods
    out["total_interest_fen"] = sum(p["interest_fen"] for p in res_periods)
    out["total_subsidy_fen"] = sum(p["subsidy_fen"] for p in res_periods)
    out["total_borrower_fen"] = sum(p["borrower_fen"] for p in res_periods)
    return out


def compare(req, got):
    want = compute(req)
    problems = []
    for k in ("eligible", "regime_id", "subsidy_rate_percent", "total_interest_fen", "total_subsidy_fen",
              "total_borrower_fen"):
        g = got.get(k, {"eligible": False, "regime_id": ""}.get(k, 0 if k.endswith("_fen") else ""))
        if k.endswith("_fen"):
            g = int(g)
        if g != want[k]:
            problems.append(f"{k}: got {g!r}, want {want[k]!r}")
    for k in ("lpr_percent", "ceiling_percent"):
        if got.get(k, "") != want.get(k, ""):
            problems.append(f"{k}: got {got.get(k, '')!r}, want {want.get(k, '')!r}")
    got_reasons = sorted(r["code"] for r in got.get("reasons", []))
    if got_reasons != sorted(want["reasons"]):
        problems.append(f"reasons: got {got_reasons}, want {sorted(want['reasons'])}")
    gp = [{"start_date": p["start_date"], "end_date": p["end_date"], "days": int(p.get("days", 0)),
           "interest_fen": int(p.get("interest_fen", 0)), "subsidy_fen": int(p.get("subsidy_fen", 0)),
           "borrower_fen": int(p.get("borrower_fen", 0))} for p in got.get("periods", [])]
    if gp != want["periods"]:
        problems.append(f"periods: got {gp}, want {want['periods']}")
    return problems


def main():
    failures = 0
    n = 0
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            case = json.loads(line)
            n += 1
            problems = compare(case["request"], case["result"])
            if problems:
                failures += 1
                if failures <= 10:
                    print("MISMATCH", json.dumps(case["request"]))
                    for p in problems:
                        print("   ", p)
    print(f"reference: {n - failures} of {n} loans agree, {failures} differ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
