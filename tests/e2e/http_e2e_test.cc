// The HTTP/JSON front through the real server and a real HTTP client (Boost.Beast): every route of
// the OpenAPI document answers, with its descriptions, required fields and examples (each example a
// request, each required field refused when left out); JSON and binary give what gRPC gives for the
// loan golden cases; the errors for bad JSON, unknown fields, a bad enum value (listing the values),
// a wrong content type, another method than POST (405, Allow: POST), a missing token and a wrong
// role, each detail also readable as JSON; an empty body is the empty message; a lower-case bearer
// scheme; every refused request logged with its status, never its body; a replay is said; CORS only
// for the listed origins; the body limit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <fstream>
#include <regex>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "golden_cases.pb.h"
#include "subsidy/v1/admin.pb.h"
#include "subsidy/v1/education.pb.h"
#include "subsidy/v1/approval.pb.h"
#include "subsidy/v1/fund.pb.h"
#include "subsidy/v1/payment.pb.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "subsidy/v1/reward.pb.h"
#include "support/calls.h"
#include "support/sample_loans.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using ::testing::HasSubstr;
using ::testing::Not;

struct HttpReply {
  int status = 0;  // 0: no answer could be read (then `error` says why)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string error;                           // "" when a whole answer was read
};

// A server that neither answers nor closes fails the read after this, never hangs the test.
constexpr std::chrono::seconds kHttpTimeout{30};

beast::tcp_stream Connect(boost::asio::io_context& ioc, const std::string& address) {
  const size_t colon = address.rfind(':');
  boost::asio::ip::tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  stream.connect(resolver.resolve(address.substr(0, colon), address.substr(colon + 1)));
  stream.expires_after(kHttpTimeout);
  return stream;
}

// One answer read from `stream`.
HttpReply ReadReply(beast::tcp_stream& stream) {
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 << 20);
  beast::error_code ec;
  bhttp::read(stream, buffer, parser, ec);
  HttpReply out;
  if (ec) {
    out.error = "no answer read: " + ec.message();
    return out;
  }
  out.status = static_cast<int>(parser.get().result_int());
  out.body = parser.get().body();
  for (const auto& h : parser.get()) out.headers[absl::AsciiStrToLower(std::string(h.name_string()))] = std::string(h.value());
  return out;
}

// One request on a fresh connection.
HttpReply Request(const std::string& address, bhttp::verb verb, const std::string& target, const std::string& body = "",
                  const std::map<std::string, std::string>& headers = {}) {
  boost::asio::io_context ioc;
  beast::tcp_stream stream = Connect(ioc, address);
  bhttp::request<bhttp::string_body> req{verb, target, 11};
  req.set(bhttp::field::host, address);
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  beast::error_code wrote;
  bhttp::write(stream, req, wrote);  // a server that refuses a body may stop reading it: read its answer anyway
  HttpReply out = ReadReply(stream);
  if (!out.error.empty() && wrote) out.error += " (the request's write failed too: " + wrote.message() + ")";
  return out;
}

// `raw` sent byte for byte (a request no well-behaved client library writes), then one answer.
HttpReply RawRequest(const std::string& address, const std::string& raw) {
  boost::asio::io_context ioc;
  beast::tcp_stream stream = Connect(ioc, address);
  beast::error_code wrote;
  boost::asio::write(stream, boost::asio::buffer(raw), wrote);
  HttpReply out = ReadReply(stream);
  if (!out.error.empty() && wrote) out.error += " (the request's write failed too: " + wrote.message() + ")";
  return out;
}

HttpReply PostJson(const std::string& address, const std::string& path, const std::string& json,
                   std::map<std::string, std::string> headers = {}) {
  headers["content-type"] = "application/json";
  return Request(address, bhttp::verb::post, path, json, headers);
}

std::string HttpAddress(const ServerProcess& server) {
  std::smatch m;
  const std::string err = server.Stderr();
  if (!std::regex_search(err, m, std::regex("\"http\":\"([0-9.:]+)\""))) return "";
  return m[1].str();
}

// A JSON body as a Struct (empty when it is not a JSON object).
google::protobuf::Struct JsonOf(const std::string& body) {
  google::protobuf::Struct out;
  if (!google::protobuf::util::JsonStringToMessage(body, &out).ok()) out.Clear();
  return out;
}

// A string field of a JSON object ("" when it has none).
std::string StrOf(const google::protobuf::Struct& s, const std::string& key) {
  const auto it = s.fields().find(key);
  return it == s.fields().end() ? "" : it->second.string_value();
}

// The readable (debug) form of a Connect error's first detail of `type` ("google.rpc.BadRequest").
google::protobuf::Struct DebugDetail(const HttpReply& r, const std::string& type) {
  const google::protobuf::Struct body = JsonOf(r.body);
  const auto details = body.fields().find("details");
  if (details == body.fields().end()) return {};
  for (const auto& d : details->second.list_value().values()) {
    const auto& fields = d.struct_value().fields();
    if (StrOf(d.struct_value(), "type") == type && fields.count("debug")) return fields.at("debug").struct_value();
  }
  return {};
}

// The field a Connect error's BadRequest names, read from its debug form ("" when none).
std::string ViolatedField(const HttpReply& r) {
  const google::protobuf::Struct bad = DebugDetail(r, "google.rpc.BadRequest");
  const auto violations = bad.fields().find("fieldViolations");
  if (violations == bad.fields().end() || violations->second.list_value().values_size() == 0) return "";
  return StrOf(violations->second.list_value().values(0).struct_value(), "field");
}

