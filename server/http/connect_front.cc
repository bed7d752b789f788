#include "http/connect_front.h"

#include <grpcpp/generic/generic_stub.h>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/wire.h"
#include "subsidy/v1/common.pb.h"

namespace subsidy::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using google::protobuf::util::JsonParseOptions;
using google::protobuf::util::JsonPrintOptions;

constexpr char kPackagePrefix[] = "/subsidy.v1.";
constexpr auto kDefaultDeadline = std::chrono::seconds(60);

bool IsLoopback(const tcp::endpoint& peer) { return peer.address().is_loopback(); }

// A Connect error body: {"code", "message", "details": [{"type", "value"}]} from a gRPC status,
// its details (grpc-status-details-bin: RpcStatus with Anys) carried over.
std::string ConnectErrorJson(const grpc::Status& status) {
  google::protobuf::Struct body;
  auto& fields = *body.mutable_fields();
  fields["code"].set_string_value(ConnectCode(status.error_code()));
  fields["message"].set_string_value(status.error_message());
  v1::RpcStatus details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    auto* list = fields["details"].mutable_list_value();
    for (const auto& any : details.details()) {
      google::protobuf::Struct d;
      const size_t slash = any.type_url().rfind('/');
      (*d.mutable_fields())["type"].set_string_value(
          slash == std::string::npos ? any.type_url() : any.type_url().substr(slash + 1));
      std::string value;
      absl::Base64Escape(any.value(), &value);
      (*d.mutable_fields())["value"].set_string_value(value);
      *list->add_values()->mutable_struct_value() = std::move(d);
    }
  }
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(body, &out);
  return out;
}

// JSON ⇄ binary through one type resolver over the compiled-in protos (protobuf's own converter;
// building a resolver per call, as JsonStringToMessage does, costs more than the call).
google::protobuf::util::TypeResolver* Resolver() {
  static auto* resolver = google::protobuf::util::NewTypeResolverForDescriptorPool(
      "type.googleapis.com", google::protobuf::DescriptorPool::generated_pool());
  return resolver;
}
std::string TypeUrl(const google::protobuf::Descriptor* d) { return "type.googleapis.com/" + d->full_name(); }

