#pragma once
// A throw-away module directory for the trust-layer tests: real module files, module.json files, a
// manifest signed with a real Ed25519 key, and a trust file for that key.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "manifest/entry_signature.h"
#include "manifest/trust.h"

namespace cryftee::testing {

class ModuleFixture {
 public:
  ModuleFixture() {
    static std::atomic<int> counter{0};
    root = std::filesystem::temp_directory_path() /
           ("cryftee-modules-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root);
    publisher = ed25519_generate();
  }
  ~ModuleFixture() {
    secure_zero(publisher.seed);
    std::filesystem::remove_all(root);
  }

  static void write(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  }

  // Writes <root>/<id>/<id>.wasm and module.json; returns an unsigned manifest entry for them.
  nlohmann::json add_module(const std::string& id, const std::string& version = "1.0.0",
                            const std::string& contents = "module bytes of ") {
    write(root / id / (id + ".wasm"), contents + id);
    write(root / id / "module.json", nlohmann::json{{"id", id}, {"version", version}}.dump());
    return {{"id", id},
            {"dir", id},
            {"file", id + ".wasm"},
            {"version", version},
            {"minCryfteeVersion", "0.4.0"},
            {"capabilities", {"bls_sign"}},
            {"publisherId", publisher_id},
            {"hash", sha256_tagged(as_bytes(contents + id))}};
  }

  nlohmann::json sign(nlohmann::json entry) const {
    entry["signature"] = sign_entry(entry, publisher.seed);
    return entry;
  }

  // Writes manifest.json with the given entries and trust.toml for the publisher key.
  void write_manifest(const std::vector<nlohmann::json>& entries) const {
    write(root / "manifest.json", nlohmann::json{{"version", "1"}, {"modules", nlohmann::json(entries)}}.dump(2));
    write(trust_path(), format_trust_file(publisher_id, publisher.public_key));
  }

  std::filesystem::path trust_path() const { return root / "trust.toml"; }

  std::filesystem::path root;
  std::string publisher_id = "test-publisher";
  Ed25519KeyPair publisher;
};

}  // namespace cryftee::testing
