#include "traces/predictions/candidates_csv.h"

#include <map>

#include "sim/error.h"
#include "sim/numbers.h"
#include "traces/predictions/prediction_text.h"
#include "traces/text_file.h"

namespace tessera {
namespace {

enum Column : size_t { kLayer, kM, kN, kK, kOrder, kCycles, kDataflow };
// All but the last are required.
const std::vector<const char*> kColumns{"layer", "m", "n", "k", "loop_order", "cycles", "dataflow"};

int64_t tile_size(const std::string& text, const SourceLocation& where) {
  const std::optional<int64_t> v = parse_int(text);
  if (!v || *v < 1) throw InputError(where, "'" + text + "' is not a whole number >= 1");
  return *v;
}

LoopOrder loop_order(const std::string& text, const SourceLocation& where) {
  LoopOrder order{};
  std::string seen;
  for (const char c : text) {
    const size_t i = seen.size();
    if (i == 3 || (c != 'm' && c != 'n' && c != 'k') || seen.find(c) != std::string::npos) {
      seen = "bad";
      break;
    }
    order[i] = c == 'm' ? GemmDim::m : c == 'n' ? GemmDim::n : GemmDim::k;
    seen += c;
  }
  if (seen.size() != 3 || seen == "bad") {
    throw InputError(where, "'" + text + "' is not an order of m, n and k, outermost first");
  }
  return order;
}

}  // namespace

CandidatesFile parse_candidates_csv(const std::string& text, const std::string& file) {
  CandidatesFile out;
  out.file = file;
  for (const auto& r : prediction_detail::read_named_csv(text, file, kColumns, kDataflow)) {
    const auto field = [&](Column c) -> const std::string& { return *r.fields[c]; };
    const auto at = [&](Column c) { return SourceLocation{file, r.line, kColumns[c]}; };
    CandidateRow row;
    row.line = r.line;
    row.layer = field(kLayer);
    if (row.layer.empty()) throw InputError(at(kLayer), "missing layer name");
    row.tile = {tile_size(field(kM), at(kM)), tile_size(field(kN), at(kN)),
                tile_size(field(kK), at(kK))};
    row.order = loop_order(field(kOrder), at(kOrder));
    if (r.fields[kDataflow] && !field(kDataflow).empty()) {
      row.dataflow = parse_dataflow(field(kDataflow));
      if (!row.dataflow) throw InputError(at(kDataflow), "expected ws, os or is");
    }
    row.cycles = prediction_detail::non_negative(field(kCycles), at(kCycles));
    out.rows.push_back(std::move(row));
  }
  return out;
}

CandidatesFile read_candidates_csv(const std::string& path) {
  return parse_candidates_csv(read_text_file(path, "candidates"), path);
}

std::vector<std::vector<CandidateRow>> candidates_by_layer(const CandidatesFile& f,
                                                           const Trace& trace) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < trace.layers.size(); ++i) index.emplace(trace.layers[i].name, i);
  std::vector<std::vector<CandidateRow>> out(trace.layers.size());
  for (const CandidateRow& row : f.rows) {
    const auto it = index.find(row.layer);
    if (it == index.end()) {
      throw InputError({f.file, row.line, "layer"},
                       "no layer '" + row.layer + "' in the trace " + trace.file);
    }
    const GemmExtents g = trace.layers[it->second].gemm();
    for (size_t d = 0; d < 3; ++d) {
      if (row.tile[d] > g[d]) {
        throw InputError({f.file, row.line, kColumns[kM + d]},
                         "tile size " + std::to_string(row.tile[d]) + " is beyond layer '" +
                             row.layer + "''s extent " + std::to_string(g[d]));
      }
    }
    out[it->second].push_back(row);
  }
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].empty()) {
      throw InputError({f.file, 0, "layer"},
                       "no candidate for layer '" + trace.layers[i].name + "' of " + trace.file);
    }
  }
  return out;
}

}  // namespace tessera
