// `cryftee attest verify`: checks an attestation document (GET /v1/runtime/attestation) the way a
// verifier should, and says which checks passed. Exit 0 when every check passed, 1 otherwise.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "attest/document.h"
#include "cli/commands.h"

namespace cryftee::cli {
namespace {

constexpr int kValid = 0;
constexpr int kInvalid = 1;

std::optional<std::string> read_document(const std::string& file) {
  if (file == "-") return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int verify(const std::string& file, const AttestationExpectations& expected) {
  const std::optional<std::string> text = read_document(file);
  if (!text) {
    std::cerr << "cannot read " << file << "\n";
    return kInvalid;
  }
  const nlohmann::json document = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    std::cout << "INVALID: " << (file == "-" ? "standard input" : file) << " is not JSON\n";
    return kInvalid;
  }
  const AttestationVerdict verdict = verify_attestation(document, expected);
  for (const AttestationCheck& check : verdict.checks) {
    std::cout << (check.passed ? "  ok    " : "  FAIL  ") << check.name << ": " << check.detail << "\n";
  }
  if (!verdict.valid) {
    std::cout << "INVALID attestation\n";
    return kInvalid;
  }
  std::cout << "VALID attestation: cryftee " << document.value("cryftee_version", "?") << ", core "
            << document.value("core_binary_hash", "?") << ", signed at " << document.value("timestamp", "?") << "\n";
  if (!expected.public_key_b64) {
    std::cout << "note: the attestation key was not pinned (--public-key), so this shows only that the document is "
                 "intact and self-consistent, not who signed it\n";
  }
  return kValid;
}

}  // namespace

int run_attest_command(int argc, char** argv) {
  CLI::App app{"Checks attestation documents from GET /v1/runtime/attestation.", "cryftee attest"};
  app.require_subcommand(1);
  CLI::App* verify_command = app.add_subcommand(
      "verify", "Verify a document's Ed25519 signature and, when given, its key, nonce and core binary hash");
  std::string file = "-";
  std::string public_key;
  std::string nonce;
  std::string binary_hash;
  verify_command->add_option("--file", file, "the attestation JSON, or - for standard input")->capture_default_str();
  CLI::Option* key_option =
      verify_command->add_option("--public-key", public_key, "the attestation public key (base64) you trust");
  CLI::Option* nonce_option = verify_command->add_option("--nonce", nonce, "the nonce you sent with the request");
  CLI::Option* hash_option =
      verify_command->add_option("--expect-binary-hash", binary_hash, "the core binary hash you expect (sha256:<hex>)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? kValid : kInvalid;
  }
  AttestationExpectations expected;
  if (key_option->count() > 0) expected.public_key_b64 = public_key;
  if (nonce_option->count() > 0) expected.nonce = nonce;
  if (hash_option->count() > 0) expected.binary_hash = binary_hash;
  return verify(file, expected);
}

}  // namespace cryftee::cli
