#include "http/connect_front.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <map>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "absl/strings/str_replace.h"
#include "services/common.h"
#include "services/status_mapping.h"
#include "formats/wire.h"
#include "http/connect_protocol.h"
#include "http/static_files.h"
#include "ops/log.h"

namespace subsidy::http {
constexpr char kBodyTooLarge[] = "BODY_TOO_LARGE";  // a body over the limit ({limit_bytes}): 413
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using google::protobuf::util::JsonParseOptions;

constexpr char kPackagePrefix[] = "/subsidy.v1.";
constexpr auto kDefaultDeadline = std::chrono::seconds(60);
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

// A unary procedure as a route of this front: its handler and its message types.
struct Procedure {
  const service::UnaryRoute* route;
  std::string input_name;  // "subsidy.v1.LoanSubsidyRequest"
  std::string input_url;
  std::string output_url;
};

// "/subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy" → its procedure, for every registered
// unary RPC; made once.
absl::flat_hash_map<std::string, Procedure> Procedures() {
  absl::flat_hash_map<std::string, Procedure> out;
  for (const auto* route : service::UnaryRoutes()) {
    const auto* method = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
        absl::StrReplaceAll(route->method.full_name, {{"/", "."}}));
    if (method == nullptr) continue;
    out.emplace(absl::StrCat("/", route->method.full_name),
                Procedure{route, method->input_type()->full_name(), TypeUrl(method->input_type()),
                          TypeUrl(method->output_type())});
  }
  return out;
}

struct Shared {
  FrontOptions options;
  const service::ServiceContext* services;
  absl::flat_hash_map<std::string, Procedure> procedures = Procedures();
  std::map<std::string, StaticFile> files;  // the console
  std::atomic<int> connections{0};
};

// Streams on their io_context's own executor type (no type-erased executor on every operation).
using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using PlainStream = Socket;
using TlsStream = net::ssl::stream<Socket>;
using Clock = std::chrono::steady_clock;

// A connection with a deadline: the time its current read (or write) must be done by.
class Timed {
 public:
  virtual ~Timed() = default;
  virtual void Expire() = 0;
  Clock::time_point io_deadline = Clock::time_point::max();
};

// The connections of one io_context, touched only on its thread. Their deadlines are checked
// once a second (Sweep): cheaper than a timer armed and cancelled around every read and write,
// and a second's precision is plenty for timeouts of seconds.
class Connections {
 public:
  void Add(Timed* t) { live_.insert(t); }
  void Remove(Timed* t) { live_.erase(t); }
  void Sweep(Clock::time_point now) {
    std::vector<Timed*> late;
    for (Timed* t : live_) {
      if (t->io_deadline <= now) late.push_back(t);
    }
    for (Timed* t : late) t->Expire();
  }

 private:
  absl::flat_hash_set<Timed*> live_;
};

