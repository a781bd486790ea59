#include "secure/secure_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <unordered_map>
#include <utility>

#include "plan/analytical_model.h"
#include "plan/loop_nest.h"
#include "secure/block_traffic.h"
#include "secure/secure_schedule.h"
#include "sim/error.h"
#include "sim/numbers.h"

namespace tessera {

namespace {

constexpr int64_t kAesBytes = 16;  // one AES operation's data
constexpr size_t kIn = 0, kWeights = 1, kOut = 2;
// Under the latency objective energy only breaks ties of cycles: a microjoule weighs 1e-4
// cycles, so a layer's few hundred microjoules never outweigh one cycle.
constexpr double kTieBreakCyclesPerPicojoule = 1e-4 * 1e-6;

// One block size of one tensor under one candidate: its traffic and the engines' work for it.
struct TensorOption {
  int64_t words = Security::kTileBlocks;
  BlockTraffic traffic;
  double engine_cycles = 0;  // on one engine
  double aes_ops = 0, gf_ops = 0;
};

struct Candidate {
  TilePlan plan;
  int64_t compute = 0;                             // max(compute, buffer) of one group
  int64_t dram_bytes = 0;                          // the loop nest's bytes of one group
  double energy_pj = 0;                            // of one group's counted actions, crypto aside
  std::array<int64_t, kNumTensors> tile_blocks{};  // tile blocks per tensor (one group)
  std::array<std::vector<TensorOption>, kNumTensors> options;  // weights: the cheapest only
};

// Messages of `bytes` over `messages` blocks: the engine cycles and operations they take.
void add_messages(const EngineKind& k, int64_t messages, int64_t bytes, TensorOption& o) {
  if (messages <= 0 || bytes <= 0) return;
  const auto per_message =
      static_cast<uint64_t>(ceil_div(ceil_div(bytes, messages), kAesBytes));  // data blocks
  const auto m = static_cast<double>(messages);
  o.engine_cycles += m * static_cast<double>(message_cycles(k, per_message));
  o.aes_ops += m * static_cast<double>(per_message + 1);
  o.gf_ops += m * static_cast<double>(per_message + 1);
}

TensorOption price_option(const EngineKind& kind, int64_t tag_bytes, int64_t words,
                          const BlockTraffic& t) {
  TensorOption o;
  o.words = words;
  o.traffic = t;
  const int64_t reads = t.tag_read / tag_bytes, writes = t.tag_write / tag_bytes;
  add_messages(kind, reads, t.block_read, o);
  add_messages(kind, writes, t.block_write, o);
  // Partly written blocks are read and verified first: messages of the written blocks' size.
  if (writes > 0 && t.rmw_read > 0) {
    add_messages(kind, ceil_div(t.rmw_read * writes, t.block_write), t.rmw_read, o);
  }
  return o;
}

// The cheapest option by extra bytes, then engine time.
size_t cheapest(const std::vector<TensorOption>& options) {
  size_t best = 0;
  for (size_t i = 1; i < options.size(); ++i) {
    const auto& a = options[i];
    const auto& b = options[best];
    if (a.traffic.extra() < b.traffic.extra() ||
        (a.traffic.extra() == b.traffic.extra() && a.engine_cycles < b.engine_cycles)) {
      best = i;
    }
  }
  return best;
}

// Block traffic is linear in each box's reads and writes, and the same boxes recur under every
// loop order and in neighbouring tiles: each (box, size) is counted once, for one read and one
// write (only as it is moved), and scaled.
class BoxTraffic {
 public:
  BlockTraffic traffic(const Layer& layer, const TensorTransfers& t, int64_t words,
                       int64_t tag_bytes) {
    BlockTraffic sum;
    for (const TensorTransfers::Moves& m : t.boxes) {
      std::array<int64_t, 14> key{};
      for (size_t d = 0; d < 4; ++d) {
        key[d] = m.box.shape[d];
        key[4 + d] = m.box.lo[d];
        key[8 + d] = m.box.hi[d];
      }
      key[12] = words;
      for (const bool write : {false, true}) {
        const int64_t times = write ? m.writes : m.reads;
        if (times == 0) continue;
        key[13] = write ? 1 : 0;
        auto it = cache_.find(key);
        if (it == cache_.end()) {
          const TensorTransfers one{t.tensor, {{m.box, write ? 0 : 1, write ? 1 : 0}}};
          it = cache_.emplace(key, block_traffic(layer, one, words, tag_bytes)).first;
        }
        add_scaled(sum, it->second, times);
      }
    }
    return sum;
  }

