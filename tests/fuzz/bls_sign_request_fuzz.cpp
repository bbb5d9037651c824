// A BLS sign body a client controls takes one of two ways to the module: as its own text when it is plain
// (api/bls_sign_request.h), else parsed into a tree and settled. For any bytes the plain way takes, the
// module must be sent exactly what the tree way would have sent: the same members and values, and the same
// settled "dst".
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "api/bls_sign_request.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  const auto plain = cryftee::api::plain_bls_sign_request(body);
  if (!plain) return 0;
  nlohmann::json tree = nlohmann::json::parse(body);  // the plain way took it, so it is JSON
  require(tree.is_object());
  cryftee::api::settle_bls_sign_dst(tree);  // and the tree way would not refuse it
  require(nlohmann::json::parse(plain->object) == tree);
  return 0;
}
