#include <cstring>

#include "cli/commands.h"

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "module") == 0) return cryftee::cli::run_module_command(argc - 1, argv + 1);
  if (argc >= 2 && std::strcmp(argv[1], "attest") == 0) return cryftee::cli::run_attest_command(argc - 1, argv + 1);
  if (argc >= 2 && std::strcmp(argv[1], "keys") == 0) return cryftee::cli::run_keys_command(argc - 1, argv + 1);
  if (argc >= 2 && std::strcmp(argv[1], "routes") == 0) return cryftee::cli::run_routes_command(argc - 1, argv + 1);
  return cryftee::cli::run_daemon(argc, argv);
}
