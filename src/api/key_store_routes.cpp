// The key store's routes: GET /v1/keys lists the key store (sealer, whether keys survive a restart, every
// record with its state and reason), and the admin route POST /v1/admin/keys/delete removes one record for
// good. Deleting must name the key twice, by handle and by public key, so a slip cannot destroy an
// identity.
#include "api/api_routes.h"
#include "api/json_body.h"
#include "api/json_response.h"
#include "custody/custody.h"
#include "util/error.h"

namespace cryftee::api {
namespace {

std::string required_text(const nlohmann::json& body, const char* field, const char* what) {
  auto it = body.find(field);
  if (it == body.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    throw bad_request(std::string("'") + field + "' is required: " + what, "missing_field");
  }
  return it->get<std::string>();
}

Response delete_record(ApiContext& context, const Request& request) {
  const nlohmann::json body = json_object_body(request);
  const std::string handle = required_text(body, "keyHandle", "the handle of the key to delete");
  const std::string public_key = required_text(body, "publicKey", "the same key's public key (hex or base64)");
  return json_response(context.custody.delete_record(handle, public_key));
}

}  // namespace

void add_key_store_routes(Router& router, ApiContext& context) {
  router.add("GET", "/v1/keys", Access::ReadOnly, [&context](const Request&) {
    return json_response(context.custody.key_store_status(/*with_sealer_facts=*/true));
  });
  router.add("POST", "/v1/admin/keys/delete", Access::Admin,
             [&context](const Request& request) { return delete_record(context, request); });
}

}  // namespace cryftee::api
