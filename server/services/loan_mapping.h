// LoanSubsidyService's edge: API messages ⇄ engine structs. Parse errors name the API field.
#pragma once

#include "absl/status/statusor.h"
#include "loan/loan_engine.h"
#include "policy/message_catalogue.h"
#include "subsidy/v1/loan.pb.h"

namespace subsidy::service {

absl::StatusOr<loan::LoanInput> LoanInputFromProto(const v1::LoanSubsidyRequest& req);
void LoanResultToProto(const loan::LoanResult& r, v1::LoanSubsidyResult* out);
void ReasonToProto(const loan::Reason& r, v1::Reason* out);

// One loan, end to end: parse, compute, map. Bad input comes back as an error status (unary)
// — callers in batches and streams put it in-band with ItemErrorFromStatus.
absl::Status CalculateOne(const v1::LoanSubsidyRequest& req, const PolicyData& data, v1::LoanSubsidyResult* out);
// The error with its code, field, reason, parameters and the developer's message.
void ItemErrorFromStatus(const absl::Status& s, v1::ItemError* out);

// What a person reads of a result, in `language` (status_mapping.h: LocalizeReasons, LocalizeItemError).
void LocalizeResult(v1::LoanSubsidyResult* result, const MessageCatalogue& messages, Language language);

// GetLoanPolicy: the regime, caps, LPR and ceiling in force, from the same loan::TermsFor the
// calculation uses.
absl::Status LoanPolicyFor(const v1::GetLoanPolicyRequest& req, const PolicyData& data, v1::LoanPolicy* out);

std::optional<RegionTier> RegionTierFromProto(v1::RegionTier t);
std::optional<LoanProgram> LoanProgramFromProto(v1::LoanProgram p);

}  // namespace subsidy::service