 private:
  static void add_scaled(BlockTraffic& sum, const BlockTraffic& x, int64_t k) {
    sum.requested_read += k * x.requested_read;
    sum.block_read += k * x.block_read;
    sum.rmw_read += k * x.rmw_read;
    sum.requested_write += k * x.requested_write;
    sum.block_write += k * x.block_write;
    sum.tag_read += k * x.tag_read;
    sum.tag_write += k * x.tag_write;
  }
  using Key = std::array<int64_t, 14>;  // box shape, lo, hi; size; written
  struct KeyHash {
    size_t operator()(const Key& k) const {
      uint64_t h = 1469598103934665603ULL;  // FNV-1a over the words
      for (const int64_t v : k) h = (h ^ static_cast<uint64_t>(v)) * 1099511628211ULL;
      return static_cast<size_t>(h);
    }
  };
  std::unordered_map<Key, BlockTraffic, KeyHash> cache_;
};

// What the search knows of one layer.
struct LayerSpace {
  const Layer* layer = nullptr;
  Layer slice;  // one group
  int64_t groups = 1;
  std::vector<Candidate> candidates;  // the kept ones
};

struct State {
  size_t candidate = 0, in = 0, out = 0;  // indices into the candidate and its options
};

struct Costs {
  int64_t dram_bytes = 0, extra_bytes = 0;
  int64_t compute = 0, dram = 0, crypto = 0, cycles = 0;
  double energy_pj = 0;
};

class Pricer {
 public:
  Pricer(const ArchitectureFacts& facts, const CryptoSetup& crypto, const EnergyPrices& prices,
         bool with_crypto)
      : facts_(facts), crypto_(crypto), prices_(prices), with_crypto_(with_crypto) {}

  // Cycles one picojoule weighs in the objective.
  void set_energy_weight(double cycles_per_pj) { energy_weight_ = cycles_per_pj; }
  [[nodiscard]] double objective(int64_t cycles, double energy_pj) const {
    return static_cast<double>(cycles) + energy_weight_ * energy_pj;
  }

  Costs costs(const LayerSpace& s, const State& st) const {
    const Candidate& c = s.candidates[st.candidate];
    const std::array<const TensorOption*, kNumTensors> t{
        &c.options[kIn][st.in], &c.options[kWeights][0], &c.options[kOut][st.out]};
    Costs r;
    const int64_t g = s.groups;
    int64_t extra = 0, extra_read = 0;
    double engine_total = 0, engine_max = 0, aes = 0, gf = 0;
    int64_t engines_total = 0;
    for (size_t i = 0; i < kNumTensors; ++i) {
      const BlockTraffic& b = t[i]->traffic;
      extra += b.extra();
      extra_read += b.block_read - b.requested_read + b.rmw_read + b.tag_read;
      engine_total += t[i]->engine_cycles;
      engines_total += crypto_.engines[i];
      engine_max = std::max(engine_max, t[i]->engine_cycles / static_cast<double>(std::max<int64_t>(
                                                                  1, crypto_.engines[i])));
      aes += t[i]->aes_ops;
      gf += t[i]->gf_ops;
    }
    r.extra_bytes = g * extra;
    r.dram_bytes = g * c.dram_bytes + r.extra_bytes;
    r.compute = g * c.compute;
    r.dram = model::transfer_cycles(r.dram_bytes, facts_.dram_bytes_per_cycle);
    const double engine =
        crypto_.shared ? engine_total / static_cast<double>(std::max<int64_t>(1, engines_total))
                       : engine_max;
    r.crypto = static_cast<int64_t>(std::ceil(static_cast<double>(g) * engine));
    r.cycles = std::max({r.compute, r.dram, r.crypto});
    r.energy_pj = static_cast<double>(g) *
                  (c.energy_pj + static_cast<double>(extra_read) * prices_.dram_read_byte +
                   static_cast<double>(extra - extra_read) * prices_.dram_write_byte +
                   aes * prices_.aes_block + gf * prices_.gf_multiply);
    return r;
  }

  // What ranks candidates: with crypto, the objective of the layer's cycles and energy;
  // without, max(compute, DRAM) of the loop nest's bytes alone.
  [[nodiscard]] double rank_cost(const LayerSpace& s, const State& st) const {
    if (with_crypto_) {
      const Costs c = costs(s, st);
      return objective(c.cycles, c.energy_pj);
    }
    const Candidate& c = s.candidates[st.candidate];
    return static_cast<double>(
        std::max(s.groups * c.compute,
                 model::transfer_cycles(s.groups * c.dram_bytes, facts_.dram_bytes_per_cycle)));
  }

