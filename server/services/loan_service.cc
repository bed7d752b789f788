#include "common/status_util.h"
#include "services/common.h"
#include "services/loan_mapping.h"
#include "services/pipelined_reactor.h"
#include "services/services.h"

namespace subsidy::service {
namespace {


// A loan's answer, written for a reader of `language`; a bad loan is answered in-band.
void CalculateInBand(const v1::LoanSubsidyRequest& req, const PolicyData& data, Language language,
                     v1::LoanSubsidyResult* out) {
  absl::Status s = CalculateOne(req, data, out);
  if (!s.ok()) {
    const std::string id = req.loan_id();
    out->Clear();
    out->set_loan_id(id);
    out->set_data_version(data.version());
    ItemErrorFromStatus(s, out->mutable_error());
  }
  LocalizeResult(out, data.messages(), language);
}

void CalculateBatch(const v1::LoanSubsidyBatchRequest& req, const PolicyData& data, Language language,
                    v1::LoanSubsidyBatchResult* out) {
  out->mutable_results()->Reserve(req.loans_size());
  for (const auto& loan : req.loans()) CalculateInBand(loan, data, language, out->add_results());
}

// One loan of a stream, from its bytes: a loan that does not parse (a name in GBK) is answered
// in-band like any other bad loan, with the field, and the stream goes on.
template <class Bytes>  // a message from gRPC, or a loan's bytes inside a batch
void CalculateFromWire(const Bytes& bytes, const PolicyData& data, Language language, v1::LoanSubsidyResult* out) {
  v1::LoanSubsidyRequest loan;
  if (auto s = formats::ParseMessage(bytes, &loan); !s.ok()) {
    out->set_loan_id(formats::ValidLoanId(loan));
    out->set_data_version(data.version());
    ItemErrorFromStatus(s, out->mutable_error());
    LocalizeResult(out, data.messages(), language);
    return;
  }
  CalculateInBand(loan, data, language, out);
}

// A batch from its bytes, loan by loan (protobuf would refuse the whole batch for one bad loan).
void CalculateBatchFromWire(const grpc::ByteBuffer& in, const PolicyData& data, Language language,
                            v1::LoanSubsidyBatchResult* out) {
  v1::LoanSubsidyBatchRequest batch;
  if (formats::ParseMessage(in, &batch).ok()) {
    CalculateBatch(batch, data, language, out);
    return;
  }
  formats::ForEachLengthDelimited(formats::WireBytes(in), v1::LoanSubsidyBatchRequest::kLoansFieldNumber, [&](absl::string_view loan) {
    CalculateFromWire(loan, data, language, out->add_results());
  });
}

namespace handlers {

absl::Status CalculateLoanSubsidy(Call& call, const v1::LoanSubsidyRequest& req, v1::LoanSubsidyResult* out) {
  absl::Status s = CalculateOne(req, call.data(), out);
  if (s.ok()) LocalizeResult(out, call.data().messages(), LanguageOf(call.language()));
  return s;
}

absl::Status CalculateLoanSubsidyBatch(Call& call, const v1::LoanSubsidyBatchRequest& req,
                                       v1::LoanSubsidyBatchResult* out) {
  CalculateBatch(req, call.data(), LanguageOf(call.language()), out);
  return absl::OkStatus();
}

absl::Status GetLoanPolicy(Call& call, const v1::GetLoanPolicyRequest& req, v1::LoanPolicy* out) {
  return LoanPolicyFor(req, call.data(), out);
}

}  // namespace handlers
}  // namespace

SUBSIDY_UNARY_RPC(LoanSubsidyServiceImpl, CalculateLoanSubsidy, Runs::kInline)
SUBSIDY_UNARY_RPC(LoanSubsidyServiceImpl, CalculateLoanSubsidyBatch, Runs::kInline)
SUBSIDY_UNARY_RPC(LoanSubsidyServiceImpl, GetLoanPolicy, Runs::kInline)

namespace {
// A stream of messages raw from the wire: each turned into one answer by `calculate`.
template <class Result>
grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* ServeStream(
    const ServiceContext& ctx, grpc::CallbackServerContext* context, const char* method, size_t window,
    void (*calculate)(const grpc::ByteBuffer&, const PolicyData&, Language, Result*)) {
  auto admission = Admit(ctx, context, method);
  if (!admission.ok()) {
    return new RejectingReactor<grpc::ByteBuffer, grpc::ByteBuffer>(CallerStatus(ctx, *context, admission.status()),
                                                                    StreamObserver(&ctx, context, method, ""));
  }
  // One snapshot for the whole stream: a claim file is computed on one version of the data.
  auto data = ctx.policy->Get();
  const Language language = LanguageOf(CallerLanguage(*context));
  return new PipelinedReactor<grpc::ByteBuffer, grpc::ByteBuffer>(
      [data, calculate, language](const grpc::ByteBuffer& in, grpc::ByteBuffer* out) {
        Result result;
        calculate(in, *data, language, &result);
        (void)formats::ToWire(result, out);
      },
      window, InFlight(ctx, admission->slot), ctx.max_stream_messages,
      StreamObserver(&ctx, context, method, admission->caller->name));
}

}  // namespace

// The streams' full names, from the descriptors like the unary RPCs' (SUBSIDY_UNARY_RPC).
const std::string kStreamLoanSubsidiesName =
    FullMethodName(LoanSubsidyServiceImpl::ProtoService::service_full_name(), "StreamLoanSubsidies");
const std::string kStreamLoanSubsidyBatchesName =
    FullMethodName(LoanSubsidyServiceImpl::ProtoService::service_full_name(), "StreamLoanSubsidyBatches");
const char* const kStreamLoanSubsidies = kStreamLoanSubsidiesName.c_str();
const char* const kStreamLoanSubsidyBatches = kStreamLoanSubsidyBatchesName.c_str();

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* LoanSubsidyServiceImpl::StreamLoanSubsidies(
    grpc::CallbackServerContext* context) {
  return ServeStream(ctx_, context, kStreamLoanSubsidies, kStreamWindow,
                     &CalculateFromWire<grpc::ByteBuffer>);
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* LoanSubsidyServiceImpl::StreamLoanSubsidyBatches(
    grpc::CallbackServerContext* context) {
  return ServeStream(ctx_, context, kStreamLoanSubsidyBatches, kBatchStreamWindow,
                     &CalculateBatchFromWire);
}

}  // namespace subsidy::service
