// Who may call what, as declared once in the protos (option (subsidy.v1.access)): every RPC of
// every service has the declaration, and for every RPC × every role a real call through the
// server answers PERMISSION_DENIED exactly when the role is not declared. The matrix is generated
// from the descriptors: a new RPC is covered the day it is added.
#include <gtest/gtest.h>

#include <grpcpp/generic/generic_stub.h>

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

#include "subsidy/v1/access.pb.h"
#include "subsidy/v1/admin.grpc.pb.h"
#include "subsidy/v1/approval.pb.h"
#include "subsidy/v1/education.pb.h"
#include "subsidy/v1/fund.pb.h"
#include "subsidy/v1/payment.pb.h"
#include "subsidy/v1/loan.pb.h"
#include "subsidy/v1/reward.pb.h"
#include "support/calls.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using google::protobuf::MethodDescriptor;

std::vector<const google::protobuf::ServiceDescriptor*> Services() {
  std::vector<const google::protobuf::ServiceDescriptor*> out;
  for (const auto* file : {v1::LoanSubsidyRequest::descriptor()->file(), v1::AllocateFundsRequest::descriptor()->file(),
                           v1::Payout::descriptor()->file(), v1::GetCallerRequest::descriptor()->file(),
                           v1::Fund::descriptor()->file(), v1::Instruction::descriptor()->file(),
                           v1::PaymentLine::descriptor()->file()}) {
    for (int i = 0; i < file->service_count(); ++i) out.push_back(file->service(i));
  }
  return out;
}

std::vector<const MethodDescriptor*> Methods() {
  std::vector<const MethodDescriptor*> out;
  for (const auto* s : Services()) {
    for (int i = 0; i < s->method_count(); ++i) out.push_back(s->method(i));
  }
  return out;
}

TEST(AccessDeclared, EveryRpcOfEveryServiceDeclaresWhoMayCallIt) {
  const auto methods = Methods();
  ASSERT_GE(methods.size(), 46u);  // the API as of this test; more only add rows
  for (const auto* m : methods) {
    ASSERT_TRUE(m->options().HasExtension(v1::access)) << m->full_name() << " declares no (subsidy.v1.access)";
    const v1::Access& a = m->options().GetExtension(v1::access);
    EXPECT_GT(a.roles_size(), 0) << m->full_name();
    // A scope names a field its request has.
    if (a.scope() == v1::Access::SCHOOL_ID) {
      EXPECT_NE(m->input_type()->FindFieldByName("school_id"), nullptr) << m->full_name();
    }
    if (a.scope() == v1::Access::BANK_ID) {
      EXPECT_NE(m->input_type()->FindFieldByName("bank_id"), nullptr) << m->full_name();
    }
    // Money moves only by finance and admin, and every movement's answer can say it waits.
    if (a.money_movement()) {
      for (int r : a.roles()) {
        EXPECT_TRUE(r == v1::Access::FINANCE || r == v1::Access::ADMIN) << m->full_name();
      }
      EXPECT_NE(m->output_type()->FindFieldByName("approval_state"), nullptr) << m->full_name();
      EXPECT_NE(m->output_type()->FindFieldByName("instruction_id"), nullptr) << m->full_name();
    }
  }
}

TEST(AccessDeclared, MoneyComesIntoASchoolOnlyFromFinance) {
  const auto* m = v1::AllocateFundsRequest::descriptor()->file()->FindServiceByName("EducationFundService")
                      ->FindMethodByName("AllocateFunds");
  ASSERT_NE(m, nullptr);
  const v1::Access& a = m->options().GetExtension(v1::access);
  for (int r : a.roles()) EXPECT_NE(r, v1::Access::SCHOOL);
  EXPECT_TRUE(a.money_movement());
}

class AccessMatrixE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string config = dir_->path() + "/callers.textproto";
    for (int r = v1::Access::Role_MIN; r <= v1::Access::Role_MAX; ++r) {
      if (r == v1::Access::ROLE_UNSPECIFIED) continue;
      const std::string role = absl::AsciiStrToLower(v1::Access::Role_Name(static_cast<v1::Access::Role>(r)));
      auto token = AddCaller(config, role + "-1", role, {"--schools=110106-S1", "--banks=BANK-1"});
      ASSERT_TRUE(token.ok()) << token.status();
      (*tokens_)[static_cast<v1::Access::Role>(r)] = *token;
    }
    auto s = ServerProcess::Start({.db = dir_->path() + "/ledger.db", .extra_args = {"--auth_config=" + config}});
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = s->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  // The method's request, empty but for the scope a school or bank caller is bound to (its own).
  static std::string RequestFor(const MethodDescriptor* m) {
    std::unique_ptr<google::protobuf::Message> req(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(m->input_type())->New());
    for (const auto& [field, value] : {std::pair{"school_id", "110106-S1"}, {"bank_id", "BANK-1"}}) {
      if (const auto* f = req->GetDescriptor()->FindFieldByName(field); f != nullptr && !f->is_repeated()) {
        req->GetReflection()->SetString(req.get(), f, value);
      }
    }
    return req->SerializeAsString();
  }

  // One message sent (for a stream too, then its end), the answer read to the end: the status.
  static grpc::StatusCode Call(const MethodDescriptor* m, const std::string& token) {
    return Call(m, token, RequestFor(m));
  }
  static grpc::StatusCode Call(const MethodDescriptor* m, const std::string& token, const std::string& bytes) {
    grpc::GenericStub stub(server_->Channel());
    const auto ctx = CallAs(token);
    grpc::CompletionQueue cq;
    auto call = stub.PrepareCall(ctx.get(), absl::StrCat("/", m->service()->full_name(), "/", m->name()), &cq);
    void* tag;
    bool ok;
    call->StartCall(reinterpret_cast<void*>(1));
    cq.Next(&tag, &ok);
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    call->WriteLast(request, grpc::WriteOptions(), reinterpret_cast<void*>(2));
    cq.Next(&tag, &ok);
    grpc::ByteBuffer response;
    do {
      call->Read(&response, reinterpret_cast<void*>(3));
      cq.Next(&tag, &ok);
    } while (ok);
    grpc::Status status;
    call->Finish(&status, reinterpret_cast<void*>(4));
    cq.Next(&tag, &ok);
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {
    }
    return status.error_code();
  }

  static TempDir* dir_;
  static ServerProcess* server_;
  static std::map<v1::Access::Role, std::string>* tokens_;
};
TempDir* AccessMatrixE2e::dir_ = nullptr;
ServerProcess* AccessMatrixE2e::server_ = nullptr;
std::map<v1::Access::Role, std::string>* AccessMatrixE2e::tokens_ = new std::map<v1::Access::Role, std::string>();

