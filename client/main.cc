// subsidyctl: drives every RPC of subsidy-server, for testing and for officers.
#include "claim_cmd.h"
#include "cli.h"

int main(int argc, char** argv) {
  subsidy::cli::Registry registry;
  subsidy::cli::RegisterHealthCommands(registry);
  subsidy::cli::RegisterLoanCommands(registry);
  subsidy::cli::RegisterClaimCommands(registry);
  subsidy::cli::RegisterEducationCommands(registry);
  subsidy::cli::RegisterRewardCommands(registry);
  subsidy::cli::RegisterFundCommands(registry);
  subsidy::cli::RegisterFundTargetCommands(registry);
  subsidy::cli::RegisterAlertCommands(registry);
  subsidy::cli::RegisterApprovalCommands(registry);
  subsidy::cli::RegisterPaymentCommands(registry);
  subsidy::cli::RegisterPolicyCommands(registry);
  subsidy::cli::RegisterAdminCommands(registry);
  subsidy::cli::RegisterAuthCommands(registry);
  return registry.Main(argc, argv);
}