// One connection: plain (PlainStream) or TLS (TlsStream, the handshake first).
template <class Stream>
class Session final : public Timed, public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... TlsContext>
  Session(Socket socket, Shared* shared, Connections* connections, TlsContext&... tls)
      : stream_(std::move(socket), tls...), shared_(shared), connections_(connections) {
    beast::error_code ec;
    const auto peer = Lowest().remote_endpoint(ec);
    loopback_ = !ec && peer.address().is_loopback();
    if (!ec) peer_ = absl::StrCat("http:", peer.address().to_string(), ":", peer.port());
  }
  ~Session() override {
    connections_->Remove(this);  // on the connection's thread, as every handler of it
    --shared_->connections;
  }

  // Past its deadline: the socket is closed, which ends its pending read or write.
  void Expire() override {
    io_deadline = Clock::time_point::max();
    beast::error_code ignored;
    Lowest().close(ignored);
  }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      self->connections_->Add(self.get());
      if constexpr (std::is_same_v<Stream, TlsStream>) {
        self->ExpiresAfter(self->shared_->options.read_timeout);
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
    ExpiresAfter(shared_->options.idle_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    // A Content-Length over the limit is refused as the header is read: answered 413 all the same.
    if (ec == bhttp::error::body_limit) return OnRequest(ec);
    if (ec) return Unreadable(ec);
    ExpiresAfter(shared_->options.read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code e, size_t) { self->OnRequest(e); });
  }

  void OnRequest(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      close_after_ = true;  // the rest of the body is never read
      const std::string limit = absl::StrCat(shared_->options.max_body_bytes);
      return Error(Localized(WithParams(WithReason(absl::ResourceExhaustedError(absl::StrCat(
                                                       "the body is larger than ", limit, " bytes")),
                                                   kBodyTooLarge),
                                        {{"limit_bytes", limit}})),
                   413, "the body is over the limit");
    }
    if (ec) return Unreadable(ec);
    io_deadline = Clock::time_point::max();  // read whole: the call has its own deadline now
    const auto& req = parser_->get();
    const std::string target(req.target());
    if (req.method() == bhttp::verb::options) return Preflight();
    if (req.method() == bhttp::verb::get && target == "/healthz") return Health();
    if (req.method() == bhttp::verb::get && target == "/openapi.json") {
      return Send(200, "application/json", shared_->options.openapi_json);
    }
    const std::string path = target.substr(0, target.find('?'));
    // An RPC asked for by GET (PUT, …): 405 with Allow: POST, as Connect's servers answer a
    // procedure without GET support; its body a Connect error (unimplemented: not served so).
    if (req.method() != bhttp::verb::post && shared_->procedures.contains(path)) {
      return Error(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                std::string(req.method_string()) + " is not allowed: an RPC is POST " + path),
                   405, "method not allowed");
    }
    if (req.method() == bhttp::verb::get) {
      // The console: files read once at start, served from memory (no path reaches the disk).
      // Browsers ask for /favicon.ico whatever a page links.
      auto it = shared_->files.find(path == "/" ? "/index.html" : path == "/favicon.ico" ? "/favicon.svg" : path);
      if (it == shared_->files.end()) {
        return Error(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such route: " + target), 404, "no such route");
      }
      return Send(200, it->second.content_type.c_str(), it->second.bytes, /*page=*/true);
    }
    if (req.method() != bhttp::verb::post || !absl::StartsWith(target, kPackagePrefix)) {
      return Error(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such route: " + target), 404, "no such route");
    }
    Dispatch(target);
  }

  // The call's deadline: Connect's timeout header, else a minute.
  std::chrono::system_clock::time_point DeadlineOf(const bhttp::request<bhttp::string_body>& req) const {
    auto deadline = std::chrono::system_clock::now() + kDefaultDeadline;
    if (auto it = req.find("connect-timeout-ms"); it != req.end()) {
      int64_t ms = 0;
      if (absl::SimpleAtoi(std::string(it->value()), &ms) && ms > 0 && ms < 600'000) {
        deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(ms);
      }
    }
    return deadline;
  }

  // One call handed to the service's handler; it keeps its session alive until it finishes.
  class HttpExchange final : public service::Exchange {
   public:
    HttpExchange(std::shared_ptr<Session> session, std::chrono::system_clock::time_point deadline,
                 std::optional<std::string> authorization)
        : session_(std::move(session)),
          in_flight_(session_->shared_->services->in_flight),
          loopback_(session_->loopback_),
          peer_(session_->peer_),
          deadline_(deadline),
          authorization_(std::move(authorization)),
          language_(service::PreferredLanguage(std::string(session_->parser_->get()[bhttp::field::accept_language]))) {
      if (in_flight_) in_flight_->Enter();
    }
    ~HttpExchange() override {
      if (in_flight_) in_flight_->Leave();
    }
    std::chrono::system_clock::time_point deadline() const override { return deadline_; }
    void NoteReplay() override { replayed_ = true; }
    absl::StatusOr<std::shared_ptr<const auth::Caller>> Authorize(const auth::Authorizer& auth, absl::string_view method,
                                                                  absl::string_view scope) const override {
      auth::Credentials credentials;
      if (authorization_) credentials.authorization = *authorization_;
      credentials.loopback = loopback_;
      return auth.Authorize(credentials, method, scope);
    }
    std::string peer() const override { return peer_; }
    std::string language() const override { return language_; }
    void Finish(const absl::Status& status, const google::protobuf::Message& response) override {
      std::string bytes;
      if (status.ok()) bytes = response.SerializeAsString();
      grpc::Status answer = service::CallerStatus(*session_->shared_->services, *this, status);
      // Back on the session's thread (at once when the handler ran there), the session going
      // with it: it is let go of only there.
      auto executor = session_->stream_.get_executor();
      net::dispatch(executor, [session = std::move(session_), status = std::move(answer),
                               bytes = std::move(bytes), replayed = replayed_]() mutable {
        session->OnReply(status, std::move(bytes), replayed);
      });
      delete this;
    }

   private:
    std::shared_ptr<Session> session_;
    service::CallsInFlight* const in_flight_;
    const bool loopback_;
    const std::string peer_;
    const std::chrono::system_clock::time_point deadline_;
    const std::optional<std::string> authorization_;
    const std::string language_;  // of the request's Accept-Language
    bool replayed_ = false;
  };

  void Dispatch(const std::string& target) {
    const auto& req = parser_->get();
    // "/subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy" → the handler; unary RPCs only.
    const auto it = shared_->procedures.find(target);
    if (it == shared_->procedures.end()) {
      return Error(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                "no unary procedure " + target + " (streams are served over gRPC)"),
                   404, "no unary procedure");
    }
    std::string content_type(req[bhttp::field::content_type]);
    content_type = absl::AsciiStrToLower(content_type.substr(0, content_type.find(';')));
    json_ = content_type == "application/json";
    if (!json_ && content_type != "application/proto") {
      return Error(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                "Content-Type must be application/json or application/proto"),
                   415, "unsupported Content-Type");
    }
    procedure_ = &it->second;
    std::string json_bytes;
    if (json_) {
      JsonParseOptions options;
      options.ignore_unknown_fields = false;
      // An empty body is the empty message, as an empty application/proto body is.
      const bool empty = absl::StripAsciiWhitespace(req.body()).empty();
      const auto parsed = google::protobuf::util::JsonToBinaryString(
          JsonTypeResolver(), procedure_->input_url, empty ? std::string("{}") : req.body(), &json_bytes, options);
      if (!parsed.ok()) {
        // The log line names the type only: the converter's message quotes the body.
        return Error(Localized(JsonBodyError(procedure_->input_name, parsed.message().as_string())), 400,
                     "the body is not a " + procedure_->input_name + " in JSON");
      }
    }
    std::optional<std::string> authorization;
    if (auto h = req.find(bhttp::field::authorization); h != req.end()) authorization = std::string(h->value());
    auto* exchange = new HttpExchange(this->shared_from_this(), DeadlineOf(req), std::move(authorization));
    const auto* route = procedure_->route;
    route->serve(*shared_->services, route->method, exchange, json_ ? absl::string_view(json_bytes) : req.body());
  }

  void OnReply(const grpc::Status& status, std::string bytes, bool replayed) {
    replayed_ = replayed;
    if (!status.ok()) return Error(status, ConnectHttpStatus(status.error_code()));
    if (!json_) return Send(200, "application/proto", std::move(bytes));
    std::string json;
    if (!google::protobuf::util::BinaryToJsonString(JsonTypeResolver(), procedure_->output_url, bytes, &json).ok()) {
      return Error(grpc::Status(grpc::StatusCode::INTERNAL, "the answer does not convert to JSON"), 500,
                   "the answer does not convert to JSON");
    }
    Send(200, "application/json", std::move(json));
  }

  void Health() {
    const bool serving = !shared_->options.serving || shared_->options.serving();
    google::protobuf::Struct body;
    (*body.mutable_fields())["status"].set_string_value(serving ? "SERVING" : "NOT_SERVING");
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(body, &json);
    Send(serving ? 200 : 503, "application/json", std::move(json));
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
    res.set("Access-Control-Expose-Headers", formats::kReplayMetadata);
  }

  // A refused request: answered with a Connect error and logged with its status (what was asked,
  // from where and why in `why`; never the body). A handler's refusal (`why` empty) also has the
  // handler's own line, with the caller and the message.
  // What a refusal made here says to a person: the catalogue's text, in the request's language.
  grpc::Status Localized(const absl::Status& status) const {
    return service::StatusInLanguage(
        *shared_->services, service::PreferredLanguage(std::string(parser_->get()[bhttp::field::accept_language])),
        status);
  }

  void Error(const grpc::Status& made, int http_status, const std::string& why = "") {
    // A refusal of the front's own (no details yet) gets its LocalizedMessage as the handlers' do.
    const grpc::Status status =
        made.error_details().empty() && !made.ok()
            ? Localized(absl::Status(static_cast<absl::StatusCode>(made.error_code()), made.error_message()))
            : made;
    const auto& req = parser_->get();
    const std::string target(req.target());
    ops::LogLine line("http_refused");
    line.Str("method", std::string(req.method_string()))
        .Str("path", target.substr(0, target.find('?')))
        .Int("status", http_status)
        .Str("code", ops::StatusCodeName(status.error_code()))
        .Str("peer", peer_);
    if (!why.empty()) line.Str("message", why);
    line.Write(http_status >= 500 ? ops::LogLevel::kWarning : ops::LogLevel::kInfo);
    Send(http_status, "application/json", ConnectErrorJson(status));
  }

  // A request that is not HTTP this front reads (a bad request line or header, a header over the
  // limit): answered 400 (431) and the connection closed; a connection that went away or timed out
  // is only closed.
  void Unreadable(beast::error_code ec) {
    if (ec.category() != beast::http::make_error_code(bhttp::error::bad_target).category() ||
        ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) {
      return Close(ec);
    }
    close_after_ = true;
    const bool header_limit = ec == bhttp::error::header_limit;
    Error(grpc::Status(header_limit ? grpc::StatusCode::RESOURCE_EXHAUSTED : grpc::StatusCode::INVALID_ARGUMENT,
                       "the request is not HTTP/1.1 this server reads: " + ec.message()),
          header_limit ? 431 : 400, ec.message());
  }

  // `page`: one of the console's files, sent with the policy the browser enforces on it.
  void Send(int status, const char* content_type, std::string body, bool page = false) {
    const unsigned version = parser_ ? parser_->get().version() : 11;
    Response res{static_cast<bhttp::status>(status), version};
    res.set(bhttp::field::server, "subsidy-server");
    res.set(bhttp::field::content_type, content_type);
    res.set(bhttp::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    if (page) {
      // The console runs only its own files: no inline script, no other origin, no framing.
      res.set("Content-Security-Policy", kContentSecurityPolicy);
      res.set("Referrer-Policy", "no-referrer");
    }
    // A replay of a mutation is said in a header, as gRPC says it in metadata.
    if (replayed_) res.set(formats::kReplayMetadata, "true");
    // What an RPC's route takes (a 405 must say which methods it allows).
    if (status == 405) res.set(bhttp::field::allow, "POST");
    if (status == 405 || status == 415) res.set("Accept-Post", "application/json, application/proto");
    if (parser_) AddCors(res);
    res.body() = std::move(body);
    Write(std::move(res));
  }

  void Write(Response res) {
    res.keep_alive(!close_after_ && parser_ && parser_->get().keep_alive());
    res.prepare_payload();
    auto shared_res = std::make_shared<Response>(std::move(res));
    ExpiresAfter(shared_->options.read_timeout);
    bhttp::async_write(stream_, *shared_res,
                       [self = this->shared_from_this(), shared_res](beast::error_code ec, size_t) {
                         if (ec || !shared_res->keep_alive()) return self->Close(ec);
                         self->replayed_ = false;
                         self->ReadHeader();
                       });
  }

  void Close(beast::error_code) {
    io_deadline = Clock::time_point::max();
    beast::error_code ignored;
    Lowest().shutdown(Socket::shutdown_send, ignored);
  }
  void ExpiresAfter(std::chrono::seconds timeout) { io_deadline = Clock::now() + timeout; }
  Socket& Lowest() { return beast::get_lowest_layer(stream_); }

  Stream stream_;
  Shared* shared_;
  Connections* connections_;
  bool loopback_ = false;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bool json_ = true;
  bool close_after_ = false;
  bool replayed_ = false;
  const Procedure* procedure_ = nullptr;
  std::string peer_;
};

