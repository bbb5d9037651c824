#pragma once
// One function per top-level verb of the `cryftee` binary. Each takes the arguments after the verb
// (argv[0] is the verb itself) and returns the process exit code.
namespace cryftee::cli {

int run_daemon(int argc, char** argv);          // `cryftee [flags]`: the signing daemon
int run_module_command(int argc, char** argv);  // `cryftee module keygen|hash|sign|verify`
int run_attest_command(int argc, char** argv);  // `cryftee attest verify`
int run_keys_command(int argc, char** argv);    // `cryftee keys backup|restore`
int run_routes_command(int argc, char** argv);  // `cryftee routes`

}  // namespace cryftee::cli
