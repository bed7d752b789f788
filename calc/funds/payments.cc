#include "funds/payments.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "ids/canonical.h"
#include "reward/reward_engine.h"

namespace subsidy::funds {

const char* PaymentStateName(PaymentState s) {
  switch (s) {
    case PaymentState::kSent: return "SENT";
    case PaymentState::kConfirmed: return "CONFIRMED";
    case PaymentState::kFailed: return "FAILED";
    case PaymentState::kReissued: return "REISSUED";
    case PaymentState::kReturned: return "RETURNED";
  }
  return "SENT";
}

std::optional<PaymentState> PaymentStateFromName(absl::string_view name) {
  for (PaymentState s : {PaymentState::kSent, PaymentState::kConfirmed, PaymentState::kFailed,
                         PaymentState::kReissued, PaymentState::kReturned}) {
    if (name == PaymentStateName(s)) return s;
  }
  return std::nullopt;
}

namespace {

// An account's digits, full-width ones (０–９, U+FF10–U+FF19: EF BC 90–99 in UTF-8) as the
// ASCII digits they stand for: one account however it was typed.
std::string DigitsOf(absl::string_view account) {
  std::string out;
  for (size_t i = 0; i < account.size(); ++i) {
    const auto c = static_cast<unsigned char>(account[i]);
    if (absl::ascii_isdigit(c)) {
      out.push_back(static_cast<char>(c));
    } else if (c == 0xEF && i + 2 < account.size() && static_cast<unsigned char>(account[i + 1]) == 0xBC) {
      const auto d = static_cast<unsigned char>(account[i + 2]);
      if (d >= 0x90 && d <= 0x99) {
        out.push_back(static_cast<char>('0' + (d - 0x90)));
        i += 2;
      }
    }
  }
  return out;
}

// A name's key: NFKC case-folded (full-width letters, 全角 spaces), without spaces at all, since
// banks pad and split names as their systems please.
std::string NameKey(absl::string_view name) {
  auto id = CanonicalizeId(name, "payee_name", 1000);
  std::string key = id.ok() ? id->key : std::string(name);
  return absl::StrReplaceAll(key, {{" ", ""}});
}

}  // namespace

std::string MaskAccount(absl::string_view account) {
  const std::string digits = DigitsOf(account);
  if (account.empty()) return "";
  // Masked already ("****0007") keeps the digits it shows; an account of 4 digits or fewer shows
  // none. Either way the answer is ASCII and never more than its last 4 digits: an account that
  // merely contains a star is masked like any other.
  const bool masked = account.find('*') != absl::string_view::npos;
  if (!masked && digits.size() <= 4) return "****";
  return absl::StrCat("****", digits.substr(digits.size() - std::min<size_t>(4, digits.size())));
}

std::string AccountKey(absl::string_view account) { return DigitsOf(account); }

AccountCheck CheckAccount(absl::string_view account) {
  if (DigitsOf(account).size() < 6) return AccountCheck::kTooFewDigits;
  if (absl::StrContains(account, "**")) return AccountCheck::kMasked;
  return AccountCheck::kPayable;
}

bool SamePayeeName(absl::string_view sent, absl::string_view returned) {
  return NameKey(sent) == NameKey(returned);
}

bool SameAccount(absl::string_view sent, absl::string_view returned) {
  const std::string a = DigitsOf(sent);
  if (returned.find('*') == absl::string_view::npos) return a == DigitsOf(returned);
  // Masked: the digits it shows before and after the stars stand where they stand in the account.
  const size_t star = returned.find('*'), last_star = returned.rfind('*');
  const std::string head = DigitsOf(returned.substr(0, star)), tail = DigitsOf(returned.substr(last_star + 1));
  if (head.empty() && tail.empty()) return false;  // shows nothing to compare
  if (head.size() + tail.size() > a.size()) return false;
  return a.compare(0, head.size(), head) == 0 && a.compare(a.size() - tail.size(), tail.size(), tail) == 0;
}

ReturnOutcome MatchReturnRow(const SentLine& line, const ReturnedRow& row, Date today) {
  ReturnOutcome out;
  if (row.date && *row.date > today) {
    out.discrepancy = kDateAfterImport;
    out.params = {{"date", row.date->ToString()}, {"today", today.ToString()}};
    return out;
  }
  if (row.amount != line.amount) {
    out.discrepancy = kAmountMismatch;
    out.params = {{"expected_yuan", line.amount.ToYuanString()}, {"found_yuan", row.amount.ToYuanString()}};
    return out;
  }
  if (!row.payee_name.empty() && !SamePayeeName(line.payee_name, row.payee_name)) {
    out.discrepancy = kPayeeMismatch;
    out.params = {{"expected", line.payee_name}, {"found", row.payee_name}};
    return out;
  }
  // An account is compared when both sides give one (a line sent without one has nothing to match).
  if (!row.payee_account.empty() && !line.payee_account.empty() &&
      !SameAccount(line.payee_account, row.payee_account)) {
    out.discrepancy = kPayeeMismatch;
    out.params = {{"expected", MaskAccount(line.payee_account)}, {"found", MaskAccount(row.payee_account)}};
    return out;
  }
  const char* state = PaymentStateName(line.state);
  switch (line.state) {
    case PaymentState::kSent:
      out.action = row.success ? ReturnOutcome::Action::kConfirm : ReturnOutcome::Action::kFail;
      return out;
    case PaymentState::kConfirmed:
      out.discrepancy = row.success ? kConfirmedTwice : kFailureOfConfirmed;
      break;
    case PaymentState::kFailed:
    case PaymentState::kReissued:
    case PaymentState::kReturned:
      out.discrepancy = row.success ? kConfirmationOfFailed : kFailedTwice;
      break;
  }
  out.params = {{"state", state}};
  return out;
}

absl::Status CheckReissueDate(const WorkingDayCalendar& calendar, const std::string& payment_id, Date failed,
                              Date reissue) {
  if (auto s = reward::CheckPaymentDay(calendar, reissue); !s.ok()) return s;
  if (reissue >= failed) return absl::OkStatus();
  return WithParams(FailedPrecondition(kReissueBeforeFailure, absl::StrCat(payment_id, " failed on ", failed.ToString(),
                                                                           ": a reissue is dated then or later")),
                    {{"payment_id", payment_id}, {"failed_date", failed.ToString()}});
}

absl::StatusOr<std::optional<int>> OpenWorkingDays(const WorkingDayCalendar& calendar, Date since, Date as_of,
                                                   int limit_days) {
  if (as_of <= since) return std::optional<int>();
  auto days = calendar.WorkingDaysBetween(since, as_of);
  if (!days.ok()) return days.status();
  if (*days <= limit_days) return std::optional<int>();
  return std::optional<int>(*days);
}

}  // namespace subsidy::funds
