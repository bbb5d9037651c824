#include "util/bytes.h"

#include <openssl/crypto.h>

namespace cryftee {

void secure_zero(void* data, std::size_t size) noexcept { OPENSSL_cleanse(data, size); }

}  // namespace cryftee
