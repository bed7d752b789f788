#!/usr/bin/env python3
"""Writes claim_excel_gb18030.csv (and its UTF-8 twin claim_excel_utf8.csv): a bank's claim file as
a clerk saves it from Excel on Chinese Windows — GB18030, CRLF, Chinese headers, a 借款人 column
the reader does not use, rows of only commas, dates as 2024/3/5 (and 2024年3月22日, 2024-4-2,
20250402), the principal in 元 with two decimals, a rate with a percent sign.

Five Liaoning (21) individual entrepreneurs' guarantee loans contracted in the first half of 2024
(regime CN-2023-75: ceiling LPR 3.45 % + 150 bp = 4.95 %, subsidy = rate ÷ 2, at most 300,000 元),
each claimed for the settlement quarter 2024-06-21..2024-09-20, ACT/360. Prints each loan's
figures for the quarter by tests/reference/loan_reference.py and by the day-by-day rule of
tests/support/sample_loans.h, and fails if the two differ. Deterministic: the same bytes every run.
"""
import datetime as dt
import pathlib
import sys
from fractions import Fraction

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "reference"))
import loan_reference as R  # noqa: E402

HEADER = ["贷款编号", "借款人", "省份", "地区类别", "贷款类别", "已享贴息贷款笔数", "贷款本金（元）", "合同签订日期",
          "放款日期", "到期日期", "年利率(%)", "LPR期限", "还款计划", "逾期期间", "申报起始日", "申报截止日", "计息基准"]
# (cells as the clerk's file has them, the request the reader must make of them)
LOANS = [
    (["LN-2024-0101", "张三", "21", "EAST", "ENTREPRENEUR_INDIVIDUAL", "0", "200000.00", "2024/1/8", "2024/1/8",
      "2026/1/8", "3.95%", "ONE_YEAR", "", "", "2024/6/21", "2024/9/20", "ACT_360"],
     dict(principal_fen=20000000, contract_date="2024-01-08", disbursement_date="2024-01-08",
          maturity_date="2026-01-08", annual_rate_percent="3.95")),
    (["LN-2024-0102", "李四", "21", "EAST", "ENTREPRENEUR_INDIVIDUAL", "0", "150000.00", "2024/2/15", "2024/2/16",
      "2026/2/15", "4.35%", "ONE_YEAR", "2024/8/15:1500000", "", "2024/6/21", "2024/9/20", "ACT_360"],
     dict(principal_fen=15000000, contract_date="2024-02-15", disbursement_date="2024-02-16",
          maturity_date="2026-02-15", annual_rate_percent="4.35",
          repayments=[{"date": "2024-08-15", "principal_fen": 1500000}])),
    (["LN-2024-0103", "王五", "21", "EAST", "ENTREPRENEUR_INDIVIDUAL", "0", "300000.00", "2024年3月22日",
      "2024年3月22日", "2027年3月22日", "4.05%", "ONE_YEAR", "", "2024/7/1..2024/7/15", "2024/6/21", "2024/9/20",
      "ACT_360"],
     dict(principal_fen=30000000, contract_date="2024-03-22", disbursement_date="2024-03-22",
          maturity_date="2027-03-22", annual_rate_percent="4.05",
          overdue_periods=[{"start_date": "2024-07-01", "end_date": "2024-07-15"}])),
    (["LN-2024-0104", "赵六", "21", "EAST", "ENTREPRENEUR_INDIVIDUAL", "0", "86500.00", "2024-4-2", "2024-4-2",
      "20250402", "3.85", "ONE_YEAR", "", "", "2024/6/21", "2024/9/20", "ACT_360"],
     dict(principal_fen=8650000, contract_date="2024-04-02", disbursement_date="2024-04-02",
          maturity_date="2025-04-02", annual_rate_percent="3.85")),
    (["LN-2024-0105", "孙七", "21", "EAST", "ENTREPRENEUR_INDIVIDUAL", "0", "50000.00", "2024/6/4", "2024/6/4",
      "2025/6/4", "4.95%", "ONE_YEAR", "", "", "2024/6/21", "2024/9/20", "ACT_360"],
     dict(principal_fen=5000000, contract_date="2024-06-04", disbursement_date="2024-06-04",
          maturity_date="2025-06-04", annual_rate_percent="4.95")),
]
QUARTER = ("2024-06-21", "2024-09-20")


def rows():
    width = len(HEADER)
    blank = "," * (width - 1)                  # Excel's row of only commas
    spaces = ",".join([" "] * width)           # a row a clerk cleared with the space bar
    lines = [",".join(HEADER)]
    lines += [",".join(LOANS[0][0]), ",".join(LOANS[1][0]), blank]
    lines += [",".join(l[0]) for l in LOANS[2:]]
    lines += [spaces, blank]
    return lines


def request(extra, cells):
    r = {"loan_id": cells[0], "province": "21", "region_tier": "EAST", "program": "ENTREPRENEUR_INDIVIDUAL",
         "lpr_tenor": "ONE_YEAR", "day_count": "ACT_360",
         "claim_period": {"start_date": QUARTER[0], "end_date": QUARTER[1]}}
    r.update(extra)
    return r


def by_hand(req):
    """sample_loans.h's rule: Σ outstanding × rate ÷ 100 ÷ 360 over the quarter's days, once rounded half up."""
    day = dt.date.fromisoformat
    first, last = max(day(QUARTER[0]), day(req["disbursement_date"])), day(QUARTER[1])
    rate = Fraction(req["annual_rate_percent"])
    interest = subsidy = Fraction(0)
    d = first
    while d <= last:
        out = req["principal_fen"] - sum(r["principal_fen"] for r in req.get("repayments", []) if day(r["date"]) <= d)
        interest += out * rate / 100 / 360
        if not any(day(o["start_date"]) <= d <= day(o["end_date"]) for o in req.get("overdue_periods", [])):
            subsidy += out * rate / 2 / 100 / 360
        d += dt.timedelta(days=1)
    return R.round_half_up(interest), R.round_half_up(subsidy)


def main():
    text = "".join(line + "\r\n" for line in rows())
    (HERE / "claim_excel_gb18030.csv").write_bytes(text.encode("gb18030"))
    (HERE / "claim_excel_utf8.csv").write_bytes(text.encode("utf-8"))
    totals = [0, 0, 0, 0]
    for cells, extra in LOANS:
        req = request(extra, cells)
        got = R.compute(req)
        hand = by_hand(req)
        assert got["eligible"] and got["regime_id"] == "CN-2023-75", (cells[0], got)
        assert (got["total_interest_fen"], got["total_subsidy_fen"]) == hand, (cells[0], got, hand)
        print(cells[0], req["principal_fen"], got["subsidy_rate_percent"], got["total_interest_fen"],
              got["total_subsidy_fen"], got["total_borrower_fen"], got["reasons"])
        for i, v in enumerate((req["principal_fen"], got["total_interest_fen"], got["total_subsidy_fen"],
                               got["total_borrower_fen"])):
            totals[i] += v
    print("total principal_fen", totals[0], "interest_fen", totals[1], "subsidy_fen", totals[2],
          "borrower_fen", totals[3])


if __name__ == "__main__":
    main()
