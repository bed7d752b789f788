// A claim on its way in, whatever carries it (one SubmitLoanSubsidyClaim, or an
// UploadLoanSubsidyClaim stream of any size): the header checked once, every loan recomputed by
// the loan engine on one snapshot of the policy data, lines staged in chunks (never held whole),
// then settled in one idempotent transaction. The request's payload for idempotency is a SHA-256
// over the header and every loan, so that a retried upload, however its messages were cut, is
// recognised as the same request.
#pragma once

#include <openssl/evp.h>

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "auth/authorizer.h"
#include "policy/policy_data.h"
#include "storage/storage.h"
#include "subsidy/v1/loan.pb.h"

namespace subsidy::service {

class Call;
// A loan's contract terms as its first claim binds them ("principal|contract|disbursement|maturity|program"):
// a later claim, or a portfolio import, with other terms is refused (LOAN_TERMS_CHANGED).
std::string BoundTermsOf(const v1::LoanSubsidyRequest& loan);
// The loans of a claim file (formats/claim_file.h) as sent in `file`, read by subsidyctl's reader:
// INVALID_ARGUMENT naming every bad row (the first 100), or the loans. claim_service.cc.
absl::StatusOr<std::vector<v1::LoanSubsidyRequest>> LoansFromClaimFile(const Call& call, const std::string& file,
                                                                       const std::string& encoding_name);

class ClaimWriter {
 public:
  static constexpr size_t kChunkLines = 2048;  // lines staged per transaction

  // `method` ("UploadLoanSubsidyClaim") is what the audit trail records.
  ClaimWriter(storage::Storage& storage, std::shared_ptr<const PolicyData> data,
              std::shared_ptr<const auth::Caller> caller, std::string method);
  ~ClaimWriter();
  ClaimWriter(const ClaimWriter&) = delete;
  ClaimWriter& operator=(const ClaimWriter&) = delete;

  // The claim's first (or only) message: its header is checked and the claim staged, then its loans added.
  absl::Status Begin(const v1::SubmitLoanSubsidyClaimRequest& first);
  // A later message of a stream: header fields empty or equal to the first's, then its loans.
  absl::Status Continue(const v1::SubmitLoanSubsidyClaimRequest& next);
  // Stages what is left and settles the claim; `replayed` tells whether it is the stored first answer.
  absl::StatusOr<v1::LoanSubsidyClaim> Finish(std::chrono::system_clock::time_point deadline, bool* replayed);
  // Deletes the staged claim (a failed or cut call changes nothing). Finish and Abandon block on the database.
  void Abandon();

  bool begun() const { return seq_ != 0; }

 private:
  absl::Status AddLoans(const v1::SubmitLoanSubsidyClaimRequest& message);
  void AddLoan(const v1::LoanSubsidyRequest& loan);
  absl::Status Flush();         // stages the pending chunk (in the background)
  absl::Status AwaitStaging();  // the staged chunk's outcome
  absl::Status StagedOutcome(absl::Status s);  // a superseded claim noted; any other outcome as it is
  void Hash(absl::string_view bytes);

  storage::Storage& storage_;
  std::shared_ptr<const PolicyData> data_;
  std::shared_ptr<const auth::Caller> caller_;
  std::string method_;
  std::string request_id_;
  v1::SubmitLoanSubsidyClaimRequest header_;  // the first message without its loans
  std::optional<DateRange> period_;
  int64_t seq_ = 0;
  bool settled_ = false;
  bool superseded_ = false;  // another attempt of the request settled while this one was staging
  int64_t lines_ = 0;
  std::vector<storage::ClaimLineRow> pending_;
  std::vector<storage::ClaimLineRow> staging_lines_;  // the chunk in flight (staging_)
  std::future<absl::Status> staging_;
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> sha_;
  std::string scratch_;
};

void ClaimToProto(const storage::ClaimRow& c, v1::LoanSubsidyClaim* out);

}  // namespace subsidy::service