// "principalFen" → "principal_fen": the proto name a BadRequest uses for a JSON name.
std::string ProtoName(const std::string& json_name) {
  std::string out;
  for (char c : json_name) {
    if (absl::ascii_isupper(static_cast<unsigned char>(c))) {
      out += '_';
      out += absl::ascii_tolower(static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

// Whether the server's log has a line refusing a request with this HTTP status and code, from a
// loopback peer (waited for: the log is written by a thread of its own).
bool LoggedRefusal(const ServerProcess& server, int status, const std::string& code) {
  const std::regex line("\"event\":\"http_refused\",\"method\":\"[^\"]*\",\"path\":\"[^\"]*\",\"status\":" +
                        std::to_string(status) + ",\"code\":\"" + code + "\",\"peer\":\"http:127\\.0\\.0\\.1:[0-9]+\"");
  return WaitUntil([&] { return std::regex_search(server.Stderr(), line); });
}

class HttpE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ServerProcess::Start({.db = dir_.path() + "/ledger.db",
                                   .extra_args = {"--http_listen=127.0.0.1:0", "--max_message_bytes=1048576",
                                                  "--http_cors_origins=https://portal.example.cn"}});
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
    http_ = HttpAddress(*server_);
    ASSERT_FALSE(http_.empty()) << server_->Stderr();
  }
  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string http_;
};

TEST_F(HttpE2e, EveryRouteOfTheOpenApiDocumentAnswers) {
  const HttpReply doc = Request(http_, bhttp::verb::get, "/openapi.json");
  ASSERT_EQ(doc.status, 200);
  google::protobuf::Struct openapi;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(doc.body, &openapi).ok());
  EXPECT_EQ(openapi.fields().at("openapi").string_value(), "3.1.0");
  const auto& paths = openapi.fields().at("paths").struct_value().fields();
  int routes = 0;
  for (const auto& [path, item] : paths) {
    if (!item.struct_value().fields().count("post")) continue;
    ++routes;
    // An empty request: each route answers, with its result or its own Connect error (an empty id
    // is not_found), never "no such procedure" and never a 5xx.
    const HttpReply r = PostJson(http_, path, "{}");
    ASSERT_EQ(r.error, "") << path;
    EXPECT_LT(r.status, 500) << path << " " << r.body;
    google::protobuf::Struct body;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.body, &body).ok()) << path << " " << r.body;
    if (r.status != 200) {
      EXPECT_NE(body.fields().at("code").string_value(), "unimplemented") << path;
    }
  }
  // Every unary RPC of the five services, as the protos declare them.
  int unary = 0;
  for (const auto* file : {v1::LoanSubsidyRequest::descriptor()->file(), v1::GetFundPriorityRequest::descriptor()->file(),
                            v1::Payout::descriptor()->file(), v1::GetCallerRequest::descriptor()->file(),
                            v1::Fund::descriptor()->file(), v1::Instruction::descriptor()->file(),
                           v1::PaymentLine::descriptor()->file()}) {
    for (int k = 0; k < file->service_count(); ++k) {
      const auto* d = file->service(k);
      for (int i = 0; i < d->method_count(); ++i) {
        unary += !d->method(i)->client_streaming() && !d->method(i)->server_streaming();
      }
    }
  }
  EXPECT_EQ(routes, unary);
  EXPECT_GE(routes, 37);
  EXPECT_EQ(Request(http_, bhttp::verb::get, "/healthz").body, "{\"status\":\"SERVING\"}");
  EXPECT_EQ(PostJson(http_, "/subsidy.v1.LoanSubsidyService/NoSuchMethod", "{}").status, 404);
  EXPECT_EQ(PostJson(http_, "/subsidy.v1.LoanSubsidyService/StreamLoanSubsidies", "{}").status, 404);
}

TEST_F(HttpE2e, JsonAndBinaryGiveWhatGrpcGivesForTheGoldenCases) {
  std::ifstream in(std::string(SUBSIDY_GOLDEN_DIR) + "/loan_cases.textproto");
  std::stringstream text;
  text << in.rdbuf();
  test::LoanGoldenFile golden;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(text.str(), &golden));
  auto stub = v1::LoanSubsidyService::NewStub(server_->Channel());
  int compared = 0;
  for (const auto& c : golden.cases()) {
    SCOPED_TRACE(c.name());
    v1::LoanSubsidyResult via_grpc;
    const grpc::Status s = stub->CalculateLoanSubsidy(Call().get(), c.request(), &via_grpc);
    std::string json;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(c.request(), &json).ok());
    const HttpReply as_json = PostJson(http_, "/subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy", json);
    const HttpReply as_proto = Request(http_, bhttp::verb::post, "/subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy",
                                       c.request().SerializeAsString(), {{"content-type", "application/proto"}});
    if (!s.ok()) {
      EXPECT_EQ(as_json.status, 400);
      EXPECT_THAT(as_json.body, HasSubstr("\"code\":\"invalid_argument\""));
      EXPECT_EQ(as_proto.status, 400);
      continue;
    }
    ASSERT_EQ(as_json.status, 200) << as_json.body;
    v1::LoanSubsidyResult from_json, from_proto;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(as_json.body, &from_json).ok());
    ASSERT_EQ(as_proto.status, 200);
    EXPECT_EQ(as_proto.headers.at("content-type"), "application/proto");
    ASSERT_TRUE(from_proto.ParseFromString(as_proto.body));
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(via_grpc, from_json));
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(via_grpc, from_proto));
    ++compared;
  }
  EXPECT_GE(compared, 30);
}

