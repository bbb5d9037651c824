#include "api/bls_sign_request.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "crypto/bls.h"
#include "util/error.h"
#include "util/json_scan.h"

namespace cryftee::api {
namespace {

constexpr std::string_view kSignature = "sig";
constexpr std::string_view kProofOfPossession = "pop";

std::string accepted_dst_values() {
  return "\"sig\", \"pop\", \"" + std::string(bls::kSignatureDst) + "\" or \"" + std::string(bls::kProofOfPossessionDst) + "\"";
}

// "sig" or "pop" for a field's text; nothing for a text that names neither.
std::optional<std::string_view> tag_named(std::string_view value, bool full_dst_accepted) {
  if (value == kSignature || (full_dst_accepted && value == bls::kSignatureDst)) return kSignature;
  if (value == kProofOfPossession || (full_dst_accepted && value == bls::kProofOfPossessionDst)) return kProofOfPossession;
  return std::nullopt;
}

// The short name the field asks for, or nullopt when it is absent (null counts as absent).
std::optional<std::string> short_name(const nlohmann::json& body, const char* field, bool full_dst_accepted) {
  const auto found = body.find(field);
  if (found == body.end() || found->is_null()) return std::nullopt;
  const std::string accepted = full_dst_accepted ? accepted_dst_values() : "\"sig\" or \"pop\"";
  if (!found->is_string()) {
    throw bad_request(std::string("'") + field + "' must be a string: " + accepted, "invalid_field");
  }
  if (const auto tag = tag_named(found->get<std::string>(), full_dst_accepted)) return std::string(*tag);
  throw bad_request(std::string("'") + field + "' names no known signature type (accepted: " + accepted + ")",
                    "invalid_field");
}

}  // namespace

std::optional<runtime::RequestText> plain_bls_sign_request(std::string_view body) {
  struct Members {
    std::array<JsonMember, kMaxPlainSignMembers> kept;  // all but `type` and `dst`
    std::size_t count = 0;
    std::optional<std::string_view> tag;  // "sig" or "pop", from `type` or `dst`
    bool plain = true;

    void add(const JsonMember& member) {
      if (!plain) return;
      const auto end = kept.begin() + static_cast<std::ptrdiff_t>(count);
      const bool repeated = std::any_of(kept.begin(), end, [&](const JsonMember& seen) { return seen.name == member.name; });
      if (member.name.find('\\') != std::string_view::npos || member.name == "hostContext" || repeated) {
        plain = false;
      } else if (member.name == "type" || member.name == "dst") {
        plain = settle(member);
      } else if (count == kMaxPlainSignMembers) {
        plain = false;
      } else {
        kept[count++] = member;
      }
    }

    // Only values the tree path would take without a word; anything else is left to it to refuse.
    bool settle(const JsonMember& member) {
      if (member.value == "null") return true;
      if (member.value.size() < 2 || member.value.front() != '"') return false;
      const auto named = tag_named(member.value.substr(1, member.value.size() - 2), member.name == "dst");
      if (!named || (tag && *tag != *named)) return false;  // unknown, or a type/dst conflict
      tag = named;
      return true;
    }
  } members;
  if (scan_json(body, [&members](const JsonMember& member) { members.add(member); }) != JsonScan::Object || !members.plain) {
    return std::nullopt;
  }
  runtime::RequestText request{std::string(1, '{')};
  request.object.reserve(body.size() + 16);
  for (std::size_t i = 0; i < members.count; ++i) {
    request.object.append("\"").append(members.kept[i].name).append("\":").append(members.kept[i].value).append(",");
  }
  request.object.append("\"dst\":\"").append(members.tag.value_or(kSignature)).append("\"}");
  return request;
}

void settle_bls_sign_dst(nlohmann::json& body) {
  const auto from_type = short_name(body, "type", false);
  const auto from_dst = short_name(body, "dst", true);
  if (from_type && from_dst && *from_type != *from_dst) {
    throw bad_request("'type' asks for \"" + *from_type + "\" but 'dst' for \"" + *from_dst +
                          "\"; send one of them, or both with the same meaning",
                      "conflicting_fields");
  }
  body.erase("type");
  body["dst"] = from_type.value_or(from_dst.value_or(std::string(kSignature)));
}

}  // namespace cryftee::api
