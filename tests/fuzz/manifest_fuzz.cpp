// Fuzzes the parsers of the trust layer with untrusted bytes. The first byte picks the parser, the rest
// is its input:
//   0 manifest.json (parse_manifest, then signature checks on every entry against a fixed trust store)
//   1 trust file (parse_trust_file)
//   2 canonical JSON (canonical_json must be idempotent: canonicalizing its output changes nothing)
//   3 module.json (parse_module_json)
//   4 semver (parse_semver; to_string must parse back to an equal version)
//   5 relative paths (unsafe_path_reason)
// Parsers may throw cryftee::Error; anything else (a crash, another exception, a broken invariant) is
// a bug. Run longer with: build/tests/manifest_fuzz -max_total_time=600 tests/fuzz/corpus/manifest_fuzz
#include <cstdint>
#include <cstdlib>
#include <string>

#include "manifest/entry_signature.h"
#include "manifest/manifest.h"
#include "manifest/module_json.h"
#include "manifest/safe_path.h"
#include "manifest/semver.h"
#include "manifest/trust.h"
#include "util/canonical_json.h"
#include "util/error.h"

namespace {

using namespace cryftee;

const TrustStore& fixed_trust() {
  static const TrustStore trust = parse_trust_file(
      "[[publishers]]\nid = \"cryftee-dev\"\nalgo = \"ed25519\"\n"
      "publicKey = \"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"\n");
  return trust;
}

void fuzz_manifest(const std::string& text) {
  const Manifest manifest = parse_manifest(text);
  for (const auto& entry : manifest.modules) {
    if (!entry.parse_error) verify_entry_signature(entry, fixed_trust());
  }
}

void fuzz_canonical_json(const std::string& text) {
  const auto value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) return;
  const std::string once = canonical_json(value);
  const std::string twice = canonical_json(nlohmann::json::parse(once));
  if (once != twice) std::abort();
}

void fuzz_semver(const std::string& text) {
  const auto version = parse_semver(text);
  if (!version) return;
  const auto again = parse_semver(version->to_string());
  if (!again || compare_semver(*version, *again) != 0 || again->to_string() != version->to_string()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 6) {
      case 0: fuzz_manifest(input); break;
      case 1: parse_trust_file(input); break;
      case 2: fuzz_canonical_json(input); break;
      case 3: parse_module_json(input); break;
      case 4: fuzz_semver(input); break;
      case 5: unsafe_path_reason(input); break;
    }
  } catch (const Error&) {
    // A refused input, as intended.
  }
  return 0;
}
