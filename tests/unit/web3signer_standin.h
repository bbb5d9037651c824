#pragma once
// The Web3Signer stand-in (tests/web3signer/standin.mjs, node + @noble/curves) as a child process on free
// loopback ports, for the tests of the Web3Signer client and of the custody façade; and the typed signing
// request whose signing root the stand-in must compute.
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "custody/web3signer_transport.h"

extern char** environ;

namespace cryftee::testing {

using namespace std::chrono_literals;

// Killed when the test ends.
class StandIn {
 public:
  StandIn() {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    const std::string script = std::string(CRYFTEE_SOURCE_DIR) + "/tests/web3signer/standin.mjs";
    char* argv[] = {const_cast<char*>("node"), const_cast<char*>(script.c_str()), nullptr};
    if (posix_spawnp(&pid_, "node", &actions, nullptr, argv, environ) != 0) throw std::runtime_error("spawn failed");
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    std::string line;
    pollfd fd{out[0], POLLIN, 0};
    while (line.find('\n') == std::string::npos && poll(&fd, 1, 15000) > 0) {
      char buffer[256];
      const ssize_t n = read(out[0], buffer, sizeof buffer);
      if (n <= 0) break;
      line.append(buffer, static_cast<std::size_t>(n));
    }
    close(out[0]);
    const auto ports = nlohmann::json::parse(line.substr(0, line.find('\n')));
    port_ = ports["port"];
    control_port_ = ports["controlPort"];
  }
  ~StandIn() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  nlohmann::json control(const nlohmann::json& change = nullptr) {
    HttpRequest request;
    request.method = change.is_null() ? "GET" : "POST";
    request.url = "http://127.0.0.1:" + std::to_string(control_port_) + "/control";
    if (!change.is_null()) request.body = change.dump();
    request.connect_timeout = 2s;
    request.timeout = 10s;
    const HttpResult result = pool_.perform(request);
    if (!result.answered || result.status != 200) throw std::runtime_error("control failed: " + result.error);
    return nlohmann::json::parse(result.body);
  }

  int requests(const std::string& route) {
    const auto state = control();
    return state["requests"].value(route, 0);
  }

 private:
  pid_t pid_ = 0;
  int port_ = 0;
  int control_port_ = 0;
  CurlPool pool_{HttpCredentials{}, 1, 1 << 20};
};

// The spec's RANDAO_REVEAL example; its signingRoot is what the stand-in must compute from the fields.
inline nlohmann::json randao_request() {
  return {{"type", "RANDAO_REVEAL"},
          {"fork_info",
           {{"fork", {{"previous_version", "0x00000001"}, {"current_version", "0x00000001"}, {"epoch", "1"}}},
            {"genesis_validators_root", "0x04700007fabc8282644aed6d1c7c9e21d38a03a0c4ba193f3afe428824b3a673"}}},
          {"randao_reveal", {{"epoch", "3"}}}};
}
inline constexpr char kRandaoSigningRoot[] = "3d047c51a8b03630781dc4c5519c17f7de87174246ff2deed0f195c6c775f91e";

}  // namespace cryftee::testing
