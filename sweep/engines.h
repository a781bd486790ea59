// The three ways a sweep's points run: a local pool of worker processes, GNU parallel (on this
// host or, with an ssh login file, on several), and a Slurm job array. All run each point with
// sweep/runner.h, so their outcomes, and the results collected from them, are the same bytes.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sweep/plan.h"

namespace tessera::sweep {

// Plan indexes of the points without an outcome: what is left to run.
[[nodiscard]] std::vector<size_t> pending_points(const std::string& dir, const Plan& plan);

// `jobs` processes of `tessera run` at a time; rows appended as points finish; a progress line
// (unit "points") unless `quiet`.
void run_local_pool(const std::string& dir, const Plan& plan, const std::vector<size_t>& todo,
                    size_t jobs, bool quiet);

// GNU parallel runs `tessera sweep run-points DIR INDEX` for each point; `sshloginfile` (may be
// empty) is passed through: the hosts must see the binary and DIR at the same paths.
void run_gnu_parallel(const std::string& dir, const Plan& plan, const std::vector<size_t>& todo,
                      size_t jobs, const std::string& sshloginfile);

struct SlurmOptions {
  std::string partition, time, mem;  // passed to sbatch when not empty
  size_t chunk_size = 10;            // points per array task
  bool wait = false;                 // sbatch --wait: return when the array has finished
};

// Writes DIR/slurm/array-K.sbatch (K counts submissions) and submits it with sbatch; each array
// task runs `chunk_size` of the `todo` points. Returns the job id. InputError with sbatch's own
// message when it refuses the job.
std::string submit_slurm_array(const std::string& dir, const Plan& plan,
                               const std::vector<size_t>& todo, const SlurmOptions& options);

// A worker of GNU parallel or of a Slurm array task: runs the given plan indexes, one by one.
void run_points(const std::string& dir, const Plan& plan, const std::vector<size_t>& indexes);

// The indexes of chunk `chunk` (of `size` lines) of a list file written by submit_slurm_array.
[[nodiscard]] std::vector<size_t> chunk_of_list(const std::string& list_file, size_t chunk,
                                                size_t size, size_t plan_points);

}  // namespace tessera::sweep
