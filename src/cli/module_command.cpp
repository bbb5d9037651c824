// `cryftee module keygen | pubkey | hash | sign | verify`: the publisher's side of module trust. Every
// verb goes through the same parsing, hashing, signing and registry code (and, for verify, the same
// engine checks) the daemon uses.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "config/config.h"
#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "custody/custody.h"
#include "key_store/none_sealer.h"
#include "manifest/file_reader.h"
#include "manifest/limits.h"
#include "manifest/manifest_signer.h"
#include "manifest/strict_json.h"
#include "manifest/trust.h"
#include "runtime/dispatch.h"
#include "runtime/engine/engine_factory.h"
#include "runtime/loader.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/log.h"

namespace cryftee::cli {
namespace {

namespace fs = std::filesystem;

// Zeroes the private seed however the command ends.
struct SeedGuard {
  Ed25519KeyPair& pair;
  ~SeedGuard() { secure_zero(pair.seed); }
};

// Replaces `path` by writing a sibling file and renaming it, so a reader never sees half a file.
void write_file_atomically(const fs::path& path, const std::string& text) {
  const fs::path temporary = path.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out || !out.write(text.data(), static_cast<std::streamsize>(text.size())) || !out.flush()) {
      throw internal_error("cannot write " + temporary.string(), "file_unwritable");
    }
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) {
    fs::remove(temporary, error);
    throw internal_error("cannot replace " + path.string(), "file_unwritable");
  }
}

void write_trust_out(const std::optional<fs::path>& trust_out, const std::string& id, const Bytes& public_key) {
  if (!trust_out) return;
  write_file_atomically(*trust_out, format_trust_file(id, public_key));
  std::cerr << "wrote " << trust_out->string() << " trusting publisher \"" << id << "\"\n";
}

int keygen(const fs::path& out, const std::optional<std::string>& id, const std::optional<fs::path>& trust_out) {
  if (id) {
    if (auto reason = invalid_publisher_id_reason(*id)) throw bad_request(*reason, "bad_publisher_id");
  }
  if (fs::exists(out)) {
    throw conflict(out.string() + " already exists; a private key is never overwritten (move it away first)",
                   "key_file_exists");
  }
  Ed25519KeyPair pair = ed25519_generate();
  SeedGuard guard{pair};
  ed25519_write_private_pem(out, pair.seed);
  std::cerr << "wrote the private key " << out.string() << " (mode 0600); keep it secret\n";
  write_trust_out(trust_out, id.value_or(""), pair.public_key);
  std::cout << base64_encode(pair.public_key) << "\n";
  return 0;
}

int pubkey(const fs::path& key, const std::optional<std::string>& id, const std::optional<fs::path>& trust_out) {
  if (id) {
    if (auto reason = invalid_publisher_id_reason(*id)) throw bad_request(*reason, "bad_publisher_id");
  }
  Ed25519KeyPair pair = ed25519_read_private_pem(key);
  SeedGuard guard{pair};
  write_trust_out(trust_out, id.value_or(""), pair.public_key);
  std::cout << base64_encode(pair.public_key) << "\n";
  return 0;
}

int hash(const fs::path& file) {
  if (!fs::is_regular_file(file)) throw not_found(file.string() + " is not a file", "file_missing");
  std::cout << "sha256:" << hex_encode(sha256_file(file)) << "\n";
  return 0;
}

