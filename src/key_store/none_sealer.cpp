#include "key_store/none_sealer.h"

#include "util/error.h"

namespace cryftee::key_store {
namespace {

Error not_durable() {
  return unprocessable("this daemon runs without a key store (sealer 'none'): keys live in memory only and are "
                       "lost at restart",
                       "keys_not_durable");
}

class NoneSealer final : public Sealer {
 public:
  std::string_view kind() const noexcept override { return "none"; }
  bool durable() const noexcept override { return false; }
  nlohmann::json seal(ByteView, std::string_view) override { throw not_durable(); }
  Bytes unseal(const nlohmann::json&, std::string_view) override { throw not_durable(); }
  nlohmann::json describe() const override {
    return {{"kind", "none"}, {"note", "keys live in memory only and are lost at restart"}};
  }
};

}  // namespace

std::unique_ptr<Sealer> make_none_sealer() { return std::make_unique<NoneSealer>(); }

}  // namespace cryftee::key_store