TEST_F(HttpE2e, ErrorsAreConnectErrorsWithTheSameDetails) {
  const std::string path = "/subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy";
  HttpReply r = PostJson(http_, path, "{not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("\"code\":\"invalid_argument\""));
  r = PostJson(http_, path, "{\"noSuchField\": 1}");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("noSuchField"));
  r = Request(http_, bhttp::verb::post, path, "{}", {{"content-type", "text/plain"}});
  EXPECT_EQ(r.status, 415);
  // A business refusal: FAILED_PRECONDITION with its ErrorInfo reason, as gRPC gives it.
  r = PostJson(http_, "/subsidy.v1.RewardPayoutService/RunDisbursement",
               "{\"requestId\":\"run-1\",\"paymentDate\":\"2024-10-01\"}");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("\"code\":\"failed_precondition\""));
  EXPECT_THAT(r.body, HasSubstr("\"type\":\"google.rpc.ErrorInfo\""));
  // A replay is said in a header.
  const std::string det =
      "{\"requestId\":\"h-1\",\"policyId\":\"YC-ABOVE-SCALE-ENTRY\",\"enterpriseUscc\":\"" + TestUscc(1) +
      "\",\"determinationDate\":\"2024-05-13\"}";
  EXPECT_EQ(PostJson(http_, "/subsidy.v1.RewardPayoutService/SubmitDetermination", det).headers.count("subsidy-replay"),
            0u);
  EXPECT_EQ(PostJson(http_, "/subsidy.v1.RewardPayoutService/SubmitDetermination", det).headers["subsidy-replay"],
            "true");
}

// Each detail of a Connect error also in its readable form (Connect's "debug": the message as
// JSON), so that a portal reads BadRequest and ErrorInfo without the protos.
TEST_F(HttpE2e, ErrorDetailsAreAlsoReadableAsJson) {
  // The Liuzhou golden loan without its region tier: INVALID_ARGUMENT naming region_tier.
  HttpReply r = PostJson(http_, "/subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy",
                         "{\"loanId\":\"LZ-2023\",\"province\":\"45\",\"program\":\"ENTREPRENEUR_INDIVIDUAL\","
                         "\"principalFen\":\"10000000\",\"contractDate\":\"2023-01-10\",\"disbursementDate\":\"2023-01-10\","
                         "\"maturityDate\":\"2024-01-10\",\"annualRatePercent\":\"5.15\"}");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ViolatedField(r), "region_tier") << r.body;
  const google::protobuf::Struct bad = DebugDetail(r, "google.rpc.BadRequest");
  EXPECT_THAT(StrOf(bad.fields().at("fieldViolations").list_value().values(0).struct_value(), "description"),
              HasSubstr("region_tier")) << r.body;
  // The binary form is still there beside it.
  EXPECT_THAT(r.body, HasSubstr("\"value\":\""));
  // A business refusal: its ErrorInfo's reason and domain.
  r = PostJson(http_, "/subsidy.v1.RewardPayoutService/RunDisbursement",
               "{\"requestId\":\"run-1\",\"paymentDate\":\"2024-10-01\"}");
  ASSERT_EQ(r.status, 400) << r.body;
  const google::protobuf::Struct info = DebugDetail(r, "google.rpc.ErrorInfo");
  EXPECT_NE(StrOf(info, "reason"), "") << r.body;
  EXPECT_EQ(StrOf(info, "domain"), "subsidy.v1") << r.body;
}

// A name an enum does not have: INVALID_ARGUMENT naming the field (its path inside the request)
// and listing the names the enum has.
TEST_F(HttpE2e, ABadEnumValueIsRefusedWithTheValuesItMayTake) {
  HttpReply r = PostJson(http_, "/subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy", "{\"program\":\"STARTUP\"}");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(StrOf(JsonOf(r.body), "code"), "invalid_argument");
  EXPECT_EQ(ViolatedField(r), "program") << r.body;
  const std::string message = StrOf(JsonOf(r.body), "message");
  for (const char* value : {"ENTREPRENEUR_INDIVIDUAL", "ENTREPRENEUR_PARTNERSHIP", "ENTREPRENEUR_SMALL_BUSINESS",
                            "POVERTY_MICROCREDIT"}) {
    EXPECT_THAT(message, HasSubstr(value));
  }
  EXPECT_THAT(message, HasSubstr("\"STARTUP\""));
  // Inside a list, and an enum nested in a message (subsidy.v1.Fund.Level).
  r = PostJson(http_, "/subsidy.v1.LoanSubsidyService/CalculateLoanSubsidyBatch",
               "{\"loans\":[{},{\"regionTier\":\"NORTH\"}]}");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ViolatedField(r), "loans[1].region_tier") << r.body;
  EXPECT_THAT(StrOf(JsonOf(r.body), "message"), HasSubstr("EAST, CENTRAL_WEST, POVERTY_AREA"));
  r = PostJson(http_, "/subsidy.v1.FundService/ListFunds", "{\"level\":\"CITY\"}");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ViolatedField(r), "level") << r.body;
  EXPECT_THAT(StrOf(JsonOf(r.body), "message"), HasSubstr("CENTRAL_DIRECT, PROVINCIAL, MUNICIPAL"));
  // A value of the wrong type names its field too.
  r = PostJson(http_, "/subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy", "{\"partnerCount\":\"two\"}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ViolatedField(r), "partner_count") << r.body;
}