  // Re-encrypting a tensor of `elements` from one layout to another (blocks: how many each
  // layout cuts it into): the DRAM bytes, and max(DRAM time, engine time) on the engines that
  // serve inputs (all engines when shared), as the consumer's re-encryption pass runs it.
  [[nodiscard]] std::pair<int64_t, int64_t> reencryption(int64_t data_bytes, int64_t from_blocks,
                                                         int64_t to_blocks) const {
    const int64_t bytes = 2 * data_bytes + (from_blocks + to_blocks) * crypto_.tag_bytes;
    TensorOption work;
    add_messages(*crypto_.kind, from_blocks, data_bytes, work);
    add_messages(*crypto_.kind, to_blocks, data_bytes, work);
    const int64_t engines = crypto_.shared
                                ? crypto_.engines[0] + crypto_.engines[1] + crypto_.engines[2]
                                : crypto_.engines[kIn];
    const auto engine = static_cast<int64_t>(
        std::ceil(work.engine_cycles / static_cast<double>(std::max<int64_t>(1, engines))));
    return {bytes, std::max(model::transfer_cycles(bytes, facts_.dram_bytes_per_cycle), engine)};
  }

  [[nodiscard]] double reencryption_energy(int64_t data_bytes, int64_t from_blocks,
                                           int64_t to_blocks) const {
    TensorOption work;
    add_messages(*crypto_.kind, from_blocks, data_bytes, work);
    add_messages(*crypto_.kind, to_blocks, data_bytes, work);
    const auto read = static_cast<double>(data_bytes + from_blocks * crypto_.tag_bytes);
    const auto written = static_cast<double>(data_bytes + to_blocks * crypto_.tag_bytes);
    return read * prices_.dram_read_byte + written * prices_.dram_write_byte +
           work.aes_ops * prices_.aes_block + work.gf_ops * prices_.gf_multiply;
  }

  [[nodiscard]] double actions_energy(const model::Actions& a) const {
    return static_cast<double>(a.macs) * prices_.mac +
           static_cast<double>(a.idle_pe_cycles) * prices_.idle_pe_cycle +
           static_cast<double>(a.buffer_read_words) * prices_.buffer_read_word +
           static_cast<double>(a.buffer_write_words) * prices_.buffer_write_word +
           static_cast<double>(a.dram_read_bytes) * prices_.dram_read_byte +
           static_cast<double>(a.dram_write_bytes) * prices_.dram_write_byte;
  }

  [[nodiscard]] const ArchitectureFacts& facts() const { return facts_; }
  [[nodiscard]] const CryptoSetup& crypto() const { return crypto_; }

