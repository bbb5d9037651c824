#include "transport/beast_request.h"

#include <algorithm>
#include <cctype>

namespace cryftee::transport {

Request request_from_beast(BeastRequest& message, const Peer& peer) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  parse_target(request.target, request.path, request.query);
  for (const auto& field : message) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto [it, inserted] = request.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());
  }
  request.body = std::move(message.body());
  request.peer = peer;
  return request;
}

}  // namespace cryftee::transport