// An empty body is the empty message, in JSON as in binary.
TEST_F(HttpE2e, AnEmptyBodyIsTheEmptyMessage) {
  for (const char* type : {"application/json", "application/proto"}) {
    SCOPED_TRACE(type);
    for (const char* path : {"/subsidy.v1.AdminService/GetCaller", "/subsidy.v1.RewardPayoutService/ListRewardPolicies"}) {
      const HttpReply r = Request(http_, bhttp::verb::post, path, "", {{"content-type", type}});
      EXPECT_EQ(r.status, 200) << path << " " << r.body;
    }
  }
  const HttpReply caller = Request(http_, bhttp::verb::post, "/subsidy.v1.AdminService/GetCaller", "",
                                   {{"content-type", "application/json"}});
  EXPECT_EQ(StrOf(JsonOf(caller.body), "name"), "local") << caller.body;
  // An empty request still meets the handler's checks: an empty id is no claim.
  EXPECT_EQ(Request(http_, bhttp::verb::post, "/subsidy.v1.LoanSubsidyService/GetLoanSubsidyClaim", "",
                    {{"content-type", "application/json"}})
                .status,
            404);
}

// An RPC asked for by another method than POST: 405 with Allow: POST (as Connect's servers answer
// a procedure that has no GET form) and a Connect error, unimplemented; other paths stay 404.
TEST_F(HttpE2e, AnRpcByAnotherMethodIs405AllowingPost) {
  const std::string path = "/subsidy.v1.AdminService/GetCaller";
  for (const bhttp::verb verb : {bhttp::verb::get, bhttp::verb::put, bhttp::verb::delete_, bhttp::verb::patch}) {
    SCOPED_TRACE(std::string(bhttp::to_string(verb)));
    HttpReply r = Request(http_, verb, path, verb == bhttp::verb::get ? "" : "{}", {{"content-type", "application/json"}});
    EXPECT_EQ(r.status, 405) << r.body;
    EXPECT_EQ(r.headers["allow"], "POST");
    EXPECT_EQ(r.headers["content-type"], "application/json");
    EXPECT_EQ(StrOf(JsonOf(r.body), "code"), "unimplemented") << r.body;
  }
  // A refusal of the front's own reads like a handler's: a LocalizedMessage in the asked language.
  const HttpReply zh = Request(http_, bhttp::verb::get, path, "", {{"accept-language", "zh-CN"}});
  EXPECT_THAT(zh.body, HasSubstr("google.rpc.LocalizedMessage"));
  EXPECT_THAT(zh.body, HasSubstr("系统不支持该操作。"));
  const HttpReply en = Request(http_, bhttp::verb::get, path, "", {{"accept-language", "fr, en;q=0.5"}});
  EXPECT_THAT(en.body, HasSubstr("This operation is not supported."));
  // Connect's GET form (a query) is not served either.
  EXPECT_EQ(Request(http_, bhttp::verb::get, path + "?encoding=json&message=%7B%7D").status, 405);
  EXPECT_EQ(Request(http_, bhttp::verb::get, "/subsidy.v1.AdminService/NoSuchMethod").status, 404);
  EXPECT_EQ(Request(http_, bhttp::verb::get, "/subsidy.v1.LoanSubsidyService/StreamLoanSubsidies").status, 404);
  EXPECT_EQ(PostJson(http_, path, "{}").status, 200);
}

// Every request the front refuses is one log line with its status and code, where it came from,
// the method and path, and never its body.
TEST_F(HttpE2e, EveryRefusedRequestIsLoggedWithItsStatusNeverItsBody) {
  const std::string secret = "NOT-FOR-THE-LOG-7F3A";
  EXPECT_EQ(Request(http_, bhttp::verb::get, "/no/such/page").status, 404);
  EXPECT_EQ(Request(http_, bhttp::verb::get, "/subsidy.v1.AdminService/GetCaller").status, 405);
  EXPECT_EQ(Request(http_, bhttp::verb::post, "/subsidy.v1.AdminService/GetCaller", "{}", {{"content-type", "text/plain"}})
                .status,
            415);
  EXPECT_EQ(PostJson(http_, "/subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy", "{\"loanId\":\"" + secret + "\",")
                .status,
            400);
  EXPECT_EQ(RawRequest(http_, "POST /subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy HTTP/1.1\r\nHost: x\r\n"
                              "Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n")
                .status,
            413);
  // Not HTTP at all: answered 400, not dropped.
  const HttpReply garbage = RawRequest(http_, "this is not http\r\n\r\n");
  EXPECT_EQ(garbage.status, 400) << garbage.error;
  EXPECT_TRUE(LoggedRefusal(*server_, 404, "NOT_FOUND")) << server_->Stderr();
  EXPECT_TRUE(LoggedRefusal(*server_, 405, "UNIMPLEMENTED")) << server_->Stderr();
  EXPECT_TRUE(LoggedRefusal(*server_, 415, "INVALID_ARGUMENT")) << server_->Stderr();
  EXPECT_TRUE(LoggedRefusal(*server_, 400, "INVALID_ARGUMENT")) << server_->Stderr();
  EXPECT_TRUE(LoggedRefusal(*server_, 413, "RESOURCE_EXHAUSTED")) << server_->Stderr();
  EXPECT_THAT(server_->Stderr(), HasSubstr("\"path\":\"/subsidy.v1.AdminService/GetCaller\",\"status\":405"));
  EXPECT_THAT(server_->Stderr(), Not(HasSubstr(secret)));
}