struct Shared {
  FrontOptions options;
  std::unique_ptr<grpc::GenericStub> stub;
  std::atomic<int> connections{0};
};

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection: plain (beast::tcp_stream) or TLS (TlsStream, the handshake first).
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... TlsContext>
  Session(tcp::socket socket, Shared* shared, TlsContext&... tls) : stream_(std::move(socket), tls...), shared_(shared) {
    beast::error_code ec;
    const auto peer = Lowest().socket().remote_endpoint(ec);
    loopback_ = !ec && IsLoopback(peer);
  }
  ~Session() { --shared_->connections; }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (std::is_same_v<Stream, TlsStream>) {
        self->Lowest().expires_after(self->shared_->options.read_timeout);
        self->stream_.async_handshake(net::ssl::stream_base::server, [self](beast::error_code ec) {
          if (ec) return self->Close(ec);
          self->ReadHeader();
        });
      } else {
        self->ReadHeader();
      }
    });
  }

 private:
  using Response = bhttp::response<bhttp::string_body>;

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(shared_->options.max_header_bytes));
    parser_->body_limit(shared_->options.max_body_bytes);
    // Between requests a kept-alive connection may idle this long; then the request must arrive whole.
    Lowest().expires_after(shared_->options.idle_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return Close(ec);
    Lowest().expires_after(shared_->options.read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code e, size_t) { self->OnRequest(e); });
  }

  void OnRequest(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      close_after_ = true;  // the rest of the body is never read
      return Error(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                absl::StrCat("the body is larger than ", shared_->options.max_body_bytes, " bytes")),
                   413);
    }
    if (ec) return Close(ec);
    const auto& req = parser_->get();
    const std::string target(req.target());
    if (req.method() == bhttp::verb::options) return Preflight();
    if (req.method() == bhttp::verb::get && target == "/healthz") return Health();
    if (req.method() == bhttp::verb::get && target == "/openapi.json") {
      return Send(200, "application/json", shared_->options.openapi_json);
    }
    if (req.method() != bhttp::verb::post || !absl::StartsWith(target, kPackagePrefix)) {
      return Error(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such route: " + target), 404);
    }
    Forward(target);
  }

  // The caller's headers that the gRPC call carries, and its deadline.
  std::unique_ptr<grpc::ClientContext> ContextFor(const bhttp::request<bhttp::string_body>& req) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    auto deadline = std::chrono::system_clock::now() + kDefaultDeadline;
    if (auto it = req.find("connect-timeout-ms"); it != req.end()) {
      int64_t ms = 0;
      if (absl::SimpleAtoi(std::string(it->value()), &ms) && ms > 0 && ms < 600'000) {
        deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(ms);
      }
    }
    ctx->set_deadline(deadline);
    if (shared_->options.loopback_only) {
      ctx->AddMetadata("authorization", "Bearer " + shared_->options.local_token);  // a loopback caller
    } else if (auto it = req.find(bhttp::field::authorization); it != req.end()) {
      ctx->AddMetadata("authorization", std::string(it->value()));
    }
    return ctx;
  }

  void Forward(const std::string& target) {
    const auto& req = parser_->get();
    // "/subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy" → the method, unary only.
    const size_t slash = target.find('/', 1);
    const std::string full = slash == std::string::npos
                                 ? ""
                                 : absl::StrCat(target.substr(1, slash - 1), ".", target.substr(slash + 1));
    const auto* method = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full);
    if (method == nullptr || method->client_streaming() || method->server_streaming()) {
      return Error(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                "no unary procedure " + target + " (streams are served over gRPC)"),
                   404);
    }
    if (shared_->options.loopback_only && !loopback_) {
      return Error(grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                                "this server has no caller list and accepts loopback callers only"),
                   401);
    }
    std::string content_type(req[bhttp::field::content_type]);
    content_type = absl::AsciiStrToLower(content_type.substr(0, content_type.find(';')));
    json_ = content_type == "application/json";
    if (!json_ && content_type != "application/proto") {
      return Error(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                "Content-Type must be application/json or application/proto"),
                   415);
    }
    output_ = method->output_type();
    std::string bytes;
    if (json_) {
      JsonParseOptions options;
      options.ignore_unknown_fields = false;
      const auto parsed = google::protobuf::util::JsonToBinaryString(Resolver(), TypeUrl(method->input_type()),
                                                                     req.body(), &bytes, options);
      if (!parsed.ok()) {
        return Error(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                  absl::StrCat("the body is not a ", method->input_type()->full_name(), " in JSON: ",
                                               parsed.message().as_string())),
                     400);
      }
    } else {
      bytes = req.body();
    }
    grpc::Slice slice(bytes);
    request_ = grpc::ByteBuffer(&slice, 1);
    context_ = ContextFor(req);
    shared_->stub->UnaryCall(
        context_.get(), target, grpc::StubOptions(), &request_, &response_,
        [self = this->shared_from_this()](grpc::Status status) {
          net::post(self->stream_.get_executor(), [self, status] { self->OnReply(status); });
        });
  }

  void OnReply(const grpc::Status& status) {
    if (!status.ok()) return Error(status, ConnectHttpStatus(status.error_code()));
    std::string bytes = service::WireBytes(response_);
    if (!json_) return Send(200, "application/proto", std::move(bytes));
    std::string json;
    if (!google::protobuf::util::BinaryToJsonString(Resolver(), TypeUrl(output_), bytes, &json).ok()) {
      return Error(grpc::Status(grpc::StatusCode::INTERNAL, "the answer does not convert to JSON"), 500);
    }
    Send(200, "application/json", std::move(json));
  }

  void Health() {
    // The gRPC health service of this process answers.
    grpc::Slice empty("");
    request_ = grpc::ByteBuffer(&empty, 1);
    context_ = std::make_unique<grpc::ClientContext>();
    context_->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    shared_->stub->UnaryCall(context_.get(), "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request_,
                             &response_, [self = this->shared_from_this()](grpc::Status status) {
                               net::post(self->stream_.get_executor(), [self, status] {
                                 google::protobuf::Struct body;
                                 (*body.mutable_fields())["status"].set_string_value(status.ok() ? "SERVING"
                                                                                                  : "NOT_SERVING");
                                 std::string json;
                                 (void)google::protobuf::util::MessageToJsonString(body, &json);
                                 self->Send(status.ok() ? 200 : 503, "application/json", std::move(json));
                               });
                             });
  }

  // CORS preflight: answered for the listed origins only.
  void Preflight() {
    Response res{bhttp::status::no_content, parser_->get().version()};
    AddCors(res);
    res.set("Access-Control-Allow-Methods", "POST, GET");
    res.set("Access-Control-Allow-Headers",
            "authorization, content-type, connect-protocol-version, connect-timeout-ms");
    res.set("Access-Control-Max-Age", "600");
    Write(std::move(res));
  }

  void AddCors(Response& res) {
    const auto& req = parser_->get();
    auto it = req.find(bhttp::field::origin);
    if (it == req.end()) return;
    const std::string origin(it->value());
    if (!shared_->options.cors_origins.count(origin)) return;
    res.set(bhttp::field::access_control_allow_origin, origin);
    res.set(bhttp::field::vary, "Origin");
    res.set("Access-Control-Expose-Headers", service::kReplayMetadata);
  }

  void Error(const grpc::Status& status, int http_status) {
    Send(http_status, "application/json", ConnectErrorJson(status));
  }

  void Send(int status, const char* content_type, std::string body) {
    const unsigned version = parser_ ? parser_->get().version() : 11;
    Response res{static_cast<bhttp::status>(status), version};
    res.set(bhttp::field::server, "subsidy-server");
    res.set(bhttp::field::content_type, content_type);
    res.set(bhttp::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    if (context_) {
      // A replay of a mutation is said in a header, as gRPC says it in metadata.
      const auto& md = context_->GetServerInitialMetadata();
      if (auto it = md.find(service::kReplayMetadata); it != md.end()) {
        res.set(service::kReplayMetadata, std::string(it->second.data(), it->second.size()));
      }
    }
    if (parser_) AddCors(res);
    res.body() = std::move(body);
    Write(std::move(res));
  }

  void Write(Response res) {
    res.keep_alive(!close_after_ && parser_ && parser_->get().keep_alive());
    res.prepare_payload();
    auto shared_res = std::make_shared<Response>(std::move(res));
    Lowest().expires_after(shared_->options.read_timeout);
    bhttp::async_write(stream_, *shared_res,
                       [self = this->shared_from_this(), shared_res](beast::error_code ec, size_t) {
                         if (ec || !shared_res->keep_alive()) return self->Close(ec);
                         self->context_.reset();
                         self->ReadHeader();
                       });
  }

  void Close(beast::error_code) {
    beast::error_code ignored;
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  Stream stream_;
  Shared* shared_;
  bool loopback_ = false;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bool json_ = true;
  bool close_after_ = false;
  const google::protobuf::Descriptor* output_ = nullptr;
  std::unique_ptr<grpc::ClientContext> context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
};

}  // namespace

