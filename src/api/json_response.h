#pragma once
#include <nlohmann/json.hpp>

#include "api/message.h"

namespace cryftee::api {

// A JSON answer. Bytes that are not UTF-8 (a client may send them in a path or a field we echo) become
// U+FFFD instead of throwing: an answer must always be produced.
Response json_response(const nlohmann::json& value, int status = 200);

// An answer whose body is already JSON text (a module's checked answer).
Response json_text_response(std::string text, int status = 200);

}  // namespace cryftee::api
