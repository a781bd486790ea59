// `tessera sweep`: a design-space sweep (sweep/): from a spec file or from --axis options, run by
// a local pool, GNU parallel or a Slurm job array; `collect` merges what has finished, and
// `run-points` is the worker the other engines start.
#include <sys/resource.h>

#include <filesystem>
#include <iostream>
#include <thread>

#include "sim/cli/command.h"
#include "sim/numbers.h"
#include "sim/text_format.h"
#include "sweep/engines.h"
#include "sweep/points.h"
#include "sweep/results.h"
#include "sweep/spec.h"
#include "traces/text_file.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

void add_slurm_options(po::options_description& d, sweep::SlurmOptions& s) {
  d.add_options()("partition", po::value(&s.partition), "Slurm partition")(
      "time", po::value(&s.time), "Slurm time limit of each array task")(
      "mem", po::value(&s.mem), "Slurm memory of each array task")(
      "chunk-size", po::value(&s.chunk_size), "points per Slurm array task (default 10)")(
      "wait", "wait for the Slurm array to finish, then collect");
}

// Creates DIR and DIR/points; InputError naming DIR when it cannot.
void prepare_folder(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir + "/points", ec);
  if (ec || !std::filesystem::is_directory(dir + "/points")) {
    throw InputError({dir, 0, "-o"}, "cannot make the sweep's folder: " + ec.message());
  }
}

