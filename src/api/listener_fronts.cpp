#include "api/listener_fronts.h"

#include <utility>

#include "api/error_response.h"
#include "api/static_files.h"

namespace cryftee::api {

void ApiFront::handle(Request request, transport::Reply reply) const {
  request.listener = ListenerKind::Api;
  router_.handle(request, std::move(reply));
}

Response ApiFront::refuse(const Error& error) const { return error_response(error); }

void KioskFront::handle(Request request, transport::Reply reply) const {
  request.listener = ListenerKind::Kiosk;
  const std::string* host = request.header("host");
  if (host == nullptr || !hosts_.allows(*host)) {
    return reply(refuse(Error(421, "misdirected_request",
                              "this kiosk answers only to Host " + hosts_.describe() + " (add names with --kiosk-hosts)")));
  }
  router_.handle(request, [reply = std::move(reply)](Response response) {
    add_kiosk_security_headers(response);
    reply(std::move(response));
  });
}

Response KioskFront::refuse(const Error& error) const {
  Response response = error_response(error);
  add_kiosk_security_headers(response);
  return response;
}

}  // namespace cryftee::api