// The same certificate and key as gRPC's, TLS 1.2 or later; with a client CA, client
// certificates are required and verified, as on gRPC.
absl::StatusOr<std::unique_ptr<net::ssl::context>> TlsContext(const FrontOptions& options) {
  auto tls = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  boost::system::error_code ec;
  tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1,
                   ec);
  if (!ec) tls->use_certificate_chain_file(options.tls_cert_file, ec);
  if (!ec) tls->use_private_key_file(options.tls_key_file, net::ssl::context::pem, ec);
  if (!ec && !options.tls_client_ca_file.empty()) {
    tls->load_verify_file(options.tls_client_ca_file, ec);
    if (!ec) tls->set_verify_mode(net::ssl::verify_peer | net::ssl::verify_fail_if_no_peer_cert, ec);
  }
  if (ec) return absl::InvalidArgumentError(absl::StrCat("HTTP front TLS: ", ec.message()));
  return tls;
}

// --http_listen's HOST:PORT (an IPv6 host in brackets) as an endpoint.
absl::StatusOr<tcp::endpoint> ListenEndpoint(const std::string& listen) {
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
  return tcp::endpoint(address, static_cast<unsigned short>(port));
}

}  // namespace

struct ConnectFront::Impl {
  Shared shared;
  std::unique_ptr<net::ssl::context> tls;  // with --tls_cert: every connection is TLS
  // Per io_context, outliving it (its connections leave the set as the context lets them go).
  std::vector<std::unique_ptr<Connections>> connections;
  // One io_context per thread, each connection on one of them (round robin): a connection's
  // handlers never race, so they need no strand, and threads never wake one another.
  std::vector<std::unique_ptr<net::io_context>> contexts;
  // Keeps each run() going while its context has no connection yet.
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  std::vector<std::unique_ptr<net::steady_timer>> sweeps;  // one per context, every second
  std::unique_ptr<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  size_t next = 0;

