#pragma once
// What the transport hands requests to (transport/handler.h): the API front on the API listeners and the
// kiosk front on the kiosk listener. Both answer through the router and render every error, the
// transport's included, with error_response; the kiosk adds its own rules.
#include "api/kiosk_hosts.h"
#include "api/router.h"
#include "transport/handler.h"

namespace cryftee::api {

class ApiFront : public transport::Handler {
 public:
  explicit ApiFront(const Router& router) : router_(router) {}
  void handle(Request request, transport::Reply reply) const override;
  Response refuse(const Error& error) const override;

 private:
  const Router& router_;
};

// The kiosk answers only Host names of its own (DNS rebinding is refused 421 before any route runs),
// marks its requests so the router keeps staking routes off it, and sends its security headers
// (Content-Security-Policy, nosniff) with every answer.
class KioskFront : public transport::Handler {
 public:
  KioskFront(const Router& router, KioskHosts hosts) : router_(router), hosts_(std::move(hosts)) {}
  void handle(Request request, transport::Reply reply) const override;
  Response refuse(const Error& error) const override;

 private:
  const Router& router_;
  KioskHosts hosts_;
};

}  // namespace cryftee::api
