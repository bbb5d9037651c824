#include "api/bls_sign_request.h"

#include <optional>
#include <string>

#include "crypto/bls.h"
#include "util/error.h"

namespace cryftee::api {
namespace {

constexpr const char* kSignature = "sig";
constexpr const char* kProofOfPossession = "pop";

std::string accepted_dst_values() {
  return "\"sig\", \"pop\", \"" + std::string(bls::kSignatureDst) + "\" or \"" + std::string(bls::kProofOfPossessionDst) + "\"";
}

// The short name the field asks for, or nullopt when it is absent (null counts as absent).
std::optional<std::string> short_name(const nlohmann::json& body, const char* field, bool full_dst_accepted) {
  const auto found = body.find(field);
  if (found == body.end() || found->is_null()) return std::nullopt;
  const std::string accepted = full_dst_accepted ? accepted_dst_values() : "\"sig\" or \"pop\"";
  if (!found->is_string()) {
    throw bad_request(std::string("'") + field + "' must be a string: " + accepted, "invalid_field");
  }
  const std::string value = found->get<std::string>();
  if (value == kSignature || (full_dst_accepted && value == bls::kSignatureDst)) return kSignature;
  if (value == kProofOfPossession || (full_dst_accepted && value == bls::kProofOfPossessionDst)) return kProofOfPossession;
  throw bad_request(std::string("'") + field + "' names no known signature type (accepted: " + accepted + ")",
                    "invalid_field");
}

}  // namespace

void settle_bls_sign_dst(nlohmann::json& body) {
  const auto from_type = short_name(body, "type", false);
  const auto from_dst = short_name(body, "dst", true);
  if (from_type && from_dst && *from_type != *from_dst) {
    throw bad_request("'type' asks for \"" + *from_type + "\" but 'dst' for \"" + *from_dst +
                          "\"; send one of them, or both with the same meaning",
                      "conflicting_fields");
  }
  body.erase("type");
  body["dst"] = from_type.value_or(from_dst.value_or(kSignature));
}

}  // namespace cryftee::api