// The OpenAPI document as the server serves it: the protos' comments as descriptions, the formats,
// who may call each route, and per RPC an example that is a request and the fields its handler
// requires, each refused when it is left out.
TEST_F(HttpE2e, TheOpenApiDocumentDescribesEachRequestWithAnExample) {
  const google::protobuf::Struct doc = JsonOf(Request(http_, bhttp::verb::get, "/openapi.json").body);
  ASSERT_TRUE(doc.fields().count("components"));
  const auto& schemas = doc.fields().at("components").struct_value().fields().at("schemas").struct_value().fields();
  const auto& loan = schemas.at("subsidy.v1.LoanSubsidyRequest").struct_value();
  const auto& props = loan.fields().at("properties").struct_value().fields();
  EXPECT_THAT(StrOf(props.at("province").struct_value(), "description"), HasSubstr("GB/T 2260"));
  EXPECT_THAT(StrOf(props.at("borrowerId").struct_value(), "description"), HasSubstr("居民身份证号"));
  EXPECT_EQ(StrOf(props.at("principalFen").struct_value(), "type"), "string");
  EXPECT_EQ(StrOf(props.at("principalFen").struct_value(), "format"), "int64");
  EXPECT_THAT(StrOf(props.at("principalFen").struct_value(), "description"), HasSubstr("分"));
  EXPECT_EQ(StrOf(props.at("contractDate").struct_value(), "format"), "date");
  EXPECT_EQ(StrOf(schemas.at("subsidy.v1.GetExecutionReportRequest")
                      .struct_value().fields().at("properties").struct_value().fields().at("asOf").struct_value(),
                  "format"),
            "date");
  std::set<std::string> required;
  for (const auto& v : loan.fields().at("required").list_value().values()) required.insert(v.string_value());
  EXPECT_TRUE(required.count("principalFen") && required.count("program") && !required.count("loanId"));
  const auto& paths = doc.fields().at("paths").struct_value().fields();
  const auto& batch = paths.at("/subsidy.v1.LoanSubsidyService/CalculateLoanSubsidyBatch").struct_value().fields().at("post");
  EXPECT_EQ(StrOf(batch.struct_value(), "description"), "`loans` in, `results` out, same order; per-loan errors in-band.");
  std::vector<std::string> roles;
  for (const auto& v : batch.struct_value().fields().at("x-roles").list_value().values()) roles.push_back(v.string_value());
  EXPECT_EQ(roles, (std::vector<std::string>{"bank", "finance", "admin"}));
  std::map<std::string, std::string> tags;  // service → its description
  for (const auto& v : doc.fields().at("tags").list_value().values()) {
    tags[StrOf(v.struct_value(), "name")] = StrOf(v.struct_value(), "description");
  }
  EXPECT_THAT(tags["LoanSubsidyService"], HasSubstr("财政贴息"));
  EXPECT_THAT(tags["FundService"], HasSubstr("资金动态监控"));
  int examples = 0;
  for (const auto& [path, item] : paths) {
    if (!item.struct_value().fields().count("post")) continue;
    SCOPED_TRACE(path);
    const auto& json = item.struct_value().fields().at("post").struct_value().fields().at("requestBody")
                           .struct_value().fields().at("content").struct_value().fields().at("application/json")
                           .struct_value().fields();
    ASSERT_TRUE(json.count("examples"));
    const std::string ref = StrOf(json.at("schema").struct_value(), "$ref");
    const auto& schema = schemas.at(ref.substr(ref.rfind('/') + 1)).struct_value().fields();
    for (const auto& [name, example] : json.at("examples").struct_value().fields()) {
      ++examples;
      const google::protobuf::Struct request = example.struct_value().fields().at("value").struct_value();
      std::string body;
      ASSERT_TRUE(google::protobuf::util::MessageToJsonString(request, &body).ok());
      // The example is a request of its type: whatever the ledger holds, never refused as JSON.
      const HttpReply whole = PostJson(http_, path, body);
      EXPECT_LT(whole.status, 500) << whole.body;
      EXPECT_THAT(StrOf(JsonOf(whole.body), "message"), Not(HasSubstr("in JSON"))) << body;
      if (!schema.count("required")) continue;
      for (const auto& field : schema.at("required").list_value().values()) {
        google::protobuf::Struct without = request;
        without.mutable_fields()->erase(field.string_value());
        // Under a request_id of its own: never a replay of (or a clash with) the whole example.
        if (without.fields().count("requestId")) {
          (*without.mutable_fields())["requestId"].set_string_value("omit-" + field.string_value() + "-" + path);
        }
        body.clear();  // MessageToJsonString appends
        ASSERT_TRUE(google::protobuf::util::MessageToJsonString(without, &body).ok());
        const HttpReply r = PostJson(http_, path, body);
        EXPECT_TRUE(r.status == 400 || r.status == 404) << field.string_value() << " left out: " << r.status << " " << r.body;
        if (StrOf(JsonOf(r.body), "code") == "invalid_argument") {
          EXPECT_TRUE(absl::StartsWith(ViolatedField(r), ProtoName(field.string_value())))
              << field.string_value() << " left out: " << r.body;
        }
      }
    }
  }
  EXPECT_GE(examples, 43);
}