struct ConnectFront::Impl {
  Shared shared;
  std::unique_ptr<net::ssl::context> tls;  // with --tls_cert: every connection is TLS
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;

  void Accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) {
        // Past the cap a connection is closed at once: a flood cannot take every worker.
        if (++shared.connections > shared.options.max_connections) {
          --shared.connections;
          beast::error_code ignored;
          socket.close(ignored);
        } else if (tls) {
          std::make_shared<Session<TlsStream>>(std::move(socket), &shared, *tls)->Start();
        } else {
          std::make_shared<Session<beast::tcp_stream>>(std::move(socket), &shared)->Start();
        }
      }
      Accept();
    });
  }
};

ConnectFront::ConnectFront(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

absl::StatusOr<std::unique_ptr<ConnectFront>> ConnectFront::Start(std::shared_ptr<grpc::Channel> backend,
                                                                  FrontOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->shared.options = std::move(options);
  impl->shared.stub = std::make_unique<grpc::GenericStub>(backend);
  if (!impl->shared.options.tls_cert_file.empty()) {
    // The same certificate and key as gRPC's, TLS 1.2 or later; with a client CA, client
    // certificates are required and verified, as on gRPC.
    impl->tls = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    boost::system::error_code ec;
    impl->tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                               net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                               net::ssl::context::no_tlsv1_1,
                           ec);
    if (!ec) impl->tls->use_certificate_chain_file(impl->shared.options.tls_cert_file, ec);
    if (!ec) impl->tls->use_private_key_file(impl->shared.options.tls_key_file, net::ssl::context::pem, ec);
    if (!ec && !impl->shared.options.tls_client_ca_file.empty()) {
      impl->tls->load_verify_file(impl->shared.options.tls_client_ca_file, ec);
      if (!ec) impl->tls->set_verify_mode(net::ssl::verify_peer | net::ssl::verify_fail_if_no_peer_cert, ec);
    }
    if (ec) return absl::InvalidArgumentError(absl::StrCat("HTTP front TLS: ", ec.message()));
  }
  const std::string& listen = impl->shared.options.listen;
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError("--http_listen must be HOST:PORT");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
  beast::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec) return absl::InvalidArgumentError("--http_listen: \"" + host + "\" is not an IP address");
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot serve HTTP on ", listen, ": ", ec.message()));
  const auto bound = impl->acceptor.local_endpoint();
  impl->Accept();
  for (int i = 0; i < std::max(1, impl->shared.options.threads); ++i) {
    impl->threads.emplace_back([ioc = &impl->ioc] { ioc->run(); });
  }
  auto front = std::unique_ptr<ConnectFront>(new ConnectFront(std::move(impl)));
  front->address_ = absl::StrCat(bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                                         : bound.address().to_string(),
                                 ":", bound.port());
  return front;
}

