// The approver's words (services/dual_control.h) come from the catalogue's record_texts: every RPC
// the API declares a money movement has a name of its own there, not the catch-all.
#include "services/dual_control.h"

#include <gtest/gtest.h>

#include "auth/authorizer.h"
#include "policy/policy_data.h"

namespace subsidy::service {
namespace {

TEST(MovementLabel, EveryMoneyMovementHasItsOwnWords) {
  auto data = PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR);
  ASSERT_TRUE(data.ok()) << data.status();
  const MessageCatalogue& messages = (*data)->messages();
  const std::string catch_all = MovementLabel(messages, "NoSuchRpc");
  EXPECT_EQ(catch_all, "资金变动");
  int movements = 0;
  for (const auto* service : auth::ApiServices()) {
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string full = service->full_name() + "/" + service->method(i)->name();
      const auth::MethodAccess* access = auth::AccessOf(full);
      if (access == nullptr || !access->money_movement) continue;
      ++movements;
      EXPECT_NE(MovementLabel(messages, service->method(i)->name()), catch_all) << full;
    }
  }
  EXPECT_GE(movements, 9);
  EXPECT_EQ(MovementLabel(messages, "ReviewLoanSubsidyClaim"), "贴息申请审核拨付");
}

}  // namespace
}  // namespace subsidy::service