// The body limit (--max_message_bytes is 1 MiB here): a body announced larger is refused with 413
// before it is read, whichever way its size is announced. The client sends the head only (with a
// chunked body, the chunk's size line too), so the server has nothing unread when it closes: its
// answer is never lost to a connection reset, and a read that fails is the server's fault.
class HttpBodyLimitE2e : public HttpE2e {
 protected:
  const std::string path_ = "/subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy";
  const int64_t over_ = (int64_t{1} << 20) + 1;  // one byte over the limit
  std::string Head() const {
    return "POST " + path_ + " HTTP/1.1\r\nHost: " + http_ + "\r\nContent-Type: application/json\r\n";
  }
};

TEST_F(HttpBodyLimitE2e, AChunkOverTheLimitIs413) {
  const std::string size_line = absl::StrCat(absl::Hex(over_), "\r\n");
  const HttpReply r = RawRequest(http_, Head() + "Transfer-Encoding: chunked\r\n\r\n" + size_line);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_THAT(r.body, HasSubstr("\"code\":\"resource_exhausted\""));
  // BODY_TOO_LARGE, said as what it is (never "busy, retry later": the same body never fits).
  EXPECT_THAT(r.body, HasSubstr("\"reason\":\"BODY_TOO_LARGE\""));
  EXPECT_THAT(r.body, HasSubstr("请求内容超过 " + std::to_string(over_ - 1) + " 字节的上限"));
}

// Chunks each under the limit that add up to more: the chunk that goes over is refused (the server
// reads the first chunk whole; the client sends the second's size line only).
TEST_F(HttpBodyLimitE2e, ChunksAddingUpToMoreThanTheLimitAre413) {
  const int64_t first = 600 << 10, second = over_ - first;
  const std::string first_chunk = absl::StrCat(absl::Hex(first), "\r\n", std::string(static_cast<size_t>(first), ' '), "\r\n");
  const HttpReply r = RawRequest(http_, Head() + "Transfer-Encoding: chunked\r\n\r\n" + first_chunk +
                                            absl::StrCat(absl::Hex(second), "\r\n"));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_THAT(r.body, HasSubstr("\"code\":\"resource_exhausted\""));
  EXPECT_TRUE(LoggedRefusal(*server_, 413, "RESOURCE_EXHAUSTED")) << server_->Stderr();
}

TEST_F(HttpBodyLimitE2e, AContentLengthOverTheLimitIs413) {
  const HttpReply r = RawRequest(http_, Head() + "Content-Length: " + std::to_string(over_) + "\r\n\r\n");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_THAT(r.body, HasSubstr("\"code\":\"resource_exhausted\""));
}

TEST_F(HttpBodyLimitE2e, ABodyAtTheLimitIsReadAndAnswered) {
  // An empty loan padded with spaces to the limit: read whole, and refused (400) as an empty loan.
  const std::string at_limit = "{}" + std::string(static_cast<size_t>(over_ - 3), ' ');
  const HttpReply r = Request(http_, bhttp::verb::post, path_, at_limit, {{"content-type", "application/json"}});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(r.body, HasSubstr("\"code\":\"invalid_argument\""));
}

