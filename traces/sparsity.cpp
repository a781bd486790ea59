#include "traces/sparsity.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include "sim/numbers.h"

namespace tessera {

double SparsitySpec::density() const {
  switch (kind) {
    case Kind::dense: return 1;
    case Kind::density: return kept;
    case Kind::hss: break;
  }
  double d = 1;
  for (const GH& r : ranks) d *= static_cast<double>(r.g) / static_cast<double>(r.h);
  return d;
}

int64_t SparsitySpec::block_span(size_t rank) const {
  int64_t span = 1;
  for (size_t i = 0; i <= rank && i < ranks.size(); ++i) span *= ranks[i].h;
  return span;
}

int64_t SparsitySpec::top_span() const {
  return kind == Kind::hss ? block_span(ranks.size() - 1) : 1;
}

int64_t SparsitySpec::kept_per_top_block() const {
  int64_t kept_values = 1;
  for (const GH& r : ranks) kept_values *= r.g;
  return kind == Kind::hss ? kept_values : 1;
}

std::string SparsitySpec::text() const {
  switch (kind) {
    case Kind::dense: return "dense";
    case Kind::density: {
      std::ostringstream s;
      s.imbue(std::locale::classic());
      s << "density:" << kept;
      return s.str();
    }
    case Kind::hss: break;
  }
  std::string s = "hss:";
  for (size_t i = 0; i < ranks.size(); ++i) {
    s += (i ? "," : "") + std::to_string(ranks[i].g) + ":" + std::to_string(ranks[i].h);
  }
  return s;
}

GH parse_gh(const std::string& text, const SourceLocation& where) {
  const size_t colon = text.find(':');
  const auto g = colon == std::string::npos ? std::nullopt : parse_int(text.substr(0, colon));
  const auto h = colon == std::string::npos ? std::nullopt : parse_int(text.substr(colon + 1));
  if (!g || !h) throw InputError(where, "'" + text + "' is not a pattern G:H (e.g. 2:4)");
  if (*h < 1 || *h > 64) {
    throw InputError(where, "pattern '" + text + "': H must be between 1 and 64");
  }
  if (*g < 1 || *g > *h) {
    throw InputError(where, "pattern '" + text + "' is impossible: G must be between 1 and H (" +
                                std::to_string(*h) + ")");
  }
  return {*g, *h};
}

void add_rank(SparsitySpec& spec, const GH& rank, const SourceLocation& where) {
  // top_span() <= kMaxBlockSpan and rank.h <= 64, so this product cannot overflow.
  const int64_t span = (spec.ranks.empty() ? 1 : spec.top_span()) * rank.h;
  if (span > kMaxBlockSpan) {
    throw InputError(where, "rank " + std::to_string(spec.ranks.size()) + " (" +
                                std::to_string(rank.g) + ":" + std::to_string(rank.h) +
                                ") makes blocks of " + std::to_string(span) +
                                " values: blocks larger than 2^20 values");
  }
  spec.ranks.push_back(rank);
}

SparsitySpec parse_sparsity_spec(const std::string& text, const SourceLocation& where) {
  SparsitySpec spec;
  if (text == "dense") return spec;
  const size_t colon = text.find(':');
  const std::string kind = colon == std::string::npos ? text : text.substr(0, colon);
  const std::string rest = colon == std::string::npos ? "" : text.substr(colon + 1);
  if (kind == "density") {
    const auto v = parse_real(rest);
    if (!v || *v <= 0 || *v > 1) {
      throw InputError(where, "'" + text + "': the density must be a number in (0, 1]");
    }
    spec.kind = SparsitySpec::Kind::density;
    spec.kept = *v;
    return spec;
  }
  if (kind == "hss" || kind == "nm") {
    spec.kind = SparsitySpec::Kind::hss;
    size_t start = 0;
    while (start <= rest.size()) {
      const size_t comma = rest.find(',', start);
      const size_t end = comma == std::string::npos ? rest.size() : comma;
      add_rank(spec, parse_gh(rest.substr(start, end - start), where), where);
      start = end + 1;
    }
    if (kind == "nm" && spec.ranks.size() != 1) {
      throw InputError(where, "'" + text + "': nm takes exactly one pattern N:M");
    }
    return spec;
  }
  throw InputError(where, "'" + text +
                              "' is not a sparsity spec (dense, hss:G:H[,G:H...], nm:G:H, "
                              "density:X)");
}

std::string sparsity_fit_problem(const SparsitySpec& spec, int64_t k) {
  if (spec.kind != SparsitySpec::Kind::hss) return "";
  for (size_t r = 0; r < spec.ranks.size(); ++r) {
    const int64_t span = spec.block_span(r);
    if (k % span != 0) {
      return "the reduction extent k = " + std::to_string(k) + " is not a multiple of the " +
             std::to_string(span) + "-value block of rank " + std::to_string(r) + " (" +
             spec.text() + ")";
    }
  }
  return "";
}

int64_t kept_before(const SparsitySpec& spec, int64_t x) {
  switch (spec.kind) {
    case SparsitySpec::Kind::dense: return x;
    case SparsitySpec::Kind::density:
      return static_cast<int64_t>(std::floor(static_cast<double>(x) * spec.kept + 0.5));
    case SparsitySpec::Kind::hss: break;
  }
  // Walk down from the top rank: whole blocks before x, then the partial block x falls in.
  const size_t top = spec.ranks.size() - 1;
  int64_t kept = (x / spec.top_span()) * spec.kept_per_top_block();
  int64_t rest = x % spec.top_span();
  for (size_t r = top + 1; r-- > 0;) {
    const int64_t sub_span = r == 0 ? 1 : spec.block_span(r - 1);
    int64_t sub_kept = 1;  // values kept per whole sub-block
    for (size_t i = 0; i < r; ++i) sub_kept *= spec.ranks[i].g;
    const int64_t whole = rest / sub_span;
    const int64_t g = spec.ranks[r].g;
    kept += std::min(whole, g) * sub_kept;
    if (whole >= g) return kept;  // the partial sub-block is a pruned one
    rest %= sub_span;
  }
  return kept;
}

int64_t most_kept(const SparsitySpec& spec, int64_t k0, int64_t k1) {
  if (spec.kind != SparsitySpec::Kind::hss) return kept_before(spec, k1) - kept_before(spec, k0);
  const int64_t span = spec.top_span(), per_block = spec.kept_per_top_block();
  const int64_t first = (k0 + span - 1) / span * span;    // first top-block boundary in the range
  const int64_t last = k1 / span * span;                  // last one
  if (first > last) return std::min(k1 - k0, per_block);  // inside one block
  return (last - first) / span * per_block + std::min(first - k0, per_block) +
         std::min(k1 - last, per_block);
}

}  // namespace tessera
