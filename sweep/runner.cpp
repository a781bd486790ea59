#include "sweep/runner.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/atomic_file.h"
#include "sim/numbers.h"
#include "sim/text_format.h"
#include "sweep/metrics.h"
#include "sweep/process.h"
#include "traces/text_file.h"

namespace tessera::sweep {
namespace {

using json = nlohmann::ordered_json;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The run's own message: the last line it wrote on stderr (tessera prints its one error last).
std::string last_line(const std::string& text) {
  size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return "";
  const size_t start = text.rfind('\n', end);
  return printable(text.substr(start == std::string::npos ? 0 : start + 1,
                               end - (start == std::string::npos ? 0 : start + 1) + 1));
}

}  // namespace

pid_t start_point(const Plan& plan, const PlanPoint& point, const std::string& dir) {
  std::vector<std::string> args{plan.binary};
  args.insert(args.end(), point.args.begin(), point.args.end());
  args.insert(args.end(), {"--json", point_file(dir, point.id, ".json")});
  return start_process(args, "/dev/null", point_file(dir, point.id, ".stderr"), "binary");
}

json record_point(const Plan& plan, const PlanPoint& point, const std::string& dir,
                  int wait_status) {
  const std::string stderr_file = point_file(dir, point.id, ".stderr");
  json out;
  out["id"] = point.id;
  out["status"] = "ok";
  out["exit_code"] = exit_code(wait_status);
  out["error"] = "";
  out["metrics"] = json::object();
  if (out["exit_code"] != 0) {
    out["status"] = "failed";
    const std::string message = last_line(slurp(stderr_file));
    out["error"] = !message.empty() ? message
                   : WIFSIGNALED(wait_status)
                       ? "killed by signal " + std::to_string(WTERMSIG(wait_status))
                       : "exit code " + std::to_string(exit_code(wait_status));
  } else {
    std::error_code ignored;
    std::filesystem::remove(stderr_file, ignored);
    const std::string report_file = point_file(dir, point.id, ".json");
    nlohmann::json report;
    try {
      report = nlohmann::json::parse(slurp(report_file));
    } catch (const nlohmann::json::exception&) {
      out["status"] = "failed";
      out["error"] = "the run's report " + report_file + " is missing or not JSON";
    }
    for (const std::string& m : plan.metrics) {
      if (out["status"] != "ok") break;
      const auto v = metric_value(report, m);
      if (!v) {
        out["status"] = "failed";
        out["error"] = "the run's report has no metric '" + m + "'";
        break;
      }
      out["metrics"][m] = *v;
    }
    for (const MetricBound& b : plan.bounds) {
      if (out["status"] != "ok") break;
      const auto v = metric_value(report, b.metric);
      if (!v) {
        out["status"] = "failed";
        out["error"] = "the run's report has no metric '" + b.metric + "'";
        break;
      }
      const double x = v->get<double>();
      if ((b.min && x < *b.min) || (b.max && x > *b.max)) {
        out["status"] = "rejected";
        out["error"] = b.metric + " = " + shortest_text(x) + " is outside the constraint" +
                       (b.min ? " min " + shortest_text(*b.min) : "") +
                       (b.max ? " max " + shortest_text(*b.max) : "");
      }
    }
    if (out["status"] == "failed") out["metrics"] = json::object();
  }
  write_file_atomically(point_file(dir, point.id, ".row.json"), out.dump() + "\n");
  return out;
}

json run_point(const Plan& plan, const PlanPoint& point, const std::string& dir) {
  pid_t pid = start_point(plan, point, dir);
  const int status = wait_process(pid);
  return record_point(plan, point, dir, status);
}

json read_outcome(const std::string& dir, const std::string& id) {
  const std::string file = point_file(dir, id, ".row.json");
  std::ifstream in(file, std::ios::binary);
  if (!in) return nullptr;
  try {
    return json::parse(in);
  } catch (const nlohmann::json::exception&) {
    return nullptr;  // written atomically, so only someone else's file: run the point again
  }
}

}  // namespace tessera::sweep