// A client that sends its request a byte now and then is dropped after --http_read_timeout_seconds;
// others are served meanwhile.
TEST(HttpSlowClientE2e, ASlowLorisIsDroppedWhileOthersAreServed) {
  TempDir dir;
  auto server = ServerProcess::Start({.db = dir.path() + "/ledger.db",
                                      .extra_args = {"--http_listen=127.0.0.1:0", "--http_read_timeout_seconds=1",
                                                     "--http_idle_timeout_seconds=1"}});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string http = HttpAddress(**server);
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket slow(ioc);
  const size_t colon = http.rfind(':');
  slow.connect({boost::asio::ip::make_address(http.substr(0, colon)),
                static_cast<unsigned short>(std::stoi(http.substr(colon + 1)))});
  // Half a request: the header never ends.
  boost::asio::write(slow, boost::asio::buffer(std::string("POST /subsidy.v1.LoanSubsidyService/GetLoanPolicy HTTP/1.1\r\n"
                                                           "Host: x\r\nContent-Type: application/json\r\n")));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(PostJson(http, "/subsidy.v1.AdminService/GetDataStatus", "{}").status, 200);
  // The server closes the slow connection: the read ends (EOF) instead of waiting for an answer.
  // The receive bound only keeps a broken server from hanging the test.
  const timeval bound{20, 0};
  setsockopt(slow.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
  char byte;
  boost::system::error_code ec;
  const size_t n = slow.read_some(boost::asio::buffer(&byte, 1), ec);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(ec, boost::asio::error::eof) << ec.message();
  EXPECT_LT(waited, std::chrono::seconds(15));
  EXPECT_EQ(PostJson(http, "/subsidy.v1.AdminService/GetDataStatus", "{}").status, 200);
}

// A claim as its CSV file: created once per request_id (a replay says so and creates nothing; as
// for every claim the key is its content, so the file with a blank line more is the same claim), a
// reused id with another claim refused, a file with a bad row refused whole and nothing created.
TEST_F(HttpE2e, AClaimFileIsOneClaimPerRequestIdAndABadRowChangesNothing) {
  std::ifstream in(TiaobingshanClaimFile(), std::ios::binary);
  std::stringstream csv;
  csv << in.rdbuf();
  ASSERT_FALSE(csv.str().empty());
  // The claim's figures worked out from the file's columns (support/sample_loans.h), not the server's.
  const ClaimFigures by_hand = ClaimFiguresByHand(TiaobingshanClaimFile());
  ASSERT_EQ(by_hand.error, "");
  ASSERT_EQ(by_hand.loans, 129);
  const std::string path = "/subsidy.v1.LoanSubsidyService/SubmitLoanSubsidyClaimFile";
  auto body = [](const std::string& id, const std::string& file) {
    return "{\"requestId\":\"" + id + "\",\"bankId\":\"TBS-BANK\",\"settlementPeriod\":{\"startDate\":\"2024-06-21\"," +
           "\"endDate\":\"2024-09-20\"},\"file\":\"" + absl::Base64Escape(file) + "\"}";
  };
  const std::string list = "/subsidy.v1.LoanSubsidyService/ListLoanSubsidyClaims";
  // A row that does not parse: refused, naming its line; no claim.
  const std::string bad = csv.str() + "TBS-BAD,21,EAST,ENTREPRENEUR_INDIVIDUAL,,0,not-fen,2024-01-08,2024-01-08,2026-01-08,4.05,,,,,,\n";
  HttpReply r = PostJson(http_, path, body("file-bad", bad));
  EXPECT_EQ(r.status, 400);
  // CLAIM_FILE_ROWS_INVALID, each row (CLAIM_FILE_ROW) by its line after the header and the loans,
  // with its bad cells written in the caller's language.
  const std::string line = absl::StrCat(1 + by_hand.loans + 1);
  EXPECT_THAT(r.body, HasSubstr("\"reason\":\"CLAIM_FILE_ROWS_INVALID\""));
  EXPECT_THAT(r.body, HasSubstr("第 " + line + " 行：principal_fen：“not-fen”不是非负整数。"));
  HttpReply en = PostJson(http_, path, body("file-bad", bad), {{"Accept-Language", "en"}});
  EXPECT_EQ(en.status, 400);
  EXPECT_THAT(en.body, HasSubstr("Line " + line + ": principal_fen: \\\"not-fen\\\" is not a whole number of zero or more."));
  EXPECT_EQ(PostJson(http_, list, "{}").body, "{}");
  // The file: one claim; the same request again is a replay of it.
  r = PostJson(http_, path, body("file-1", csv.str()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr(absl::StrCat("\"totalSubsidyFen\":\"", by_hand.subsidy_fen, "\"")));
  EXPECT_THAT(r.body, HasSubstr(absl::StrCat("\"totalInterestFen\":\"", by_hand.interest_fen, "\"")));
  EXPECT_EQ(r.headers.count("subsidy-replay"), 0u);
  HttpReply again = PostJson(http_, path, body("file-1", csv.str()));
  EXPECT_EQ(again.headers["subsidy-replay"], "true");
  EXPECT_EQ(again.body, r.body);
  EXPECT_EQ(PostJson(http_, path, body("file-1", csv.str() + "\n")).headers["subsidy-replay"], "true");
  // The id again with another claim (its last loan left out): refused.
  std::string shorter = csv.str();
  shorter.erase(shorter.rfind('\n', shorter.size() - 2) + 1);
  r = PostJson(http_, path, body("file-1", shorter));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("\"code\":\"invalid_argument\""));
  EXPECT_THAT(r.body, HasSubstr("was first used by"));  // IDEMPOTENCY_KEY_REUSED, in the ErrorInfo
  google::protobuf::Struct claims;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(PostJson(http_, list, "{}").body, &claims).ok());
  EXPECT_EQ(claims.fields().at("claims").list_value().values_size(), 1);
}

TEST_F(HttpE2e, CorsOnlyForTheListedOrigins) {
  const std::string path = "/subsidy.v1.LoanSubsidyService/GetLoanPolicy";
  HttpReply r = Request(http_, bhttp::verb::options, path, "",
                        {{"origin", "https://portal.example.cn"}, {"access-control-request-method", "POST"}});
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.headers["access-control-allow-origin"], "https://portal.example.cn");
  r = Request(http_, bhttp::verb::options, path, "", {{"origin", "https://evil.example"}});
  EXPECT_EQ(r.headers.count("access-control-allow-origin"), 0u);
  r = PostJson(http_, path, "{}", {{"origin", "https://evil.example"}});
  EXPECT_EQ(r.headers.count("access-control-allow-origin"), 0u);
  EXPECT_EQ(r.headers.count("set-cookie"), 0u);
}

// A read every caller of a bank's role may make, for the authorization tests.
constexpr char kPolicyPath[] = "/subsidy.v1.LoanSubsidyService/GetLoanPolicy";
constexpr char kPolicyBody[] =
    "{\"province\":\"41\",\"program\":\"ENTREPRENEUR_INDIVIDUAL\",\"date\":\"2024-03-01\","
    "\"regionTier\":\"CENTRAL_WEST\"}";

