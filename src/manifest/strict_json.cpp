#include "manifest/strict_json.h"

#include <set>
#include <vector>

#include "manifest/limits.h"
#include "util/error.h"

namespace cryftee {
namespace {

// Thrown from inside the parser callback to stop parsing at the first problem.
struct Rejected {
  std::string reason;
};

}  // namespace

nlohmann::json parse_strict_json(std::string_view text, const std::string& what, const std::string& error_code) {
  std::vector<std::set<std::string>> keys_seen;  // one set per open object
  const auto callback = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        if (static_cast<std::size_t>(depth) >= manifest_limits::kMaxJsonDepth) {
          throw Rejected{"is nested more than " + std::to_string(manifest_limits::kMaxJsonDepth) + " levels deep"};
        }
        if (event == Event::object_start) keys_seen.emplace_back();
        break;
      case Event::object_end:
        keys_seen.pop_back();
        break;
      case Event::key:
        if (!keys_seen.back().insert(parsed.get<std::string>()).second) {
          throw Rejected{"has the key \"" + parsed.get<std::string>() + "\" twice in one object"};
        }
        break;
      default:
        break;
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), callback);
  } catch (const Rejected& rejected) {
    throw Error(400, error_code, what + " " + rejected.reason);
  } catch (const nlohmann::json::parse_error& error) {
    throw Error(400, error_code,
                what + " is not valid JSON (at byte " + std::to_string(error.byte) + "); fix the syntax and retry");
  } catch (const nlohmann::json::exception&) {
    // e.g. out_of_range for a number too large for a double
    throw Error(400, error_code, what + " holds a value JSON parsing cannot represent (a number out of range?)");
  }
}

}  // namespace cryftee
