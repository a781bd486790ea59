#include "sweep/results.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "sim/atomic_file.h"
#include "sim/text_format.h"
#include "sweep/pareto.h"
#include "sweep/runner.h"

namespace tessera::sweep {
namespace {

using json = nlohmann::ordered_json;

std::vector<std::string> header(const Plan& plan) {
  std::vector<std::string> h = plan.columns;
  h.emplace_back("status");
  h.insert(h.end(), plan.metrics.begin(), plan.metrics.end());
  h.insert(h.end(), {"pareto", "exit_code", "error", "id"});
  return h;
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) line += (i ? "," : "") + csv_field(fields[i]);
  return line + "\n";
}

// A value as the JSON rows give it: a number when its text is one, otherwise a string.
json typed(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("0123456789.-+eE") == std::string::npos) {
    try {
      return json::parse(text);
    } catch (const json::exception&) {
    }
  }
  return text;
}

// "1" on the front, "0" off it, "" when the point is not ok or the front is not computed.
std::string pareto_text(const std::optional<bool>& on_front) {
  return on_front ? (*on_front ? "1" : "0") : "";
}

std::string csv_row(const Plan& plan, const PlanPoint& p, const json& outcome,
                    const std::optional<bool>& on_front) {
  std::vector<std::string> f = p.values;
  f.push_back(outcome.at("status").get<std::string>());
  for (const std::string& m : plan.metrics) {
    const auto it = outcome.at("metrics").find(m);
    f.push_back(it == outcome.at("metrics").end() ? "" : it->dump());
  }
  f.insert(f.end(), {pareto_text(on_front), std::to_string(outcome.at("exit_code").get<int>()),
                     outcome.at("error").get<std::string>(), p.id});
  return csv_line(f);
}

std::string json_row(const Plan& plan, const PlanPoint& p, const json& outcome,
                     const std::optional<bool>& on_front) {
  json row;
  for (size_t i = 0; i < plan.columns.size(); ++i) row[plan.columns[i]] = typed(p.values[i]);
  row["status"] = outcome.at("status");
  for (const std::string& m : plan.metrics) {
    const auto it = outcome.at("metrics").find(m);
    row[m] = it == outcome.at("metrics").end() ? json(nullptr) : *it;
  }
  row["pareto"] = on_front ? json(*on_front) : json(nullptr);
  row["exit_code"] = outcome.at("exit_code");
  row["error"] = outcome.at("error");
  row["id"] = p.id;
  return row.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

int open_append(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) {
    throw InputError({path, 0, "output"}, std::string("cannot append: ") + std::strerror(errno));
  }
  return fd;
}

// One write per row: with O_APPEND, the row lands whole at the end of the file.
void write_whole(int fd, const std::string& text, const std::string& what) {
  const ssize_t n = ::write(fd, text.data(), text.size());
  if (n != static_cast<ssize_t>(text.size())) {
    throw InputError({what, 0, "output"}, "cannot append a row");
  }
}

bool usable(const json& outcome) {
  return outcome.is_object() && outcome.contains("status") && outcome.contains("metrics") &&
         outcome.contains("exit_code") && outcome.contains("error");
}

}  // namespace

ResultAppender::ResultAppender(const std::string& dir, const Plan& plan)
    : plan_(plan),
      csv_(open_append(dir + "/results.csv")),
      jsonl_(open_append(dir + "/results.jsonl")) {}

ResultAppender::~ResultAppender() {
  ::close(csv_);
  ::close(jsonl_);
}

void ResultAppender::append(const PlanPoint& point, const json& outcome) {
  write_whole(csv_, csv_row(plan_, point, outcome, std::nullopt), "results.csv");
  write_whole(jsonl_, json_row(plan_, point, outcome, std::nullopt), "results.jsonl");
}

Collected collect(const std::string& dir, const Plan& plan, bool plot) {
  Collected c;
  // First pass: the objectives of the ok points, for the front (two numbers per point).
  std::vector<std::vector<double>> values;
  std::vector<size_t> ok_points;
  for (size_t i = 0; i < plan.points.size(); ++i) {
    const json outcome = read_outcome(dir, plan.points[i].id);
    if (!usable(outcome)) {
      ++c.missing;
      c.missing_points.push_back(i);
      continue;
    }
    const std::string status = outcome.at("status").get<std::string>();
    if (status == "failed") {
      ++c.failed;
      c.failed_points.push_back(i);
    } else if (status == "rejected") {
      ++c.rejected;
    } else {
      ++c.ok;
      std::vector<double> v;
      for (const std::string& o : plan.objectives)
        v.push_back(outcome.at("metrics").at(o).get<double>());
      values.push_back(std::move(v));
      ok_points.push_back(i);
    }
  }
  const std::vector<bool> front = pareto_front(values);
  // Second pass: the rows, in plan order.
  AtomicFile csv(dir + "/results.csv"), jsonl(dir + "/results.jsonl");
  csv.append(csv_line(header(plan)));
  size_t k = 0;
  for (size_t i = 0; i < plan.points.size(); ++i) {
    const json outcome = read_outcome(dir, plan.points[i].id);
    if (!usable(outcome)) continue;
    std::optional<bool> on_front;
    if (k < ok_points.size() && ok_points[k] == i) on_front = front[k++];
    csv.append(csv_row(plan, plan.points[i], outcome, on_front));
    jsonl.append(json_row(plan, plan.points[i], outcome, on_front));
  }
  csv.commit();
  jsonl.commit();
  if (!plot) return c;
  if (plan.objectives.size() != 2) {
    c.plot = "no Pareto plot: it needs two objectives";
  } else if (values.empty()) {
    c.plot = "no Pareto plot: no point finished ok";
  } else {
    plot_pareto(dir, plan.objectives, values, front);
    c.plot = dir + "/pareto.png";
  }
  return c;
}

std::string collected_text(const std::string& dir, const Plan& plan, const Collected& c) {
  std::string text = std::to_string(plan.points.size()) + " points: " + std::to_string(c.ok) +
                     " ok, " + std::to_string(c.rejected) + " rejected by a metric constraint, " +
                     std::to_string(c.failed) + " failed, " + std::to_string(c.missing) +
                     " missing\n";
  constexpr size_t kShown = 10;
  for (const auto& [what, list] :
       {std::pair{"failed", &c.failed_points}, std::pair{"missing", &c.missing_points}}) {
    for (size_t k = 0; k < list->size() && k < kShown; ++k) {
      const PlanPoint& p = plan.points[(*list)[k]];
      std::string desc;
      for (size_t i = 0; i < plan.columns.size(); ++i) {
        desc += (i ? " " : "") + plan.columns[i] + "=" + p.values[i];
      }
      text += std::string("  ") + what + " " + p.id + "  " + desc;
      if (std::string(what) == "failed") {
        const json outcome = read_outcome(dir, p.id);
        if (usable(outcome)) text += "  " + outcome.at("error").get<std::string>();
      }
      text += "\n";
    }
    if (list->size() > kShown) {
      text += "  ... and " + std::to_string(list->size() - kShown) + " more " + what + "\n";
    }
  }
  return text;
}

}  // namespace tessera::sweep