 private:
  const ArchitectureFacts& facts_;
  const CryptoSetup& crypto_;
  const EnergyPrices& prices_;
  bool with_crypto_;
  double energy_weight_ = kTieBreakCyclesPerPicojoule;
};

int64_t data_bytes(int64_t elements, int bits) {
  return ceil_div(elements * bits, 8);
}

// A tensor's layout between two layers: a block size, or tile blocks of one candidate.
struct Layout {
  int64_t words = Security::kTileBlocks;
  size_t candidate = 0;  // meaningful for tile blocks only
  bool operator<(const Layout& o) const {
    if (words != o.words) return words < o.words;
    return words == Security::kTileBlocks && candidate < o.candidate;
  }
};

// A tiling's counted part: its compute, loop-nest DRAM bytes and energy, before any blocks.
Candidate counted_candidate(const LayerSpace& s, const TilePlan& plan, const Pricer& pricer) {
  Candidate c;
  c.plan = plan;
  // Each fold's fill and drain counted: the array does spend them.
  model::Options options;
  options.fill_drain = true;
  const model::LayerEstimate e = model::estimate_layer(s.slice, plan, pricer.facts(), options);
  for (const model::LevelCycles& l : e.levels) {
    if (l.level == "compute" || l.level == "buffer") c.compute = std::max(c.compute, l.cycles);
  }
  c.dram_bytes = e.actions.dram_read_bytes + e.actions.dram_write_bytes;
  c.energy_pj = pricer.actions_energy(e.actions);
  return c;
}

// Every block size of every tensor of a tiling, priced; the weights keep only their cheapest.
void price_blocks(const LayerSpace& s, Candidate& c, const CryptoSetup& crypto, BoxTraffic& boxes) {
  for (const TensorTransfers& t : layer_transfers(s.slice, c.plan)) {
    const size_t i = tensor_index(t.tensor);
    c.tile_blocks[i] = static_cast<int64_t>(t.boxes.size());
    if (t.boxes.empty()) {
      c.options[i].push_back({});
      continue;
    }
    for (const int64_t w : auth_block_sizes(s.slice, t)) {
      c.options[i].push_back(price_option(*crypto.kind, crypto.tag_bytes, w,
                                          boxes.traffic(s.slice, t, w, crypto.tag_bytes)));
    }
  }
  const size_t w = cheapest(c.options[kWeights]);
  c.options[kWeights] = {c.options[kWeights][w]};
}

// The tilings the search considers for a layer: the tiler's best tiles, each under every loop
// order (the trace's tile or order when it gives one). The baseline takes the tiler's pick alone.
std::vector<TilePlan> tilings(const LayerSpace& s, const ArchitectureFacts& facts,
                              const std::string& file, bool baseline) {
  std::vector<TilePlan> plans;
  for (const RankedPlan& r : ranked_plans(s.slice, facts, file, baseline ? 1 : kPoolTiles)) {
    if (baseline || s.slice.mapping.loop_order || s.slice.mapping.buffer_tile) {
      plans.push_back(r.plan);
      continue;
    }
    for (const LoopOrder& o : kLoopOrders) {
      TilePlan p = r.plan;
      p.order = o;
      plans.push_back(p);
    }
  }
  return plans;
}

// The state of a candidate that is best for the layer alone.
State best_state(const LayerSpace& s, size_t candidate, const Pricer& pricer) {
  State best{candidate, 0, 0};
  double best_cost = std::numeric_limits<double>::infinity();
  const Candidate& c = s.candidates[candidate];
  for (size_t in = 0; in < c.options[kIn].size(); ++in) {
    for (size_t out = 0; out < c.options[kOut].size(); ++out) {
      const State st{candidate, in, out};
      const double cost = pricer.rank_cost(s, st);
      if (cost < best_cost) best_cost = cost, best = st;
    }
  }
  return best;
}

}  // namespace

const char* to_string(Objective o) {
  return o == Objective::edp ? "edp" : "latency";
}

const char* to_string(SearchMode m) {
  switch (m) {
    case SearchMode::baseline: return "baseline";
    case SearchMode::per_layer: return "per-layer";
    case SearchMode::cross_layer: return "cross-layer";
  }
  return "?";
}

int64_t SearchResult::total_cycles() const {
  int64_t sum = 0;
  for (const LayerSchedule& l : layers) sum += l.cycles + l.reencryption_cycles;
  return sum;
}

double SearchResult::total_energy_pj() const {
  double sum = 0;
  for (const LayerSchedule& l : layers) sum += l.energy_pj + l.reencryption_energy_pj;
  return sum;
}

double ChoiceProblem::total(const std::vector<size_t>& states) const {
  double sum = 0;
  for (size_t i = 0; i < layers.size(); ++i) {
    const Choice& c = layers[i];
    sum += c.cost[states[i]];
    if (c.producer >= 0) {
      const auto p = static_cast<size_t>(c.producer);
      sum += c.link[layers[p].out_key[states[p]]][c.in_key[states[i]]];
    }
  }
  return sum;
}

bool ChoiceProblem::is_chain() const {
  std::vector<int> consumers(layers.size(), 0);
  for (const Choice& c : layers) {
    if (c.producer >= 0 && ++consumers[static_cast<size_t>(c.producer)] > 1) return false;
  }
  return true;
}

std::vector<size_t> chain_optimum(const ChoiceProblem& p) {
  const size_t n = p.layers.size();
  // f[i][s]: the cheapest cost of layer i in state s with everything upstream of it.
  std::vector<std::vector<double>> f(n);
  // For each consumer and in key, the producer's out key that gives it; for each producer and
  // out key, its best state.
  std::vector<std::vector<size_t>> via_key(n), best_of_key(n);
  std::vector<std::vector<double>> g(n);  // g[i][out key] = min f[i][s] over states with it
  for (size_t i = 0; i < n; ++i) {
    const ChoiceProblem::Choice& c = p.layers[i];
    f[i] = c.cost;
    if (c.producer >= 0) {
      const auto pr = static_cast<size_t>(c.producer);
      const size_t in_keys = c.link.empty() ? 0 : c.link.front().size();
      std::vector<double> h(in_keys, std::numeric_limits<double>::infinity());
      via_key[i].assign(in_keys, 0);
      for (size_t ka = 0; ka < g[pr].size(); ++ka) {
        for (size_t kb = 0; kb < in_keys; ++kb) {
          const double v = g[pr][ka] + c.link[ka][kb];
          if (v < h[kb]) h[kb] = v, via_key[i][kb] = ka;
        }
      }
      for (size_t s = 0; s < f[i].size(); ++s) f[i][s] += h[c.in_key[s]];
    }
    size_t keys = 0;
    for (const size_t k : c.out_key) keys = std::max(keys, k + 1);
    g[i].assign(keys, std::numeric_limits<double>::infinity());
    best_of_key[i].assign(keys, 0);
    for (size_t s = 0; s < f[i].size(); ++s) {
      if (f[i][s] < g[i][c.out_key[s]])
        g[i][c.out_key[s]] = f[i][s], best_of_key[i][c.out_key[s]] = s;
    }
  }
  std::vector<bool> consumed(n, false);
  for (const auto& c : p.layers) {
    if (c.producer >= 0) consumed[static_cast<size_t>(c.producer)] = true;
  }
  std::vector<size_t> states(n, 0);
  // From each chain's end back to its start (ends come after their producers).
  for (size_t i = n; i-- > 0;) {
    if (consumed[i]) continue;
    size_t s = static_cast<size_t>(std::min_element(f[i].begin(), f[i].end()) - f[i].begin());
    size_t at = i;
    while (true) {
      states[at] = s;
      const ChoiceProblem::Choice& c = p.layers[at];
      if (c.producer < 0) break;
      const auto pr = static_cast<size_t>(c.producer);
      s = best_of_key[pr][via_key[at][c.in_key[s]]];
      at = pr;
    }
  }
  return states;
}

std::vector<size_t> anneal(const ChoiceProblem& p, std::vector<size_t> start, uint64_t seed,
                           int64_t steps) {
  const size_t n = p.layers.size();
  std::vector<std::vector<size_t>> consumers(n);
  for (size_t i = 0; i < n; ++i) {
    if (p.layers[i].producer >= 0)
      consumers[static_cast<size_t>(p.layers[i].producer)].push_back(i);
  }
  // The cost that depends on layer i's state: its own and its links.
  auto local = [&](const std::vector<size_t>& st, size_t i, size_t s) {
    const ChoiceProblem::Choice& c = p.layers[i];
    double v = c.cost[s];
    if (c.producer >= 0) {
      const auto pr = static_cast<size_t>(c.producer);
      v += c.link[p.layers[pr].out_key[st[pr]]][c.in_key[s]];
    }
    for (const size_t k : consumers[i]) {
      const ChoiceProblem::Choice& ck = p.layers[k];
      v += ck.link[c.out_key[s]][ck.in_key[st[k]]];
    }
    return v;
  };
  std::vector<size_t> st = std::move(start), best = st;
  double current = p.total(st), best_total = current;
  if (n == 0 || steps <= 0) return best;
  // The starting temperature accepts a move 1% of a layer's mean cost worse about a third of
  // the time; it cools a thousandfold over the run.
  const double t0 = 0.01 * current / static_cast<double>(n) + 1e-9;
  const double cooling = std::pow(1e-3, 1.0 / static_cast<double>(steps));
  double t = t0;
  std::mt19937_64 rng(seed);
  auto uniform = [&]() { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  for (int64_t step = 0; step < steps; ++step, t *= cooling) {
    const size_t i = rng() % n;
    const size_t states = p.layers[i].cost.size();
    if (states < 2) continue;
    const size_t s = rng() % states;
    if (s == st[i]) continue;
    const double delta = local(st, i, s) - local(st, i, st[i]);
    if (delta <= 0 || uniform() < std::exp(-delta / t)) {
      st[i] = s;
      current += delta;
      if (current < best_total - 1e-9) best_total = current, best = st;
    }
  }
  return best;
}

namespace {

// The EDP objective's weight: minimising cycles + w * energy with w = C / E, the cycles and
// energy of the tiler's own schedule (each layer's pick with its best blocks), is minimising
// the first-order change of EDP = C * E around that schedule (dEDP / EDP = dC / C + dE / E).
double edp_weight(const Trace& trace, const Pricer& pricer) {
  double cycles = 0, energy = 0;
  std::map<PlanKey, std::pair<int64_t, double>> done;
  for (const Layer& layer : trace.layers) {
    if (layer.sparse || layer.vector) continue;
    PlanKey key = plan_key(layer);
    auto it = done.find(key);
    if (it == done.end()) {
      LayerSpace s;
      s.slice = layer.group_slice();
      s.groups = layer.shape.groups;
      BoxTraffic boxes;
      s.candidates.push_back(counted_candidate(
          s, ranked_plans(s.slice, pricer.facts(), trace.file, 1).front().plan, pricer));
      price_blocks(s, s.candidates.back(), pricer.crypto(), boxes);
      const Costs c = pricer.costs(s, best_state(s, 0, pricer));
      it = done.emplace(std::move(key), std::pair{c.cycles, c.energy_pj}).first;
    }
    cycles += static_cast<double>(it->second.first);
    energy += it->second.second;
  }
  return energy > 0 ? cycles / energy : kTieBreakCyclesPerPicojoule;
}

}  // namespace

SearchResult search_secure_schedule(const Trace& trace, const ArchitectureFacts& facts,
                                    const CryptoSetup& crypto, const EnergyPrices& prices,
                                    const SearchOptions& options) {
  const bool with_crypto = options.mode != SearchMode::baseline;
  Pricer pricer(facts, crypto, prices, with_crypto);
  Pricer crypto_pricer(facts, crypto, prices, true);
  if (options.objective == Objective::edp) {
    const double weight = edp_weight(trace, crypto_pricer);
    pricer.set_energy_weight(weight);
    crypto_pricer.set_energy_weight(weight);
  }
  const size_t keep = options.mode == SearchMode::baseline ? 1 : std::max<size_t>(1, options.top_k);
  const std::vector<int> producer = tensor_producers(trace);

  std::vector<LayerSpace> spaces(trace.layers.size());
  std::map<PlanKey, size_t> searched;
  for (size_t i = 0; i < trace.layers.size(); ++i) {
    const Layer& layer = trace.layers[i];
    if (layer.sparse) {
      throw InputError({trace.file, layer.line, "op"},
                       "layer '" + layer.name + "' is " + to_string(layer.op) +
                           "; the schedule search plans dense layers only");
    }
    LayerSpace& s = spaces[i];
    s.layer = &layer;
    if (layer.vector) continue;
    s.slice = layer.group_slice();
    s.groups = layer.shape.groups;
    // Layers of one shape (and mapping) have the same candidates: each shape is searched once.
    PlanKey key = plan_key(layer);
    if (const auto seen = searched.find(key); seen != searched.end()) {
      s.candidates = spaces[seen->second].candidates;
      continue;
    }
    searched.emplace(std::move(key), i);
    // The `keep` best by the layer's cycles with its best blocks, found by branch and bound:
    // a tiling's cycles are at least max(compute, DRAM, engines) of its bytes without any
    // block overhead, so tilings are priced in the order of that bound until the bound
    // reaches the keep-th best found (ties keep the tiler's order).
    struct Bounded {
      double bound;
      Candidate c;
    };
    std::vector<Bounded> bounded;
    for (const TilePlan& plan :
         tilings(s, facts, trace.file, options.mode == SearchMode::baseline)) {
      Candidate c = counted_candidate(s, plan, pricer);
      const int64_t bytes = s.groups * c.dram_bytes;
      // Each tensor's requested bytes through its engines (all engines when shared).
      std::array<double, kNumTensors> engine{};
      const auto pace =
          static_cast<double>(std::max(crypto.kind->aes_cycles, crypto.kind->gf_cycles));
      for (const TensorTransfers& t : layer_transfers(s.slice, plan)) {
        // A move of a box is at least one message of at least its bytes, and a message of n
        // data blocks takes at least (n + 1) times the slower unit's time (its tag mask too,
        // engine_timing.h). Whole 128-bit blocks only, rounded down: a lower bound however the
        // priced messages split the bytes.
        int64_t operations = 0;
        for (const TensorTransfers::Moves& m : t.boxes) {
          const int64_t bytes = data_bytes(m.box.volume(), s.slice.precision_bits);
          operations += (m.reads + m.writes) * (bytes / kAesBytes + 1);
        }
        engine[tensor_index(t.tensor)] = static_cast<double>(s.groups * operations) * pace;
      }
      const int64_t all_engines = crypto.engines[0] + crypto.engines[1] + crypto.engines[2];
      double engine_bound = 0;
      if (crypto.shared) {
        engine_bound = (engine[0] + engine[1] + engine[2]) /
                       static_cast<double>(std::max<int64_t>(1, all_engines));
      } else {
        for (size_t t = 0; t < kNumTensors; ++t) {
          engine_bound =
              std::max(engine_bound,
                       engine[t] / static_cast<double>(std::max<int64_t>(1, crypto.engines[t])));
        }
      }
      // Energy without block overhead or engines is a lower bound too.
      const double bound = pricer.objective(
          std::max({s.groups * c.compute, model::transfer_cycles(bytes, facts.dram_bytes_per_cycle),
                    static_cast<int64_t>(engine_bound)}),
          static_cast<double>(s.groups) * c.energy_pj);
      bounded.push_back({bound, std::move(c)});
    }
    std::stable_sort(bounded.begin(), bounded.end(),
                     [](const Bounded& a, const Bounded& b) { return a.bound < b.bound; });
    std::vector<std::pair<double, Candidate>> kept;  // sorted by cost
    BoxTraffic boxes;
    for (Bounded& b : bounded) {
      if (kept.size() == keep && b.bound >= kept.back().first) break;
      price_blocks(s, b.c, crypto, boxes);
      s.candidates = {b.c};
      const double cost = pricer.rank_cost(s, best_state(s, 0, pricer));
      auto at = std::upper_bound(kept.begin(), kept.end(), cost,
                                 [](double v, const auto& k) { return v < k.first; });
      kept.insert(at, {cost, std::move(b.c)});
      if (kept.size() > keep) kept.pop_back();
    }
    s.candidates.clear();
    for (auto& k : kept) s.candidates.push_back(std::move(k.second));
    // The tiler's own pick stays a candidate, so the cross-layer step can always fall back on
    // the baseline's tiling (it may be best across layers while not among the best alone).
    const TilePlan pick = ranked_plans(s.slice, facts, trace.file, 1).front().plan;
    const bool kept_pick = std::any_of(
        s.candidates.begin(), s.candidates.end(),
        [&](const Candidate& c) { return c.plan.tile == pick.tile && c.plan.order == pick.order; });
    if (!kept_pick) {
      s.candidates.push_back(counted_candidate(s, pick, pricer));
      price_blocks(s, s.candidates.back(), crypto, boxes);
    }
  }

  // The choice problem: per layer, every (candidate, input block, output block) state, priced
  // with crypto (the baseline's single candidate too: its blocks are chosen with their costs).
  ChoiceProblem problem;
  std::vector<std::vector<State>> states(spaces.size());
  std::vector<std::vector<Layout>> in_layouts(spaces.size()), out_layouts(spaces.size());
  problem.layers.resize(spaces.size());
  for (size_t i = 0; i < spaces.size(); ++i) {
    const LayerSpace& s = spaces[i];
    ChoiceProblem::Choice& c = problem.layers[i];
    if (s.candidates.empty()) {  // a vector-unit layer: one state, nothing to choose
      states[i].push_back({});
      c.cost.push_back(0);
      c.in_key.push_back(0);
      c.out_key.push_back(0);
      continue;
    }
    std::map<Layout, size_t> in_keys, out_keys;
    auto key_of = [](std::map<Layout, size_t>& keys, std::vector<Layout>& list, Layout l) {
      if (l.words != Security::kTileBlocks) l.candidate = 0;
      const auto [it, added] = keys.emplace(l, keys.size());
      if (added) list.push_back(l);
      return it->second;
    };
    for (size_t k = 0; k < s.candidates.size(); ++k) {
      const Candidate& cand = s.candidates[k];
      for (size_t in = 0; in < cand.options[kIn].size(); ++in) {
        for (size_t out = 0; out < cand.options[kOut].size(); ++out) {
          const State st{k, in, out};
          states[i].push_back(st);
          const Costs costs = crypto_pricer.costs(s, st);
          c.cost.push_back(crypto_pricer.objective(costs.cycles, costs.energy_pj));
          c.in_key.push_back(key_of(in_keys, in_layouts[i], {cand.options[kIn][in].words, k}));
          c.out_key.push_back(key_of(out_keys, out_layouts[i], {cand.options[kOut][out].words, k}));
        }
      }
    }
  }
  // Links: re-encryption cycles of each consumer's input from its producer's output layout.
  auto blocks_of = [&](size_t layer, const Layout& l, size_t tensor, int64_t elements) {
    if (l.words != Security::kTileBlocks) return ceil_div(elements, l.words);
    return spaces[layer].groups * spaces[layer].candidates[l.candidate].tile_blocks[tensor];
  };
  auto tensor_bytes = [&](size_t consumer) {
    const ConvShape& sh = trace.layers[consumer].shape;
    const int64_t elements = sh.batch * sh.in_h * sh.in_w * sh.channels;
    return std::pair{elements, data_bytes(elements, trace.layers[consumer].precision_bits)};
  };
  auto reencryption_of = [&](size_t consumer, const Layout& from, const Layout& to) {
    if (from.words == to.words && from.words != Security::kTileBlocks) {
      return std::pair<int64_t, int64_t>{0, 0};
    }
    const auto pr = static_cast<size_t>(producer[consumer]);
    const auto [elements, bytes] = tensor_bytes(consumer);
    return crypto_pricer.reencryption(bytes, blocks_of(pr, from, kOut, elements),
                                      blocks_of(consumer, to, kIn, elements));
  };
  for (size_t i = 0; i < spaces.size(); ++i) {
    if (producer[i] < 0 || spaces[i].candidates.empty()) continue;
    const auto pr = static_cast<size_t>(producer[i]);
    ChoiceProblem::Choice& c = problem.layers[i];
    c.producer = producer[i];
    c.link.assign(out_layouts[pr].size(), std::vector<double>(in_layouts[i].size(), 0));
    for (size_t a = 0; a < out_layouts[pr].size(); ++a) {
      for (size_t b = 0; b < in_layouts[i].size(); ++b) {
        const Layout& from = out_layouts[pr][a];
        const Layout& to = in_layouts[i][b];
        const auto [bytes, cycles] = reencryption_of(i, from, to);
        double energy = 0;
        if (bytes > 0) {
          const auto [elements, data] = tensor_bytes(i);
          energy = crypto_pricer.reencryption_energy(data, blocks_of(pr, from, kOut, elements),
                                                     blocks_of(i, to, kIn, elements));
        }
        c.link[a][b] = crypto_pricer.objective(cycles, energy);
      }
    }
  }

  SearchResult result;
  result.mode = options.mode;
  result.objective = options.objective;
  result.seed = options.seed;
  result.top_k = keep;
  // Each layer's best state for itself (the per-layer schedule, and annealing's start).
  std::vector<size_t> chosen(spaces.size(), 0);
  for (size_t i = 0; i < spaces.size(); ++i) {
    const std::vector<double>& cost = problem.layers[i].cost;
    chosen[i] = static_cast<size_t>(std::min_element(cost.begin(), cost.end()) - cost.begin());
  }
  if (options.mode == SearchMode::per_layer) {
    result.method = "per-layer";
  } else if (problem.is_chain()) {
    result.method = "chain-dp";
    chosen = chain_optimum(problem);
  } else {
    result.method = "annealing";
    chosen = anneal(problem, chosen, options.seed,
                    options.anneal_steps_per_layer * static_cast<int64_t>(spaces.size()));
  }

  for (size_t i = 0; i < spaces.size(); ++i) {
    const LayerSpace& s = spaces[i];
    LayerSchedule l;
    l.name = trace.layers[i].name;
    if (s.candidates.empty()) {
      result.layers.push_back(l);
      continue;
    }
    const State st = states[i][chosen[i]];
    const Candidate& cand = s.candidates[st.candidate];
    l.searched = true;
    l.plan = cand.plan;
    l.blocks = {cand.options[kIn][st.in].words, cand.options[kWeights][0].words,
                cand.options[kOut][st.out].words};
    l.producer = producer[i];
    const Costs c = crypto_pricer.costs(s, st);
    l.compute_cycles = c.compute;
    l.dram_cycles = c.dram;
    l.crypto_cycles = c.crypto;
    l.cycles = c.cycles;
    l.dram_bytes = c.dram_bytes;
    l.extra_bytes = c.extra_bytes;
    l.energy_pj = c.energy_pj;
    l.binding = c.cycles == c.compute ? "compute" : c.cycles == c.dram ? "dram" : "crypto";
    if (l.producer >= 0) {
      const auto pr = static_cast<size_t>(l.producer);
      const Layout from = out_layouts[pr][problem.layers[pr].out_key[chosen[pr]]];
      const Layout to = in_layouts[i][problem.layers[i].in_key[chosen[i]]];
      const auto [bytes, cycles] = reencryption_of(i, from, to);
      l.reencryption_bytes = bytes;
      l.reencryption_cycles = cycles;
      if (bytes > 0) {
        const auto [elements, data] = tensor_bytes(i);
        l.reencryption_energy_pj = crypto_pricer.reencryption_energy(
            data, blocks_of(pr, from, kOut, elements), blocks_of(i, to, kIn, elements));
      }
    }
    result.layers.push_back(l);
  }
  return result;
}

Trace with_searched_schedule(const Trace& trace, const SearchResult& result) {
  Trace out = trace;
  for (size_t i = 0; i < out.layers.size(); ++i) {
    const LayerSchedule& l = result.layers[i];
    if (!l.searched) continue;
    Layer& layer = out.layers[i];
    layer.mapping.buffer_tile = l.plan.tile;
    layer.mapping.loop_order = l.plan.order;
    layer.mapping.dataflow = l.plan.dataflow;
    Security sec;
    sec.auth_block_words = l.blocks;
    if (l.reencryption_bytes > 0) {
      // The producer's output blocks; its tile blocks as blocks of one output tile's elements
      // (the same blocks when its tiles span the output's columns, else as many).
      const LayerSchedule& p = result.layers[static_cast<size_t>(l.producer)];
      const int64_t from = p.blocks[kOut];
      sec.reencrypt_inputs_from =
          from != Security::kTileBlocks
              ? from
              : p.plan.tile[dim_index(GemmDim::m)] * p.plan.tile[dim_index(GemmDim::n)];
    }
    layer.security = sec;
  }
  return out;
}

}  // namespace tessera
