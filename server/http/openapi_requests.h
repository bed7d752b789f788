// What the OpenAPI document says of each RPC's request that the descriptors cannot: the fields its
// handler will not go without, and an example request. For openapi-gen only (openapi_gen.cc).
#pragma once

#include <vector>

namespace subsidy::http {

struct RequestDoc {
  const char* rpc;  // "LoanSubsidyService/CalculateLoanSubsidy"
  // The request's fields (JSON names) whose absence the handler refuses: INVALID_ARGUMENT naming
  // the field, or NOT_FOUND for an id it looks up ("no claim \"\"").
  std::vector<const char*> required;
  const char* example_summary;  // where the example comes from ("" when it is a plain one)
  const char* example;          // the request in protobuf's JSON
};

// One per unary RPC, in the order of the protos.
const std::vector<RequestDoc>& RequestDocs();

}  // namespace subsidy::http