void ConnectFront::Stop() {
  if (!impl_) return;
  beast::error_code ignored;
  net::post(impl_->ioc, [impl = impl_.get()] {
    beast::error_code e;
    impl->acceptor.close(e);
  });
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_.reset();
}

ConnectFront::~ConnectFront() { Stop(); }

const char* ConnectCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "ok";
    case grpc::StatusCode::CANCELLED: return "canceled";
    case grpc::StatusCode::UNKNOWN: return "unknown";
    case grpc::StatusCode::INVALID_ARGUMENT: return "invalid_argument";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "deadline_exceeded";
    case grpc::StatusCode::NOT_FOUND: return "not_found";
    case grpc::StatusCode::ALREADY_EXISTS: return "already_exists";
    case grpc::StatusCode::PERMISSION_DENIED: return "permission_denied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "resource_exhausted";
    case grpc::StatusCode::FAILED_PRECONDITION: return "failed_precondition";
    case grpc::StatusCode::ABORTED: return "aborted";
    case grpc::StatusCode::OUT_OF_RANGE: return "out_of_range";
    case grpc::StatusCode::UNIMPLEMENTED: return "unimplemented";
    case grpc::StatusCode::INTERNAL: return "internal";
    case grpc::StatusCode::UNAVAILABLE: return "unavailable";
    case grpc::StatusCode::DATA_LOSS: return "data_loss";
    case grpc::StatusCode::UNAUTHENTICATED: return "unauthenticated";
    default: return "unknown";
  }
}

// Connect's table (connectrpc.com/docs/protocol, "Error Codes").
int ConnectHttpStatus(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return 200;
    case grpc::StatusCode::CANCELLED: return 499;
    case grpc::StatusCode::INVALID_ARGUMENT: return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return 504;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::ALREADY_EXISTS: return 409;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return 429;
    case grpc::StatusCode::FAILED_PRECONDITION: return 400;
    case grpc::StatusCode::ABORTED: return 409;
    case grpc::StatusCode::OUT_OF_RANGE: return 400;
    case grpc::StatusCode::UNIMPLEMENTED: return 501;
    case grpc::StatusCode::UNAVAILABLE: return 503;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    default: return 500;
  }
}

}  // namespace subsidy::http
