// The three subsidy.v1 services (callback API). Thin: parse and validate, call the pure engine
// in calc/, persist through storage, map the result. RPCs not overridden answer UNIMPLEMENTED.
#pragma once

#include "services/service_context.h"
#include "subsidy/v1/education.grpc.pb.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"

namespace subsidy::service {

class LoanSubsidyServiceImpl final : public v1::LoanSubsidyService::CallbackService {
 public:
  explicit LoanSubsidyServiceImpl(ServiceContext ctx) : ctx_(ctx) {}

 private:
  ServiceContext ctx_;
};

class EducationFundServiceImpl final : public v1::EducationFundService::CallbackService {
 public:
  explicit EducationFundServiceImpl(ServiceContext ctx) : ctx_(ctx) {}

 private:
  ServiceContext ctx_;
};

class RewardPayoutServiceImpl final : public v1::RewardPayoutService::CallbackService {
 public:
  explicit RewardPayoutServiceImpl(ServiceContext ctx) : ctx_(ctx) {}

 private:
  ServiceContext ctx_;
};

}  // namespace subsidy::service
