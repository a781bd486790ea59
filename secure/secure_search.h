// The security-aware schedule search (SecureLoop, Lee et al., MICRO 2023): tilings chosen
// knowing that every off-chip byte passes through AES-GCM engines and authentication blocks.
//
// Per layer, the tiler's fitting tiles (its `kPoolTiles` best by its own estimate) under every
// loop order are priced with the crypto costs:
//   layer cycles = max(compute, buffer, DRAM, crypto)
// (compute with each fold's fill and drain, as plan/analytical_model.h counts it)
// where DRAM moves the loop nest's bytes plus each tensor's redundant block bytes and tags (the
// closed-form block counts, secure/block_traffic.h), and crypto is the engines' time for the
// messages those blocks make (plan/crypto_engine_timing.h), per tensor on its own engines or over
// one shared pool. The `top_k` cheapest candidates per layer are kept, and the tiler's own pick
// besides, each with every block size for its inputs and outputs and the cheapest for its
// weights.
//
// Layers are linked where a layer's input tensor is an earlier layer's output (the latest earlier
// layer whose output has that shape, tensor_producers in traces/layer.h). A linked pair whose
// blocks differ pays re-encryption: the tensor read and verified with one block size, written
// back with the other, priced as max(DRAM time, time on the engines serving inputs) and charged
// to the consumer, whose trace says so (`reencrypt_from`) so that `tessera run` performs it
// before the consumer's tiles. The cross-layer step minimises the
// objective (below) over all layers' choices and re-encryptions at once: by
// dynamic programming when every tensor has at most one consumer (the links form chains; the
// optimum is exact), else by simulated annealing from the per-layer optimum (seeded and
// deterministic).
//
// The baseline ranks candidates without crypto (max(compute, buffer, DRAM) as the tiler does),
// keeps its best, and only then chooses blocks (the same cross-layer step over blocks alone).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "plan/architecture_facts.h"
#include "plan/crypto_engine_timing.h"
#include "plan/tiler.h"
#include "traces/layer.h"

namespace tessera {

// The engines as the crypto module's parameters give them.
struct CryptoSetup {
  const EngineKind* kind = nullptr;
  std::array<int64_t, kNumTensors> engines{1, 1, 1};  // per tensor: inputs, weights, outputs
  bool shared = false;                                // one pool serves every tensor
  int64_t tag_bytes = 8;
};

// Picojoules per action, from the energy table (the search does not read files).
struct EnergyPrices {
  double mac = 0, idle_pe_cycle = 0;
  double buffer_read_word = 0, buffer_write_word = 0;
  double dram_read_byte = 0, dram_write_byte = 0;
  double aes_block = 0, gf_multiply = 0;  // of the configured engine kind
};

enum class SearchMode {
  baseline,     // crypto-blind tiling, blocks assigned afterwards
  per_layer,    // each layer's best tiling and blocks for itself, re-encryption as it falls
  cross_layer,  // all layers' tilings and blocks chosen together
};
[[nodiscard]] const char* to_string(SearchMode m);

// What the search minimises, summed over layers and re-encryptions: cycles (energy breaking
// ties), or cycles + (C/E) * energy with C and E the tiler's own schedule's cycles and energy,
// the first-order change of the network's energy-delay product around that schedule.
enum class Objective { latency, edp };
[[nodiscard]] const char* to_string(Objective o);

struct SearchOptions {
  SearchMode mode = SearchMode::cross_layer;
  Objective objective = Objective::latency;
  size_t top_k = 6;
  uint64_t seed = 1;
  int64_t anneal_steps_per_layer = 4000;
};

// The tiler's best tiles taken per layer, each under every loop order.
inline constexpr size_t kPoolTiles = 24;

struct LayerSchedule {
  std::string name;
  bool searched = false;  // false: a vector-unit layer, kept as the trace gives it
  TilePlan plan;
  std::array<int64_t, kNumTensors> blocks{};  // auth block words, Security::kTileBlocks: tile
  int producer = -1;                          // the layer whose output this one reads, or -1
  int64_t compute_cycles = 0;                 // max(compute, buffer)
  int64_t dram_cycles = 0, crypto_cycles = 0;
  int64_t cycles = 0;              // max of the three: what `tessera run` simulates for the layer
  int64_t dram_bytes = 0;          // loop-nest bytes plus redundant block bytes and tags
  int64_t extra_bytes = 0;         // of which redundant and tags
  int64_t reencryption_bytes = 0;  // of its input tensor, from the producer's blocks
  int64_t reencryption_cycles = 0;
  double energy_pj = 0;               // the layer's actions, engines included
  double reencryption_energy_pj = 0;  // DRAM bytes and engine operations of the re-encryption
  std::string binding;                // compute, dram or crypto
};

struct SearchResult {
  SearchMode mode = SearchMode::cross_layer;
  Objective objective = Objective::latency;
  std::string method;  // "chain-dp", "annealing" or "per-layer"
  uint64_t seed = 0;
  size_t top_k = 0;
  std::vector<LayerSchedule> layers;
  [[nodiscard]] int64_t total_cycles() const;  // layers and re-encryptions
  [[nodiscard]] double total_energy_pj() const;
};

// Throws InputError (naming the trace file, the layer's line and field) for a sparse layer or a
// layer no tile fits.
[[nodiscard]] SearchResult search_secure_schedule(const Trace& trace,
                                                  const ArchitectureFacts& facts,
                                                  const CryptoSetup& crypto,
                                                  const EnergyPrices& prices,
                                                  const SearchOptions& options);

// The trace with each searched layer's mapping (tile, loop order, dataflow) and security set.
// A consumer that pays re-encryption gets `reencrypt_from` too: its producer's output blocks, or,
// for the producer's tile blocks, blocks of one output tile's elements.
[[nodiscard]] Trace with_searched_schedule(const Trace& trace, const SearchResult& result);

// The cross-layer step on plain numbers, so that it can be checked against brute force. Layer i
// picks one of its states; a state costs `cost[s]`, and where the layer has a producer, the link
// costs `link[out_key of the producer's state][in_key of this state]` more (keys: the few block
// layouts, so the link is a small table).
struct ChoiceProblem {
  struct Choice {
    std::vector<double> cost;
    std::vector<size_t> in_key, out_key;  // per state
    int producer = -1;
    std::vector<std::vector<double>> link;  // [producer's out key][in key]
  };
  std::vector<Choice> layers;
  [[nodiscard]] double total(const std::vector<size_t>& states) const;
  [[nodiscard]] bool is_chain() const;  // every layer's output has at most one consumer
};
// The exact optimum by dynamic programming over the links; only when is_chain().
[[nodiscard]] std::vector<size_t> chain_optimum(const ChoiceProblem& p);
// Simulated annealing from `start`: `steps` moves of one layer to a random state, accepted by
// the Metropolis rule under a geometrically cooling temperature; the best states seen.
[[nodiscard]] std::vector<size_t> anneal(const ChoiceProblem& p, std::vector<size_t> start,
                                         uint64_t seed, int64_t steps);

}  // namespace tessera
