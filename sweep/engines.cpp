#include "sweep/engines.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "sim/atomic_file.h"
#include "sim/numbers.h"
#include "sim/progress.h"
#include "sweep/process.h"
#include "sweep/results.h"
#include "sweep/runner.h"
#include "traces/text_file.h"

namespace tessera::sweep {
namespace {

std::string list_text(const std::vector<size_t>& indexes) {
  std::string text;
  for (const size_t i : indexes) text += std::to_string(i) + "\n";
  return text;
}

// A word for /bin/sh, in single quotes.
std::string sh_quoted(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string absolute(const std::string& path) {
  return std::filesystem::absolute(path).lexically_normal().string();
}

}  // namespace

std::vector<size_t> pending_points(const std::string& dir, const Plan& plan) {
  std::vector<size_t> todo;
  for (size_t i = 0; i < plan.points.size(); ++i) {
    if (!std::filesystem::exists(point_file(dir, plan.points[i].id, ".row.json")))
      todo.push_back(i);
  }
  return todo;
}

void run_local_pool(const std::string& dir, const Plan& plan, const std::vector<size_t>& todo,
                    size_t jobs, bool quiet) {
  ResultAppender results(dir, plan);
  ProgressLine progress("points", todo.size(), quiet);
  std::map<pid_t, size_t> running;  // worker -> plan index
  size_t next = 0, done = 0, failed = 0;
  while (next < todo.size() || !running.empty()) {
    while (running.size() < std::max<size_t>(jobs, 1) && next < todo.size()) {
      const size_t i = todo[next++];
      running.emplace(start_point(plan, plan.points[i], dir), i);
    }
    pid_t pid = -1;
    const int status = wait_process(pid);
    const auto it = running.find(pid);
    if (it == running.end()) continue;  // not one of ours
    const PlanPoint& point = plan.points[it->second];
    running.erase(it);
    const auto outcome = record_point(plan, point, dir, status);
    results.append(point, outcome);
    if (outcome.at("status") == "failed") ++failed;
    progress.update(++done, std::to_string(failed) + " failed");
  }
}

void run_gnu_parallel(const std::string& dir, const Plan& plan, const std::vector<size_t>& todo,
                      size_t jobs, const std::string& sshloginfile) {
  const std::string folder = dir + "/parallel";
  std::filesystem::create_directories(folder);
  const std::string list = folder + "/todo.txt";
  write_file_atomically(list, list_text(todo));
  std::vector<std::string> args{"parallel", "--will-cite",
                                "--halt",   "never",
                                "--jobs",   std::to_string(std::max<size_t>(jobs, 1))};
  if (!sshloginfile.empty()) args.insert(args.end(), {"--sshloginfile", sshloginfile});
  args.insert(args.end(), {"-a", list, plan.binary, "sweep", "run-points", absolute(dir), "{}"});
  const int code = run_process(args, folder + "/parallel.log", "--engine parallel");
  if (code != 0) {
    throw InputError({folder + "/parallel.log", 0, "--engine parallel"},
                     "GNU parallel exited with " + std::to_string(code) + ": " +
                         read_text_file(folder + "/parallel.log"));
  }
}

std::string submit_slurm_array(const std::string& dir, const Plan& plan,
                               const std::vector<size_t>& todo, const SlurmOptions& options) {
  const std::string folder = absolute(dir) + "/slurm";
  std::filesystem::create_directories(folder);
  size_t k = 0;
  while (std::filesystem::exists(folder + "/todo-" + std::to_string(k) + ".txt")) ++k;
  const std::string n = std::to_string(k);
  const std::string list = folder + "/todo-" + n + ".txt",
                    script = folder + "/array-" + n + ".sbatch";
  const size_t size = std::max<size_t>(options.chunk_size, 1);
  const size_t chunks = (todo.size() + size - 1) / size;
  write_file_atomically(list, list_text(todo));
  write_file_atomically(script,
                        "#!/bin/sh\n"
                        "#SBATCH --job-name=tessera-sweep\n"
                        "#SBATCH --array=0-" +
                            std::to_string(chunks - 1) +
                            "\n"
                            "#SBATCH --output=" +
                            folder + "/" + n +
                            "-%A_%a.out\n"
                            "# Array task K runs points K*" +
                            std::to_string(size) + " to (K+1)*" + std::to_string(size) +
                            "-1 of the list.\n"
                            "exec " +
                            sh_quoted(plan.binary) + " sweep run-points " +
                            sh_quoted(absolute(dir)) + " --list " + sh_quoted(list) +
                            " --chunk \"$SLURM_ARRAY_TASK_ID\" --chunk-size " +
                            std::to_string(size) + "\n");
  std::vector<std::string> args{"sbatch", "--parsable"};
  if (options.wait) args.emplace_back("--wait");
  if (!options.partition.empty()) args.push_back("--partition=" + options.partition);
  if (!options.time.empty()) args.push_back("--time=" + options.time);
  if (!options.mem.empty()) args.push_back("--mem=" + options.mem);
  args.push_back(script);
  const std::string log = folder + "/sbatch-" + n + ".log";
  const int code = run_process(args, log, "--engine slurm");
  const std::string output = read_text_file(log);
  // --parsable prints "JOBID[;CLUSTER]" on its first line once the job is accepted.
  std::string first = output.substr(0, output.find_first_of(";\n"));
  const bool accepted = parse_int(first).has_value();
  if (!accepted) {
    throw InputError({script, 0, "sbatch"},
                     "sbatch refused the job (exit code " + std::to_string(code) + "): " + output);
  }
  return first;
}

void run_points(const std::string& dir, const Plan& plan, const std::vector<size_t>& indexes) {
  for (const size_t i : indexes) (void)run_point(plan, plan.points.at(i), dir);
}

std::vector<size_t> chunk_of_list(const std::string& list_file, size_t chunk, size_t size,
                                  size_t plan_points) {
  std::ifstream in(list_file);
  if (!in) throw InputError({list_file, 0, "--list"}, "cannot read");
  std::vector<size_t> out;
  std::string line;
  for (size_t n = 0; std::getline(in, line); ++n) {
    if (n < chunk * size || n >= (chunk + 1) * size) continue;
    const auto v = parse_int(line);
    if (!v || *v < 0 || static_cast<size_t>(*v) >= plan_points) {
      throw InputError({list_file, static_cast<int>(n + 1), "--list"},
                       "not a point of the plan: '" + line + "'");
    }
    out.push_back(static_cast<size_t>(*v));
  }
  return out;
}

}  // namespace tessera::sweep
