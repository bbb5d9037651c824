// The admin routes over Web3Signer's Keymanager API: list the keystores Web3Signer holds and delete keys
// from it. Deleting returns Web3Signer's slashing protection data (EIP-3076) so the operator keeps it.
#include "api/api_routes.h"
#include "api/json_body.h"
#include "api/json_response.h"
#include "custody/custody.h"
#include "util/error.h"
#include "util/log.h"

namespace cryftee::api {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxKeysPerDeletion = 256;

Response list_keys(ApiContext& context) {
  json keys = json::array();
  for (const Web3SignerKey& key : context.custody.web3signer_list()) {
    keys.push_back({{"pubkey", key.validating_pubkey},
                    {"derivationPath", key.derivation_path.empty() ? json(nullptr) : json(key.derivation_path)},
                    {"readonly", key.readonly}});
  }
  return json_response({{"keys", std::move(keys)}});
}

// Body {"pubkeys": ["0x..", ...]}: public keys as hex (with or without 0x) or base64.
Response delete_keys(ApiContext& context, const Request& request) {
  const json body = json_object_body(request);
  const auto pubkeys_field = body.find("pubkeys");
  if (pubkeys_field == body.end() || !pubkeys_field->is_array() || pubkeys_field->empty()) {
    throw bad_request("'pubkeys' must be a non-empty array of BLS public keys", "missing_field");
  }
  if (pubkeys_field->size() > kMaxKeysPerDeletion) {
    throw bad_request("at most " + std::to_string(kMaxKeysPerDeletion) + " keys can be deleted at once", "invalid_field");
  }
  std::vector<std::string> pubkeys;
  for (const json& item : *pubkeys_field) {
    if (!item.is_string()) throw bad_request("every entry of 'pubkeys' must be a string", "invalid_field");
    pubkeys.push_back(web3signer_pubkey(item.get<std::string>()));  // 400 before anything is deleted
  }
  const Web3SignerDeletion deletion = context.custody.web3signer_remove(pubkeys);
  json results = json::array();
  for (std::size_t i = 0; i < pubkeys.size(); ++i) {
    const Web3SignerKeyStatus& status = deletion.statuses[i];
    results.push_back({{"pubkey", pubkeys[i]},
                       {"status", status.status},
                       {"message", status.message.empty() ? json(nullptr) : json(status.message)}});
    log::info("web3signer_key_deleted", {{"pubkey", pubkeys[i]}, {"status", status.status}});
  }
  return json_response({{"results", std::move(results)}, {"slashingProtection", deletion.slashing_protection}});
}

}  // namespace

void add_web3signer_routes(Router& router, ApiContext& context) {
  router.add("GET", "/v1/admin/web3signer/keys", Access::Admin, [&context](const Request&) { return list_keys(context); });
  router.add("DELETE", "/v1/admin/web3signer/keys", Access::Admin,
             [&context](const Request& request) { return delete_keys(context, request); });
}

}  // namespace cryftee::api
