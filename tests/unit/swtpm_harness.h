#pragma once
// A real software TPM for tests: `swtpm socket --tpm2` on two free loopback ports (the TPM's, and one
// above it its control channel, as the swtpm TCTI expects) with its own fresh state directory, started
// up cleared, so every instance is a new TPM with new seeds. It stops (SIGTERM) when the object goes;
// tool() runs tpm2-tools against it, independent of Cryftee's own TPM code.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace cryftee::testing {

class Swtpm {
 public:
  Swtpm() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cryftee-swtpm-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a state directory for swtpm");
    state_dir_ = pattern;
    // Another process may take the ports between choosing and binding them: then swtpm exits and the
    // next pair is tried.
    for (int attempt = 0; attempt < 20; ++attempt) {
      port_ = free_port_pair();
      if (port_ == 0) continue;
      pid_ = spawn({"swtpm", "socket", "--tpm2", "--server",
                    "type=tcp,port=" + std::to_string(port_) + ",bindaddr=127.0.0.1", "--ctrl",
                    "type=tcp,port=" + std::to_string(port_ + 1) + ",bindaddr=127.0.0.1", "--tpmstate",
                    "dir=" + state_dir_.string(), "--flags", "not-need-init,startup-clear"},
                   state_dir_ / "swtpm.out");
      if (wait_until_listening()) return;
      stop();
    }
    std::filesystem::remove_all(state_dir_);
    throw std::runtime_error("swtpm did not start on free loopback ports");
  }

  ~Swtpm() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(state_dir_, ignored);
  }

  Swtpm(const Swtpm&) = delete;
  Swtpm& operator=(const Swtpm&) = delete;

  std::string tcti() const { return "swtpm:host=127.0.0.1,port=" + std::to_string(port_); }
  // The TPM's state directory, removed with it; a place for a test's own files about this TPM.
  const std::filesystem::path& state_dir() const { return state_dir_; }

  // After this the TCTI points at ports nobody answers on.
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  // Runs a tpm2-tools program against this TPM and returns its standard output; throws when it fails.
  std::string tool(const std::string& program, std::vector<std::string> args) const {
    args.insert(args.begin(), {program, "-T", tcti()});
    const std::filesystem::path output = state_dir_ / "tool.out";
    const pid_t pid = spawn(args, output);
    int status = 0;
    waitpid(pid, &status, 0);
    std::ifstream in(output);
    std::stringstream text;
    text << in.rdbuf();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      throw std::runtime_error(program + " failed: " + text.str());
    }
    return text.str();
  }

 private:
  // A port P with P and P + 1 both free on 127.0.0.1 at this moment, or 0.
  static int free_port_pair() {
    const int probe = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    int port = 0;
    if (bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        getsockname(probe, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
      port = ntohs(address.sin_port);
    }
    const int neighbour = socket(AF_INET, SOCK_STREAM, 0);
    address.sin_port = htons(static_cast<std::uint16_t>(port + 1));
    if (port == 0 || port >= 65535 ||
        bind(neighbour, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      port = 0;
    }
    close(neighbour);
    close(probe);
    return port;
  }

  // Starts a program found on PATH with stdout and stderr going to `output`.
  static pid_t spawn(const std::vector<std::string>& args, const std::filesystem::path& output) {
    std::vector<char*> argv;
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid = 0;
    const int failed = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (failed) throw std::runtime_error("cannot start " + args[0] + " (is it installed? see scripts/setup.sh)");
    return pid;
  }

  // True once this swtpm process (not some other one) listens on both ports; false if it exited.
  bool wait_until_listening() const {
    for (int poll = 0; poll < 3000; ++poll) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) return false;
      const std::set<int> ports = listening_ports(pid_);
      if (ports.count(port_) && ports.count(port_ + 1)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // The TCP ports the process listens on: its socket inodes matched against /proc/net/tcp.
  static std::set<int> listening_ports(pid_t pid) {
    std::set<std::string> inodes;
    std::error_code error;
    for (const auto& fd : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", error)) {
      const std::string target = std::filesystem::read_symlink(fd.path(), error).string();
      if (target.rfind("socket:[", 0) == 0) inodes.insert(target.substr(8, target.size() - 9));
    }
    std::set<int> ports;
    std::ifstream table("/proc/net/tcp");
    std::string line;
    std::getline(table, line);  // header
    while (std::getline(table, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
      if (state == "0A" && inodes.count(inode)) ports.insert(std::stoi(local.substr(local.find(':') + 1), nullptr, 16));
    }
    return ports;
  }

  std::filesystem::path state_dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace cryftee::testing
