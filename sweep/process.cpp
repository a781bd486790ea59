#include "sweep/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>  // environ

#include <cerrno>
#include <cstring>

#include "sim/error.h"

namespace tessera::sweep {

pid_t start_process(const std::vector<std::string>& args, const std::string& stdout_file,
                    const std::string& stderr_file, const std::string& field) {
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  constexpr int kFlags = O_WRONLY | O_CREAT | O_TRUNC;
  if (!stdout_file.empty()) {
    posix_spawn_file_actions_addopen(&actions, 1, stdout_file.c_str(), kFlags, 0644);
  }
  if (!stderr_file.empty()) {
    if (stderr_file == stdout_file) {
      posix_spawn_file_actions_adddup2(&actions, 1, 2);
    } else {
      posix_spawn_file_actions_addopen(&actions, 2, stderr_file.c_str(), kFlags, 0644);
    }
  }
  pid_t pid = 0;
  const int err = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) {
    throw InputError({args[0], 0, field}, std::string("cannot start: ") + std::strerror(err));
  }
  return pid;
}

int wait_process(pid_t& pid) {
  int status = 0;
  pid_t got = 0;
  do {
    got = waitpid(pid, &status, 0);
  } while (got < 0 && errno == EINTR);
  pid = got;
  return status;
}

int exit_code(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 255;
}

int run_process(const std::vector<std::string>& args, const std::string& output_file,
                const std::string& field) {
  pid_t pid = start_process(args, output_file, output_file, field);
  return exit_code(wait_process(pid));
}

}  // namespace tessera::sweep