// With a caller list, the HTTP caller is who its Bearer token says, with the same roles as gRPC.
TEST(HttpAuthE2e, TokensAndRolesAsOnGrpc) {
  TempDir dir;
  const std::string config = dir.path() + "/callers.textproto";
  std::map<std::string, std::string> tokens;
  for (const auto& [name, roles] : std::vector<std::pair<std::string, std::string>>{{"bank-1", "bank"},
                                                                                     {"portal-1", "portal"}}) {
    auto token = AddCaller(config, name, roles);
    ASSERT_TRUE(token.ok()) << token.status();
    tokens[name] = *token;
  }
  auto server = ServerProcess::Start(
      {.db = dir.path() + "/ledger.db", .extra_args = {"--auth_config=" + config, "--http_listen=127.0.0.1:0"}});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string http = HttpAddress(**server);
  const std::string path = kPolicyPath, body = kPolicyBody;
  EXPECT_EQ(PostJson(http, path, body).status, 401);
  EXPECT_EQ(PostJson(http, path, body, {{"authorization", "Bearer wrong"}}).status, 401);
  EXPECT_EQ(PostJson(http, path, body, {{"authorization", "Bearer " + tokens["portal-1"]}}).status, 403);
  const HttpReply ok = PostJson(http, path, body, {{"authorization", "Bearer " + tokens["bank-1"]}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_THAT(ok.body, HasSubstr("\"regimeId\""));
  // The refusals are logged with their status, as every refused request is.
  EXPECT_TRUE(LoggedRefusal(**server, 401, "UNAUTHENTICATED")) << (*server)->Stderr();
  EXPECT_TRUE(LoggedRefusal(**server, 403, "PERMISSION_DENIED")) << (*server)->Stderr();
}

// The scheme of an authorization header is case-insensitive (RFC 7235 §2.1), over HTTP and over
// gRPC metadata alike; what follows it is still the token, exactly.
TEST(HttpAuthE2e, TheBearerSchemeInAnyCase) {
  TempDir dir;
  const std::string config = dir.path() + "/callers.textproto";
  auto token = AddCaller(config, "bank-1", "bank");
  ASSERT_TRUE(token.ok()) << token.status();
  auto server = ServerProcess::Start(
      {.db = dir.path() + "/ledger.db", .extra_args = {"--auth_config=" + config, "--http_listen=127.0.0.1:0"}});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string http = HttpAddress(**server);
  const std::string path = kPolicyPath, body = kPolicyBody;
  for (const std::string scheme : {"bearer ", "BEARER ", "bEaReR  "}) {
    const HttpReply r = PostJson(http, path, body, {{"authorization", scheme + *token}});
    EXPECT_EQ(r.status, 200) << scheme << r.body;
  }
  EXPECT_EQ(PostJson(http, path, body, {{"authorization", "bearer " + *token + "x"}}).status, 401);
  EXPECT_EQ(PostJson(http, path, body, {{"authorization", "bearer" + *token}}).status, 401);
  EXPECT_EQ(PostJson(http, path, body, {{"authorization", "Basic " + *token}}).status, 401);
  auto stub = v1::LoanSubsidyService::NewStub((*server)->Channel());
  v1::GetLoanPolicyRequest request;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(body, &request).ok());
  v1::LoanPolicy policy;
  auto context = Call();
  context->AddMetadata("authorization", "bearer " + *token);
  const grpc::Status s = stub->GetLoanPolicy(context.get(), request, &policy);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_NE(policy.regime_id(), "");
}

// GET /healthz over TLS, trusting `ca`; with a client certificate when `client` names one.
int TlsHealth(const std::string& address, const std::string& dir, bool client_cert) {
  boost::asio::io_context ioc;
  boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_client);
  ctx.load_verify_file(dir + "/ca.pem");
  ctx.set_verify_mode(boost::asio::ssl::verify_peer);
  if (client_cert) {
    ctx.use_certificate_chain_file(dir + "/client.pem");
    ctx.use_private_key_file(dir + "/client.key", boost::asio::ssl::context::pem);
  }
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
  stream.set_verify_callback(boost::asio::ssl::host_name_verification("localhost"));
  const size_t colon = address.rfind(':');
  boost::asio::ip::tcp::resolver resolver(ioc);
  beast::get_lowest_layer(stream).connect(resolver.resolve(address.substr(0, colon), address.substr(colon + 1)));
  beast::error_code ec;
  stream.handshake(boost::asio::ssl::stream_base::client, ec);
  if (ec) return -1;
  bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/healthz", 11};
  req.set(bhttp::field::host, "localhost");
  bhttp::write(stream, req, ec);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(stream, buffer, res, ec);
  if (ec) return -2;
  return static_cast<int>(res.result_int());
}

// With --tls_cert the HTTP front is TLS with the gRPC server's certificate; with --tls_client_ca a
// client certificate is required, as on gRPC.
TEST(HttpTlsE2e, TheSameCertificatesAsGrpc) {
  TempDir dir;
  ASSERT_TRUE(MakeTestCerts(dir.path()));
  const std::string d = dir.path();
  auto tls = ServerProcess::Start({.db = d + "/a.db",
                                   .extra_args = {"--tls_cert=" + d + "/server.pem", "--tls_key=" + d + "/server.key",
                                                  "--http_listen=127.0.0.1:0"}});
  ASSERT_TRUE(tls.ok()) << tls.status();
  const std::string http = HttpAddress(**tls);
  EXPECT_EQ(TlsHealth(http, d, false), 200);
  // Plaintext is not spoken: no HTTP answer can be read (here the failed read is what is expected).
  const HttpReply plain = Request(http, bhttp::verb::get, "/healthz");
  EXPECT_EQ(plain.status, 0) << plain.body;
  EXPECT_NE(plain.error, "");
  auto mtls = ServerProcess::Start(
      {.db = d + "/b.db",
       .extra_args = {"--tls_cert=" + d + "/server.pem", "--tls_key=" + d + "/server.key",
                      "--tls_client_ca=" + d + "/ca.pem", "--http_listen=127.0.0.1:0"}});
  ASSERT_TRUE(mtls.ok()) << mtls.status();
  const std::string mhttp = HttpAddress(**mtls);
  EXPECT_EQ(TlsHealth(mhttp, d, true), 200);
  EXPECT_LT(TlsHealth(mhttp, d, false), 0);  // no client certificate: no connection
}

}  // namespace
}  // namespace subsidy::testing