fs::path directory_of(const fs::path& manifest) {
  const fs::path parent = manifest.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

int sign(const fs::path& manifest_path, const fs::path& key, const std::string& publisher,
         const std::optional<fs::path>& module_dir, const std::optional<std::string>& only_id) {
  const auto text = read_small_file(manifest_path, manifest_limits::kMaxManifestBytes);
  if (!text) throw not_found(manifest_path.string() + " does not exist", "manifest_missing");
  nlohmann::json manifest = parse_strict_json(*text, manifest_path.string(), "bad_manifest");
  Ed25519KeyPair pair = ed25519_read_private_pem(key);
  SeedGuard guard{pair};
  const auto signed_entries =
      sign_manifest(manifest, module_dir.value_or(directory_of(manifest_path)), publisher, pair.seed, only_id);
  const std::string updated = manifest.dump(2) + "\n";
  if (updated != *text) write_file_atomically(manifest_path, updated);
  for (const auto& entry : signed_entries) {
    std::cout << "signed " << entry.id << " " << entry.version << " " << entry.hash << "\n";
  }
  return 0;
}

int verify(const fs::path& manifest_path, const fs::path& trust, const std::optional<fs::path>& module_dir) {
  // The verdicts are printed below; the loader's own log lines would only repeat them.
  log::configure(log::Level::Error, LogFormat::Text);
  Config config;
  config.manifest_path = manifest_path;
  config.module_dir = module_dir.value_or(directory_of(manifest_path));
  config.trust_config = trust;
  // The same engine as the daemon's vets each verified module (it compiles, exports ABI v1 and imports only
  // what its entry grants), so a module this prints as ok is one the daemon loads.
  // Vetting runs no module operation, so no key is ever asked for: a memory-only custody, nothing written.
  Custody custody(CustodySetup{.sealer = key_store::make_none_sealer()});
  runtime::Dispatcher engine(engine::make_engine(config.engine), 1, custody, {});
  const auto registry = runtime::build_registry(config, 0, engine.engine_check());
  bool all_good = registry->problems.empty();
  for (const auto& record : registry->modules) {
    const std::string name = record.entry.id.empty() ? "(entry without id)" : record.entry.id;
    if (record.status.loaded) {
      std::cout << "ok       " << name << " " << record.entry.version << " " << record.computed_hash << "\n";
      if (record.entry.gui && !record.gui_verified) {
        all_good = false;
        std::cout << "REFUSED  " << name << " gui: " << record.gui_reason << "\n";
      }
      continue;
    }
    all_good = false;
    std::cout << "REFUSED  " << name << " [" << runtime::module_failure_name(record.status.failure)
              << "] trusted=" << record.status.trusted << " compatible=" << record.status.compatible << ": "
              << record.status.reason << "\n";
  }
  for (const auto& problem : registry->problems) std::cout << "PROBLEM  " << problem << "\n";
  return all_good ? 0 : 1;
}

}  // namespace

int run_module_command(int argc, char** argv) {
  CLI::App app{"Create publisher keys, hash modules, sign manifest entries and verify a manifest against a trust file.",
               "cryftee module"};
  app.require_subcommand(1);

  fs::path out, key, file, manifest, trust;
  std::optional<std::string> id, only_id;
  std::optional<fs::path> trust_out, module_dir;
  std::string publisher;

  CLI::App* keygen_cmd = app.add_subcommand("keygen", "Create an Ed25519 publisher key; prints its base64 public key");
  keygen_cmd->add_option("--out", out, "Where to write the private key (PKCS#8 PEM, mode 0600); never overwritten")->required();
  CLI::Option* keygen_id = keygen_cmd->add_option("--id", id, "Publisher id to put in the trust file");
  keygen_cmd->add_option("--trust-out", trust_out, "Also write a trust file that trusts this key")->needs(keygen_id);

  CLI::App* pubkey_cmd = app.add_subcommand("pubkey", "Print the base64 public key of a publisher key");
  pubkey_cmd->add_option("--key", key, "The publisher's private key (PEM)")->required()->check(CLI::ExistingFile);
  CLI::Option* pubkey_id = pubkey_cmd->add_option("--id", id, "Publisher id to put in the trust file");
  pubkey_cmd->add_option("--trust-out", trust_out, "Also write a trust file that trusts this key")->needs(pubkey_id);

  CLI::App* hash_cmd = app.add_subcommand("hash", "Print the sha256:<hex> of a module file");
  hash_cmd->add_option("FILE", file, "The module file")->required();

  CLI::App* sign_cmd = app.add_subcommand("sign", "Fill in hash and publisher and sign manifest entries, in place");
  sign_cmd->add_option("--manifest", manifest, "manifest.json to update")->required();
  sign_cmd->add_option("--key", key, "The publisher's private key (PEM)")->required()->check(CLI::ExistingFile);
  sign_cmd->add_option("--publisher", publisher, "Publisher id, as listed in operators' trust files")->required();
  sign_cmd->add_option("--module-dir", module_dir, "Where the entries' dir/file are (default: the manifest's folder)");
  sign_cmd->add_option("--id", only_id, "Sign only this module (default: all)");

  CLI::App* verify_cmd = app.add_subcommand("verify", "Check every module as the daemon would; exit 1 if any fails");
  verify_cmd->add_option("--manifest", manifest, "manifest.json to check")->required();
  verify_cmd->add_option("--trust", trust, "Trust file")->required();
  verify_cmd->add_option("--module-dir", module_dir, "Where the entries' dir/file are (default: the manifest's folder)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  try {
    if (*keygen_cmd) return keygen(out, id, trust_out);
    if (*pubkey_cmd) return pubkey(key, id, trust_out);
    if (*hash_cmd) return hash(file);
    if (*sign_cmd) return sign(manifest, key, publisher, module_dir, only_id);
    return verify(manifest, trust, module_dir);
  } catch (const Error& error) {
    std::cerr << "cryftee module " << app.get_subcommands().front()->get_name() << ": " << error.what() << "\n";
    return 1;
  }
}

}  // namespace cryftee::cli
