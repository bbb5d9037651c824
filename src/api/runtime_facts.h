#pragma once
// What parts the API does not own (the engine, key custody, the Web3Signer client) report to the status
// and schema routes. The daemon fills RuntimeFacts through ApiContext::runtime_facts; until a part is
// attached, its defaults say that part is absent.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cryftee::api {

struct SignerView {
  std::vector<std::string> bls_pubkeys;  // public keys custody holds, as 0x hex
  std::vector<std::string> tls_pubkeys;
};

struct WasmRuntimeView {
  bool healthy = false;
  std::string engine = "none";  // e.g. "v8 10.2"
  std::optional<std::string> reason = std::string("no WebAssembly engine is attached to this daemon");
  nlohmann::json details = nlohmann::json::object();  // engine facts merged into status "wasmRuntime"
};

struct Web3SignerView {
  bool reachable = false;                 // /upcheck answered
  bool healthy = false;                   // and /healthcheck said UP
  std::string url;                        // the URL checked, without credentials
  std::optional<std::string> checked_at;  // RFC 3339; nullopt before the first check ends
  std::optional<std::string> last_error;  // without secrets
};

struct RuntimeFacts {
  SignerView signer;
  WasmRuntimeView runtime;
  std::optional<Web3SignerView> web3signer;  // nullopt: no Web3Signer client is attached
  std::vector<std::string> host_imports;     // import names (namespace "cryftee") the engine can grant
  // The key store as Custody::key_store_status() shows it; null while no custody is attached.
  nlohmann::json key_store;
};

}  // namespace cryftee::api
