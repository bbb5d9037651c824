#include "util/unicode.h"

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <vector>

#include "util/bytes.h"

namespace cryftee {
namespace {

// Zeroes a UTF-16 buffer when it goes out of scope, whatever the path out.
struct WipedUtf16 {
  std::vector<UChar> units;
  ~WipedUtf16() { secure_zero(units.data(), units.size() * sizeof(UChar)); }
};

}  // namespace

std::optional<std::string> nfkd_utf8(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const UNormalizer2* nfkd = unorm2_getNFKDInstance(&status);
  if (U_FAILURE(status)) return std::nullopt;

  WipedUtf16 utf16;
  int32_t utf16_length = 0;
  // Preflight for the size; ICU reports U_INVALID_CHAR_FOUND for ill-formed UTF-8 with no substitution.
  u_strFromUTF8WithSub(nullptr, 0, &utf16_length, text.data(), static_cast<int32_t>(text.size()), U_SENTINEL,
                       nullptr, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return std::nullopt;
  status = U_ZERO_ERROR;
  utf16.units.resize(static_cast<std::size_t>(utf16_length) + 1);
  u_strFromUTF8WithSub(utf16.units.data(), utf16_length + 1, &utf16_length, text.data(),
                       static_cast<int32_t>(text.size()), U_SENTINEL, nullptr, &status);
  if (U_FAILURE(status)) return std::nullopt;

  WipedUtf16 normalized;
  int32_t normalized_length = unorm2_normalize(nfkd, utf16.units.data(), utf16_length, nullptr, 0, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return std::nullopt;
  status = U_ZERO_ERROR;
  normalized.units.resize(static_cast<std::size_t>(normalized_length) + 1);
  unorm2_normalize(nfkd, utf16.units.data(), utf16_length, normalized.units.data(), normalized_length + 1, &status);
  if (U_FAILURE(status)) return std::nullopt;

  int32_t utf8_length = 0;
  u_strToUTF8(nullptr, 0, &utf8_length, normalized.units.data(), normalized_length, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return std::nullopt;
  status = U_ZERO_ERROR;
  std::string utf8(static_cast<std::size_t>(utf8_length) + 1, '\0');
  u_strToUTF8(utf8.data(), utf8_length + 1, &utf8_length, normalized.units.data(), normalized_length, &status);
  if (U_FAILURE(status)) {
    secure_zero(utf8);
    return std::nullopt;
  }
  utf8.resize(static_cast<std::size_t>(utf8_length));
  return utf8;
}

}  // namespace cryftee
