// Starting programs without a shell (no quoting of user paths), their output sent to files.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace tessera::sweep {

// Starts args[0] (looked up in PATH when it has no '/') with `args`; its stdout and stderr go to
// the given files when not empty (created or truncated), otherwise to ours. InputError (field
// `field`) when it cannot start, e.g. the program is not installed.
[[nodiscard]] pid_t start_process(const std::vector<std::string>& args,
                                  const std::string& stdout_file, const std::string& stderr_file,
                                  const std::string& field);

// Waits for `pid` (-1: any child) and returns its wait status; `pid` receives the child's id.
[[nodiscard]] int wait_process(pid_t& pid);

// The exit code of a wait status: the program's, or 128 + the signal that killed it.
[[nodiscard]] int exit_code(int wait_status);

// Runs a program to its end with stdout and stderr together in `output_file`; its exit code.
[[nodiscard]] int run_process(const std::vector<std::string>& args, const std::string& output_file,
                              const std::string& field);

}  // namespace tessera::sweep