  void Sweep(size_t i) {
    sweeps[i]->expires_after(std::chrono::seconds(1));
    sweeps[i]->async_wait([this, i](beast::error_code ec) {
      if (ec) return;
      connections[i]->Sweep(Clock::now());
      Sweep(i);
    });
  }

  void Accept() {
    const size_t i = next++ % contexts.size();
    net::io_context& target = *contexts[i];
    acceptor->async_accept(target, [this, i](beast::error_code ec, Socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) {
        // Past the cap a connection is closed at once: a flood cannot take every worker.
        if (++shared.connections > shared.options.max_connections) {
          --shared.connections;
          beast::error_code ignored;
          socket.close(ignored);
        } else if (tls) {
          std::make_shared<Session<TlsStream>>(std::move(socket), &shared, connections[i].get(), *tls)->Start();
        } else {
          std::make_shared<Session<PlainStream>>(std::move(socket), &shared, connections[i].get())->Start();
        }
      }
      Accept();
    });
  }
};

ConnectFront::ConnectFront(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

absl::StatusOr<std::unique_ptr<ConnectFront>> ConnectFront::Start(const service::ServiceContext* services,
                                                                  FrontOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->shared.options = std::move(options);
  impl->shared.services = services;
  auto files = LoadStaticFiles(impl->shared.options.web_dir);
  if (!files.ok()) return files.status();
  impl->shared.files = std::move(*files);
  if (!impl->shared.options.tls_cert_file.empty()) {
    auto tls = TlsContext(impl->shared.options);
    if (!tls.ok()) return tls.status();
    impl->tls = std::move(*tls);
  }
  const std::string& listen = impl->shared.options.listen;
  auto endpoint_or = ListenEndpoint(listen);
  if (!endpoint_or.ok()) return endpoint_or.status();
  const tcp::endpoint endpoint = *endpoint_or;
  beast::error_code ec;
  for (int i = 0; i < std::max(1, impl->shared.options.threads); ++i) {
    impl->connections.push_back(std::make_unique<Connections>());
    impl->contexts.push_back(std::make_unique<net::io_context>(1));
    impl->guards.push_back(net::make_work_guard(*impl->contexts.back()));
    impl->sweeps.push_back(std::make_unique<net::steady_timer>(*impl->contexts.back()));
  }
  impl->acceptor = std::make_unique<tcp::acceptor>(*impl->contexts[0]);
  impl->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor->bind(endpoint, ec);
  if (!ec) impl->acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot serve HTTP on ", listen, ": ", ec.message()));
  const auto bound = impl->acceptor->local_endpoint();
  impl->Accept();
  for (size_t i = 0; i < impl->contexts.size(); ++i) impl->Sweep(i);
  for (auto& ioc : impl->contexts) {
    impl->threads.emplace_back([ioc = ioc.get()] { ioc->run(); });
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
  net::post(*impl_->contexts[0], [impl = impl_.get()] {
    beast::error_code e;
    impl->acceptor->close(e);
  });
  for (auto& ioc : impl_->contexts) ioc->stop();
  for (auto& t : impl_->threads) t.join();
  impl_.reset();
}

ConnectFront::~ConnectFront() { Stop(); }

}  // namespace subsidy::http
