#include "manifest/trust.h"

#include <algorithm>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "crypto/ed25519.h"
#include "manifest/limits.h"
#include "util/encoding.h"
#include "util/error.h"

namespace cryftee {
namespace {

Error bad_trust_file(const std::string& message) { return bad_request("trust file: " + message, "bad_trust_file"); }

// Per-publisher checks: the first problem found, or nullopt when the key can verify signatures.
std::optional<std::string> publisher_problem(const toml::table& table, TrustedPublisher& publisher) {
  for (const auto& [key, unused] : table) {
    if (key != "id" && key != "algo" && key != "publicKey") {
      return "has the unknown field \"" + std::string(key.str()) + "\" (known: id, algo, publicKey)";
    }
  }
  const auto algo = table["algo"].value<std::string>();
  if (!algo) return "has no algo; set algo = \"ed25519\"";
  publisher.algo = *algo;
  if (*algo != kTrustAlgoEd25519) return "uses algo \"" + *algo + "\"; only \"ed25519\" is supported";
  const auto key_text = table["publicKey"].value<std::string>();
  if (!key_text) return "has no publicKey; set it to the base64 key `cryftee module keygen` printed";
  const auto key = base64_decode(*key_text);
  if (!key) return "has a publicKey that is not valid base64";
  if (key->size() != kEd25519PublicKeySize) {
    return "has a publicKey of " + std::to_string(key->size()) + " bytes; an Ed25519 public key is " +
           std::to_string(kEd25519PublicKeySize) + " bytes";
  }
  publisher.public_key = *key;
  return std::nullopt;
}

}  // namespace

const TrustedPublisher* TrustStore::find(std::string_view id) const {
  const auto it = std::find_if(publishers.begin(), publishers.end(), [&](const auto& p) { return p.id == id; });
  return it == publishers.end() ? nullptr : &*it;
}

std::optional<std::string> invalid_publisher_id_reason(std::string_view id) {
  const bool chars_ok = std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
  if (id.empty() || id.size() > manifest_limits::kMaxIdLength || !chars_ok) {
    return "a publisher id must be 1 to " + std::to_string(manifest_limits::kMaxIdLength) +
           " letters, digits, '_', '-' or '.'";
  }
  return std::nullopt;
}

TrustStore parse_trust_file(const std::string& text) {
  if (text.size() > manifest_limits::kMaxTrustFileBytes) {
    throw bad_trust_file("larger than " + std::to_string(manifest_limits::kMaxTrustFileBytes) + " bytes");
  }
  toml::table document;
  try {
    document = toml::parse(text);
  } catch (const toml::parse_error& error) {
    throw bad_trust_file("not valid TOML at line " + std::to_string(error.source().begin.line) + ": " +
                         std::string(error.description()));
  }
  for (const auto& [key, unused] : document) {
    if (key != "publishers") {
      throw bad_trust_file("unknown top-level key \"" + std::string(key.str()) + "\" (known: [[publishers]])");
    }
  }
  TrustStore store;
  const toml::node* publishers = document.get("publishers");
  if (!publishers) return store;
  const toml::array* list = publishers->as_array();
  if (!list) throw bad_trust_file("\"publishers\" must be an array of tables ([[publishers]])");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const toml::table* table = list->get(i)->as_table();
    if (!table) throw bad_trust_file("\"publishers\" must be an array of tables ([[publishers]])");
    const auto id = (*table)["id"].value<std::string>();
    const std::string where = "publisher #" + std::to_string(i + 1);
    if (!id) throw bad_trust_file(where + " has no string id");
    if (auto reason = invalid_publisher_id_reason(*id)) throw bad_trust_file(where + ": " + *reason);
    if (!ids.insert(*id).second) throw bad_trust_file("the publisher \"" + *id + "\" is listed twice");
    TrustedPublisher publisher;
    publisher.id = *id;
    if (auto problem = publisher_problem(*table, publisher)) {
      publisher.problem = "the trust file's entry for publisher \"" + *id + "\" " + *problem;
      publisher.public_key.clear();
    }
    store.publishers.push_back(std::move(publisher));
  }
  return store;
}

std::string format_trust_file(const std::string& publisher_id, ByteView public_key) {
  toml::table publisher{{"id", publisher_id}, {"algo", kTrustAlgoEd25519}, {"publicKey", base64_encode(public_key)}};
  toml::array publishers;
  publishers.push_back(std::move(publisher));
  toml::table document{{"publishers", std::move(publishers)}};
  std::ostringstream out;
  out << "# Publishers whose Ed25519 signatures on manifest entries this node accepts.\n"
      << "# See docs/trust-and-publishing.md.\n\n"
      << document << "\n";
  return out.str();
}

}  // namespace cryftee