TEST_F(AccessMatrixE2e, PermissionDeniedExactlyWhenTheRoleIsNotDeclared) {
  ASSERT_EQ(tokens_->size(), 6u);
  int denied = 0, allowed = 0;
  for (const auto* m : Methods()) {
    const v1::Access& a = m->options().GetExtension(v1::access);
    const std::set<int> roles(a.roles().begin(), a.roles().end());
    for (const auto& [role, token] : *tokens_) {
      const grpc::StatusCode code = Call(m, token);
      if (roles.count(role)) {
        ++allowed;
        EXPECT_NE(code, grpc::StatusCode::PERMISSION_DENIED) << v1::Access::Role_Name(role) << " → " << m->full_name();
        EXPECT_NE(code, grpc::StatusCode::UNAUTHENTICATED) << v1::Access::Role_Name(role) << " → " << m->full_name();
        EXPECT_NE(code, grpc::StatusCode::UNIMPLEMENTED) << v1::Access::Role_Name(role) << " → " << m->full_name();
      } else {
        ++denied;
        EXPECT_EQ(code, grpc::StatusCode::PERMISSION_DENIED) << v1::Access::Role_Name(role) << " → " << m->full_name();
      }
    }
  }
  // Both sides of the matrix were exercised.
  EXPECT_GT(denied, 100);
  EXPECT_GT(allowed, 100);
}

// GetCaller: each caller is told its name, its role, its schools or banks, and exactly the RPCs its
// role is declared for (the declarations the matrix above walks).
TEST_F(AccessMatrixE2e, GetCallerSaysWhoTheCallerIsAndExactlyWhatItMayCall) {
  ASSERT_EQ(tokens_->size(), 6u);
  auto admin = v1::AdminService::NewStub(server_->Channel());
  for (const auto& [role, token] : *tokens_) {
    const std::string name = absl::AsciiStrToLower(v1::Access::Role_Name(role));
    SCOPED_TRACE(name);
    v1::CallerIdentity me;
    const grpc::Status s = admin->GetCaller(CallAs(token).get(), {}, &me);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(me.name(), name + "-1");
    EXPECT_EQ(std::vector<std::string>(me.roles().begin(), me.roles().end()), std::vector<std::string>{name});
    if (role == v1::Access::SCHOOL) {
      EXPECT_EQ(std::vector<std::string>(me.school_ids().begin(), me.school_ids().end()),
                std::vector<std::string>{"110106-S1"});
    }
    if (role == v1::Access::BANK) {
      EXPECT_EQ(std::vector<std::string>(me.bank_ids().begin(), me.bank_ids().end()),
                std::vector<std::string>{"BANK-1"});
    }
    std::set<std::string> declared;
    for (const auto* m : Methods()) {
      const auto& roles = m->options().GetExtension(v1::access).roles();
      if (std::find(roles.begin(), roles.end(), role) != roles.end()) {
        declared.insert(absl::StrCat(m->service()->full_name(), "/", m->name()));
      }
    }
    ASSERT_FALSE(declared.empty());
    EXPECT_EQ(std::set<std::string>(me.methods().begin(), me.methods().end()), declared);
    EXPECT_EQ(static_cast<size_t>(me.methods_size()), declared.size());  // each once
  }
}

TEST_F(AccessMatrixE2e, AScopedRoleIsDeniedOutsideItsScope) {
  // A school caller on another school, a bank caller on another bank: every scoped RPC refuses.
  int checked = 0;
  for (const auto* m : Methods()) {
    const v1::Access& a = m->options().GetExtension(v1::access);
    if (a.scope() == v1::Access::NONE) continue;
    const v1::Access::Role role = a.scope() == v1::Access::SCHOOL_ID ? v1::Access::SCHOOL : v1::Access::BANK;
    std::unique_ptr<google::protobuf::Message> req(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(m->input_type())->New());
    const auto* f = req->GetDescriptor()->FindFieldByName(a.scope() == v1::Access::SCHOOL_ID ? "school_id" : "bank_id");
    req->GetReflection()->SetString(req.get(), f, "OTHER-1");
    const grpc::StatusCode code = Call(m, tokens_->at(role), req->SerializeAsString());
    EXPECT_EQ(code, grpc::StatusCode::PERMISSION_DENIED) << m->full_name();
    ++checked;
  }
  EXPECT_GE(checked, 6);
}

}  // namespace
}  // namespace subsidy::testing
