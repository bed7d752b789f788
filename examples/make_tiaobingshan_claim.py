#!/usr/bin/env python3
"""Writes examples/tiaobingshan-2024q3-claim.csv: the bank-side sample of the README's claim
workflow. 129 individual agricultural entrepreneurship guarantee loans issued in Tiaobingshan
(Liaoning, province 21) in the first half of 2024, 22,610,000 yuan of principal in all, as the
source article reports; their third settlement quarter (2024-06-21..2024-09-20) is claimed.
Deterministic: the same file every run."""
import pathlib
import random

rng = random.Random(20240630)
count, total_yuan = 129, 22_610_000
# Principals of 50,000 … 300,000 yuan in steps of 10,000, adjusted to the reported total.
amounts = [rng.randrange(5, 31) * 10_000 for _ in range(count)]
diff = total_yuan - sum(amounts)
i = 0
while diff != 0:
    step = 10_000 if diff > 0 else -10_000
    if 50_000 <= amounts[i % count] + step <= 300_000:
        amounts[i % count] += step
        diff -= step
    i += 1
assert sum(amounts) == total_yuan and len(amounts) == count

rows = ["loan_id,province,region_tier,program,partner_count,prior_subsidized_loans,principal_fen,contract_date,"
        "disbursement_date,maturity_date,annual_rate_percent,lpr_tenor,repayments,overdue_periods,claim_start,"
        "claim_end,day_count"]
for n, yuan in enumerate(amounts, start=1):
    month, day = 1 + (n - 1) % 6, 1 + (n * 7) % 27
    contract = f"2024-{month:02d}-{day:02d}"
    maturity = f"{2026 if n % 4 else 2025}-{month:02d}-{day:02d}"
    rate = ["3.95", "4.05", "4.35", "3.85"][n % 4]
    repayments = f"2024-08-{day:02d}:{yuan * 10:d}" if n % 9 == 0 else ""  # a tenth repaid in August
    overdue = "2024-07-01..2024-07-15" if n % 31 == 0 else ""
    rows.append(f"TBS-2024-{n:04d},21,EAST,ENTREPRENEUR_INDIVIDUAL,,0,{yuan * 100},{contract},{contract},{maturity},"
                f"{rate},ONE_YEAR,{repayments},{overdue},,,ACT_360")

out = pathlib.Path(__file__).with_name("tiaobingshan-2024q3-claim.csv")
out.write_text("\n".join(rows) + "\n", encoding="utf-8")
print(f"{out}: {count} loans, {total_yuan:,} yuan")
