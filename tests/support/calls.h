// One client context per call for end-to-end tests: every call has a deadline, so that a server
// that never answers fails the call (DEADLINE_EXCEEDED) instead of hanging the test, and a caller
// configured by --auth_config is named by its Bearer token.
//
//   ASSERT_TRUE(stub->GetFund(Call().get(), request, &fund).ok());
//   EXPECT_EQ(stub->CreateFund(CallAs(tokens["auditor-1"]).get(), create, &fund).error_code(), ...);
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

namespace subsidy::testing {

// Long enough for any single call of the tests on a loaded two-core machine.
inline constexpr std::chrono::seconds kCallDeadline{30};

inline std::unique_ptr<grpc::ClientContext> Call(std::chrono::seconds deadline = kCallDeadline) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + deadline);
  return ctx;
}

// As the caller whose token this is ("": no token, the anonymous caller of a server without
// --auth_config).
inline std::unique_ptr<grpc::ClientContext> CallAs(const std::string& token,
                                                   std::chrono::seconds deadline = kCallDeadline) {
  auto ctx = Call(deadline);
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  return ctx;
}

}  // namespace subsidy::testing
