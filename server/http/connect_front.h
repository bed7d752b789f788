// The HTTP/JSON front (--http_listen): Connect's unary protocol over HTTP/1.1 with Boost.Beast.
// `POST /subsidy.v1.<Service>/<Method>` with application/json (protobuf's canonical JSON mapping)
// or application/proto is dispatched, as bytes, to the very handler the gRPC service runs
// (services/common.h: Dispatch): one implementation of every rule and check (auth, idempotency,
// metrics, audit), two transports. Errors are Connect's JSON with its HTTP status per code, the details
// (BadRequest, ErrorInfo) carried over, each also as JSON (Connect's "debug"); an empty body is the
// empty message; an RPC by another method than POST is 405 (Allow: POST); every refused request is
// one log line (event http_refused) with its status, never its body. Limits: header and body size,
// a read timeout and an idle timeout per connection, a cap on connections. CORS only for the listed
// origins; no cookies.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "services/service_context.h"

namespace subsidy::http {

struct FrontOptions {
  std::string listen;  // HOST:PORT; port 0 picks a free one
  std::function<bool()> serving;  // GET /healthz: whether the server is serving (not stopping)
  size_t max_body_bytes = 16 << 20;
  size_t max_header_bytes = 16 << 10;
  int max_connections = 1024;
  std::chrono::seconds read_timeout{30};   // to receive one whole request
  std::chrono::seconds idle_timeout{60};   // between requests on a kept-alive connection
  std::set<std::string> cors_origins;      // empty: no CORS headers at all
  int threads = 2;
  std::string openapi_json;  // served at GET /openapi.json
  std::string web_dir;       // the console's built files, served at GET / (empty: none)
  // TLS with the gRPC server's files (PEM); empty: plaintext.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;  // require and verify client certificates
};

class ConnectFront {
 public:
  // `services` is the context the gRPC services of this process share.
  static absl::StatusOr<std::unique_ptr<ConnectFront>> Start(const service::ServiceContext* services,
                                                             FrontOptions options);
  ~ConnectFront();
  const std::string& address() const { return address_; }
  void Stop();

 private:
  struct Impl;
  explicit ConnectFront(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string address_;
};

// The OpenAPI 3.1 document of every route, generated from the protos at build time (openapi_gen.cc).
std::string OpenApiJson();

// Connect's name for a gRPC code ("invalid_argument") and the HTTP status it maps to.
const char* ConnectCode(grpc::StatusCode code);
int ConnectHttpStatus(grpc::StatusCode code);

}  // namespace subsidy::http