double cpu_seconds(int who) {
  rusage u{};
  getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

// `runs_cpu_s` (the local pool's points ran as our children, before any picture was drawn): the
// CPU time of their runs is shown against our own, the sweep's overhead (planning, starting and
// waiting, reading reports, writing and collecting rows).
int finish(const std::string& dir, const sweep::Plan& plan, bool quiet, double runs_cpu_s = 0) {
  const sweep::Collected c = sweep::collect(dir, plan, true);
  if (!quiet) {
    std::cout << sweep::collected_text(dir, plan, c) << "results: " << dir << "/results.csv, "
              << dir << "/results.jsonl\n"
              << (c.plot.empty() ? "" : "plot: " + c.plot + "\n");
    const double own = cpu_seconds(RUSAGE_SELF);
    if (runs_cpu_s > 0) {
      std::cout << "CPU time: the runs " << fixed(runs_cpu_s, 2) << " s, the sweep itself "
                << fixed(own, 2) << " s (" << fixed(100 * own / runs_cpu_s, 2)
                << " % of the runs')\n";
    }
  }
  return 0;
}

int collect(const Args& args) {
  std::string dir;
  sweep::SlurmOptions slurm;
  po::options_description d("sweep collect options");
  d.add_options()("help,h", "show this help")("dir", po::value(&dir), "the sweep's folder")(
      "resubmit", "submit the missing and failed points again as a Slurm array")("quiet,q",
                                                                                 "print nothing");
  add_slurm_options(d, slurm);
  po::positional_options_description pos;
  pos.add("dir", 1);
  const po::variables_map vm = parse(args, d, pos);
  if (vm.count("help")) {
    std::cout << usage_text() << "\n" << d;
    return 0;
  }
  if (dir.empty()) {
    std::cerr << usage_text();
    return kUsage;
  }
  slurm.wait = vm.count("wait") > 0;
  const sweep::Plan plan = sweep::read_plan(dir);
  const sweep::Collected c = sweep::collect(dir, plan, true);
  if (!vm.count("quiet")) std::cout << sweep::collected_text(dir, plan, c);
  if (!vm.count("resubmit")) return 0;
  std::vector<size_t> again = c.missing_points;
  again.insert(again.end(), c.failed_points.begin(), c.failed_points.end());
  std::sort(again.begin(), again.end());
  if (again.empty()) {
    std::cout << "nothing to resubmit\n";
    return 0;
  }
  for (const size_t i : c.failed_points) {
    std::filesystem::remove(sweep::point_file(dir, plan.points[i].id, ".row.json"));
  }
  const std::string job = sweep::submit_slurm_array(dir, plan, again, slurm);
  std::cout << "resubmitted " << again.size() << " points as Slurm job " << job << "\n";
  return slurm.wait ? finish(dir, plan, vm.count("quiet") > 0) : 0;
}

int run_points(const Args& args) {
  std::string dir, list;
  std::vector<size_t> indexes;
  size_t chunk = 0, chunk_size = 1;
  po::options_description d("sweep run-points options");
  d.add_options()("dir", po::value(&dir), "the sweep's folder")(
      "index", po::value(&indexes)->multitoken(), "plan indexes of the points to run")(
      "list", po::value(&list), "file of plan indexes, one a line")(
      "chunk", po::value(&chunk), "run the chunk-th group of chunk-size lines of --list")(
      "chunk-size", po::value(&chunk_size), "lines per chunk");
  po::positional_options_description pos;
  pos.add("dir", 1).add("index", -1);
  (void)parse(args, d, pos);
  const sweep::Plan plan = sweep::read_plan(dir);
  if (!list.empty()) {
    const auto more = sweep::chunk_of_list(list, chunk, chunk_size, plan.points.size());
    indexes.insert(indexes.end(), more.begin(), more.end());
  }
  for (const size_t i : indexes) {
    if (i >= plan.points.size()) {
      throw InputError({dir + "/plan.json", 0, "index"},
                       "the plan has " + std::to_string(plan.points.size()) + " points, not " +
                           std::to_string(i + 1));
    }
  }
  sweep::run_points(dir, plan, indexes);
  return 0;
}

int sweep_main(const Args& args) {
  if (!args.empty() && args[0] == "collect") return collect(Args(args.begin() + 1, args.end()));
  if (!args.empty() && args[0] == "run-points") {
    return run_points(Args(args.begin() + 1, args.end()));
  }
  std::string spec_file, dir, engine = "local", sshloginfile, trace;
  std::vector<std::string> axes, metrics, objectives;
  ArchOptions arch;
  size_t jobs = std::max(1U, std::thread::hardware_concurrency());
  sweep::SlurmOptions slurm;
  po::options_description d("sweep options");
  d.add_options()("help,h", "show this help")("spec", po::value(&spec_file), "sweep spec YAML")(
      "output,o", po::value(&dir), "the sweep's folder (default: SPEC without .yaml, + .sweep)")(
      "engine", po::value(&engine), "local (default), parallel or slurm")(
      "jobs,j", po::value(&jobs), "points run at once (default: the number of cores)")(
      "quiet,q", "print no progress line and no summary")(
      "sshloginfile", po::value(&sshloginfile), "--engine parallel: GNU parallel's host list")(
      "trace", po::value(&trace), "without a spec: the trace")(
      "axis", po::value(&axes)->composing(),
      "without a spec: NAME=V1,V2,... (NAME: family.param, arch or trace)")(
      "metric", po::value(&metrics)->composing(), "without a spec: one more metric to collect")(
      "objective", po::value(&objectives)->composing(),
      "without a spec: an objective (default: cycles and energy_pj)");
  add_arch_options(d, arch);
  add_slurm_options(d, slurm);
  po::positional_options_description pos;
  pos.add("spec", 1);
  const po::variables_map vm = parse(args, d, pos);
  const bool quiet = vm.count("quiet") > 0;
  slurm.wait = vm.count("wait") > 0;
  if (vm.count("help")) {
    std::cout << usage_text() << "\n" << d;
    return 0;
  }
  if (spec_file.empty() && axes.empty()) {
    std::cerr << usage_text();
    return kUsage;
  }
  if (engine != "local" && engine != "parallel" && engine != "slurm") {
    throw InputError({"--engine " + engine, 0, "--engine"},
                     "unknown engine (known: local, parallel, slurm)");
  }
  sweep::SweepSpec spec;
  if (!spec_file.empty()) {
    if (!axes.empty() || !trace.empty() || arch.file || !arch.overrides.empty()) {
      throw InputError({spec_file, 0, "--axis"},
                       "give the axes, trace and architecture in the spec or as options, not both");
    }
    spec = sweep::parse_spec(read_text_file(spec_file), spec_file);
    if (dir.empty()) dir = std::filesystem::path(spec_file).stem().string() + ".sweep";
  } else {
    if (dir.empty()) throw InputError({"<command line>", 0, "-o"}, "give the sweep's folder");
    spec.file = "<command line>";
    spec.traces_at = {"<command line>", 0, "--trace"};
    if (trace.empty()) throw InputError(spec.traces_at, "give --trace");
    spec.traces = {trace};
    spec.arch = arch.file;
    spec.fixed = arch.overrides;
    for (const std::string& o : arch.overrides) spec.fixed_at.push_back({"-p " + o, 0, "-p"});
    for (const std::string& a : axes) {
      sweep::Axis axis = sweep::parse_axis_option(a);
      if (axis.kind == sweep::Axis::Kind::trace) spec.traces = {axis.values[0]};
      spec.axes.push_back(std::move(axis));
    }
    spec.metrics = metrics;
    for (const std::string& m : metrics)
      spec.metrics_at.push_back({"--metric " + m, 0, "--metric"});
    spec.objectives =
        objectives.empty() ? std::vector<std::string>{"cycles", "energy_pj"} : objectives;
    spec.objectives_at = {"<command line>", 0, "--objective"};
    spec.sampling_at = {"<command line>", 0, "sampling"};
    sweep::check_spec(spec);
  }
  // Every point is checked before anything is written or run.
  const sweep::Expansion expansion = sweep::expand_points(spec);
  prepare_folder(dir);
  const sweep::Plan plan = sweep::make_plan(spec, expansion, sweep::self_binary());
  sweep::write_plan(dir, plan);
  (void)sweep::collect(dir, plan, false);  // the rows of points an earlier run finished
  const std::vector<size_t> todo = sweep::pending_points(dir, plan);
  if (!quiet) {
    std::cout << plan.points.size() << " points";
    if (expansion.dropped > 0) std::cout << " (" << expansion.dropped << " dropped by constraints)";
    std::cout << ", " << plan.points.size() - todo.size() << " done before, " << todo.size()
              << " to run (" << engine << ")\n";
  }
  if (engine == "slurm") {
    if (todo.empty()) return finish(dir, plan, quiet);
    const std::string job = sweep::submit_slurm_array(dir, plan, todo, slurm);
    if (!quiet) std::cout << "submitted Slurm job " << job << "\n";
    if (slurm.wait) return finish(dir, plan, quiet);
    if (!quiet) std::cout << "when it has finished: tessera sweep collect " << dir << "\n";
    return 0;
  }
  if (engine == "parallel") {
    if (!todo.empty()) sweep::run_gnu_parallel(dir, plan, todo, jobs, sshloginfile);
  } else {
    sweep::run_local_pool(dir, plan, todo, jobs, quiet);
    return finish(dir, plan, quiet, cpu_seconds(RUSAGE_CHILDREN));
  }
  return finish(dir, plan, quiet);
}

}  // namespace

const Command sweep_command{
    "sweep",
    "tessera sweep SPEC.yaml [-o DIR] [--engine local|parallel|slurm] [--jobs N] [--quiet]\n"
    "                     [--sshloginfile FILE] [--partition P] [--time T] [--mem M]\n"
    "                     [--chunk-size N] [--wait]\n"
    "       tessera sweep --trace T.yaml [--arch FILE] [-p module.param=value]...\n"
    "                     --axis NAME=V1,V2,... [--axis ...] [--metric M]... [--objective M]...\n"
    "                     -o DIR [engine options as above]\n"
    "       tessera sweep collect DIR [--resubmit [--partition P] [--time T] [--mem M]\n"
    "                     [--chunk-size N] [--wait]] [--quiet]\n",
    sweep_main};

}  // namespace tessera::cli
