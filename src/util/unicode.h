#pragma once
// Unicode normalisation through ICU, for the places a standard fixes the form of text (EIP-2335 passwords).
#include <optional>
#include <string>
#include <string_view>

namespace cryftee {

// The NFKD form of UTF-8 text, as UTF-8; nullopt when the input is not well-formed UTF-8.
// Intermediate buffers are zeroed, since the text may be a password.
std::optional<std::string> nfkd_utf8(std::string_view text);

}  // namespace cryftee
