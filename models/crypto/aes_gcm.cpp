// crypto: aes_gcm — authenticated encryption of off-chip data, SecureLoop-style (Lee et al.,
// MICRO 2023). Every tensor in DRAM is cut into authentication blocks (the layer's `security:`
// key: a size in elements, or one block per tile), each one AES-GCM message with a tag kept in a
// tag region of DRAM.
//
// Reads fetch every block the box overlaps and the blocks' tags, then verify and decrypt them;
// writes encrypt whole blocks, first reading (and verifying) any block the box covers only in
// part. The engines are a contended resource: a transfer's blocks are shared out over the engines
// serving its tensor, and a transfer waits while they are busy with earlier ones.
//
// In functional mode the data are real: DRAM holds AES-GCM ciphertext and tags (ProtectedStore),
// and a block that fails verification stops the simulation.
#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <random>

#include "models/crypto/interface.h"
#include "models/crypto/protected_store.h"
#include "models/crypto/stream_blocks.h"
#include "plan/auth_blocks.h"
#include "plan/crypto_engine_timing.h"
#include "sim/error.h"
#include "sim/numbers.h"
#include "sim/registry.h"

namespace tessera {
namespace {

constexpr int64_t kAesBlockBytes = 16;  // one AES operation's data

// The blocks one transfer touches and the work they need.
struct BlockWork {
  int64_t blocks = 0, partial_blocks = 0;
  int64_t bytes = 0, partial_bytes = 0;             // modelled bytes of all / partly covered blocks
  uint64_t aes_blocks = 0, partial_aes_blocks = 0;  // 128-bit data blocks in those messages
  uint64_t full_message = 0;          // 128-bit data blocks of a whole block's message
  uint64_t last_message = 0;          // of the last block (the tensor's tail may be shorter)
  uint64_t last_partial_message = 0;  // of the last partly covered block
  int64_t first_block = 0;
  // Tile blocks of a compressed stream differ in size: each block's 128-bit data blocks, and
  // the first word of the blocks moved.
  std::vector<uint64_t> messages, partial_messages;
  int64_t first_word = 0;
};

class AesGcmEngine : public CryptoEngine {
 public:
  AesGcmEngine(const sc_core::sc_module_name& name, const ParamValues& p)
      : CryptoEngine(name, p),
        kind_(*find_engine_kind(p.get_string("engine"))),
        tag_bytes_(static_cast<size_t>(std::stoi(p.get_string("tag_bits")) / 8)),
        shared_(p.get_bool("shared_engines")),
        aes_(stats().counter(std::string("aes_block_") + kind_.name, "128-bit blocks",
                             "AES block operations (data counter blocks and tag masks)", true)),
        gf_(stats().counter(std::string("gf_multiply_") + kind_.name, "multiplies",
                            "GF(2^128) multiplies of GHASH", true)),
        verified_(stats().counter("blocks_verified", "blocks", "authentication blocks verified")),
        encrypted_(
            stats().counter("blocks_encrypted", "blocks", "authentication blocks encrypted")),
        redundant_read_(stats().counter("redundant_read_bytes", "bytes",
                                        "bytes of fetched blocks beyond the requested data")),
        redundant_written_(stats().counter("redundant_write_bytes", "bytes",
                                           "bytes of written blocks beyond the written data")),
        rmw_(stats().counter("rmw_read_bytes", "bytes",
                             "bytes of partly written blocks read back first")),
        tag_read_(stats().counter("tag_bytes_read", "bytes", "tag bytes read from DRAM")),
        tag_written_(stats().counter("tag_bytes_written", "bytes", "tag bytes written to DRAM")),
        busy_(stats().counter("engine_busy_cycles", "cycles",
                              "cycles the engines serving a transfer were busy with it")),
        waits_(stats().counter("engine_wait_cycles", "cycles",
                               "cycles transfers waited for a busy engine")) {
    const std::array<int64_t, kNumTensors> per_tensor{
        p.get_int("inputs_engines"), p.get_int("weights_engines"), p.get_int("outputs_engines")};
    if (shared_) {
      engines_ = {per_tensor[0] + per_tensor[1] + per_tensor[2]};
    } else {
      engines_.assign(per_tensor.begin(), per_tensor.end());
    }
    pool_free_.assign(engines_.size(), 0);
    std::mt19937_64 rng(static_cast<uint64_t>(p.get_int("key_seed")));
    Bytes key(static_cast<size_t>(std::stoi(p.get_string("key_bits")) / 8));
    for (auto& b : key) b = static_cast<uint8_t>(rng());
    store_ = std::make_unique<ProtectedStore>(key, tag_bytes_);
  }

  void set_attacks(std::vector<Attack> attacks) override { attacks_ = std::move(attacks); }

  // Every engine streaming 16-byte blocks at the pace of its slower unit (tags, partly covered
  // blocks and the split between tensors aside).
  [[nodiscard]] double peak_bytes_per_cycle() const override {
    int64_t engines = 0;
    for (const int64_t e : engines_) engines += e;
    return static_cast<double>(engines * kAesBlockBytes) /
           static_cast<double>(std::max(kind_.aes_cycles, kind_.gf_cycles));
  }

 protected:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    TileExtension& ext = extension_of(p);
    const auto& st = family_extension<StoredTensor>(p, name());
    const uint64_t arrival = cycle_at(delay);
    const int bits = st.layer->precision_bits;
    const uint64_t base = base_of(p, ext, st);
    const int64_t words = words_of(ext, st);
    const bool stream = words == Security::kTileBlocks && st.layer->sparse;
    const BlockWork work = stream ? stream_work(ext, st, p.is_read()) : block_work(ext, st, words);
    const uint64_t data_address =
        stream ? base + static_cast<uint64_t>(work.first_word * bits / 8)
        : words == Security::kTileBlocks
            ? p.get_address()
            : base + static_cast<uint64_t>(work.first_block * words * bits / 8);
    const uint64_t tag_address =
        tag_base(*st.layer, ext.tensor) + static_cast<uint64_t>(work.first_block) * tag_bytes_;
    const auto tags = static_cast<int64_t>(tag_bytes_) * work.blocks;
    const size_t pool = shared_ ? 0 : static_cast<size_t>(ext.tensor);
    auto* data = reinterpret_cast<int32_t*>(p.get_data_ptr());
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    // Answers at once, or defers the answer when the initiator can wait.
    const auto answer = [&](Completion::Finish finish, bool may_defer) {
      if (may_defer && ext.may_defer) {
        ext.completion.defer(std::move(finish));
        return;
      }
      Completion now;
      finish(now);
      delay = delay_until(now.cycle);
      ext.transfer_time = now.time;
    };

    if (p.is_read()) {
      auto fetches = std::make_shared<InFlight>(in_flight(tlm::TLM_READ_COMMAND, ext, data_address,
                                                          work.bytes, tag_address, tags, arrival));
      count(work.blocks, work.aes_blocks);
      verified_ += static_cast<uint64_t>(work.blocks);
      redundant_read_ += static_cast<uint64_t>(work.bytes - ext.bytes);
      tag_read_ += static_cast<uint64_t>(tags);
      if (data != nullptr) store_->read(base, ext, data);
      // Once both have arrived, the engines verify and decrypt. A pool that also encrypts
      // (shared, or the outputs') verifies in the order the transfers are issued, so that its
      // writes do not overtake the reads before them.
      answer(
          [this, fetches, pool, work, arrival](Completion& c) {
            const Fetched fetched = settled(*fetches);
            c.cycle = run_engines(pool, fetched.done, work, false, "verify");
            c.time = fetched.time;
            c.time.crypto = c.cycle - arrival - c.time.dram_bandwidth - c.time.dram_latency;
          },
          !shared_ && ext.tensor != Tensor::outputs);
      return;
    }
    // The DRAM's share of the transfer's time: its transfers the engines waited for.
    TransferTime in_dram;
    uint64_t ready = arrival;
    if (work.partial_blocks > 0) {  // read-modify-write: bring back and verify partial blocks
      const int64_t partial_tags = static_cast<int64_t>(tag_bytes_) * work.partial_blocks;
      const Fetched back = blocks_and_tags(tlm::TLM_READ_COMMAND, ext, data_address,
                                           work.partial_bytes, tag_address, partial_tags, arrival);
      in_dram = back.time;
      ready = run_engines(pool, back.done, work, true, "verify (read-modify-write)");
      count(work.partial_blocks, work.partial_aes_blocks);
      verified_ += static_cast<uint64_t>(work.partial_blocks);
      rmw_ += static_cast<uint64_t>(work.partial_bytes);
      tag_read_ += static_cast<uint64_t>(partial_tags);
    }
    const uint64_t sealed = run_engines(pool, ready, work, false, "encrypt");
    count(work.blocks, work.aes_blocks);
    encrypted_ += static_cast<uint64_t>(work.blocks);
    redundant_written_ += static_cast<uint64_t>(work.bytes - ext.bytes);
    tag_written_ += static_cast<uint64_t>(tags);
    auto writes = std::make_shared<InFlight>(in_flight(tlm::TLM_WRITE_COMMAND, ext, data_address,
                                                       work.bytes, tag_address, tags, sealed));
    if (data != nullptr) store_->write(base, ext, data);
    answer(
        [writes, in_dram, arrival](Completion& c) {
          const Fetched written = settled(*writes);
          c.cycle = written.done;
          c.time = in_dram;
          c.time.dram_bandwidth += written.time.dram_bandwidth;
          c.time.dram_latency += written.time.dram_latency;
          c.time.crypto = c.cycle - arrival - c.time.dram_bandwidth - c.time.dram_latency;
        },
        true);
  }

  // Loads (a whole tensor written) encrypt it into DRAM; reads verify and decrypt.
  unsigned debug_transport(tlm::tlm_generic_payload& p) override {
    TileExtension& ext = extension_of(p);
    const auto& st = family_extension<StoredTensor>(p, name());
    const uint64_t base = base_of(p, ext, st);
    auto* data = reinterpret_cast<int32_t*>(p.get_data_ptr());
    const Box whole = stored_whole(ext, st);
    if (p.is_write() && ext.box == whole && data == nullptr && !st.layer->sparse) {
      // A tensor reserved for transfers to write (a re-encrypted input): its blocks sealed over
      // zeros, so that a write covering a block in part merges into it as any write does. No
      // values are loaded, so no attack applies.
      const std::vector<int32_t> zeros(static_cast<size_t>(whole.volume()), 0);
      store_->load(base, *st.layer, ext.tensor, words_of(ext, st), st.buffer_tile, zeros.data());
    } else if (p.is_write() && ext.box == whole && st.layer->sparse) {
      store_->load_stream(base, *st.layer, ext.tensor, whole, words_of(ext, st),
                          st.tile_starts != nullptr ? *st.tile_starts : std::vector<int64_t>{},
                          data);
      // The engine's extents follow the new image (timing without values finds the same tiles
      // on their first fetches).
      streams_.erase({st.layer, ext.tensor});
      if (words_of(ext, st) == Security::kTileBlocks && st.tile_starts != nullptr) {
        streams_[{st.layer, ext.tensor}] = StreamBlocks::of_tiles(*st.tile_starts, whole.volume());
      }
      apply_attacks(base, ext, st);
    } else if (p.is_write() && ext.box == whole) {
      store_->load(base, *st.layer, ext.tensor, words_of(ext, st), st.buffer_tile, data);
      apply_attacks(base, ext, st);
    } else if (p.is_write()) {
      store_->write(base, ext, data);
    } else {
      store_->read(base, ext, data);
    }
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    return p.get_data_length();
  }

 private:
  void apply_attacks(uint64_t base, const TileExtension& ext, const StoredTensor& st) {
    for (const Attack& a : attacks_) {
      if (a.layer == st.layer->name && a.tensor == ext.tensor) store_->attack(base, a);
    }
  }

  // The whole tensor a transfer's box lies in: a sparse layer's compressed stream, or the dense
  // tensor.
  static Box stored_whole(const TileExtension& ext, const StoredTensor& st) {
    if (!st.layer->sparse) return whole_tensor(*st.layer, ext.tensor);
    Box b = ext.box;
    b.lo = {0, 0, 0, 0};
    b.hi = b.shape;
    return b;
  }

  // Tile blocks of a compressed stream (models/crypto/stream_blocks.h): a read fetches every block
  // it overlaps whole; a write seals one block, reading back the blocks it covers only in part.
  BlockWork stream_work(const TileExtension& ext, const StoredTensor& st, bool read) {
    StreamBlocks& extents = streams_[{st.layer, ext.tensor}];
    const int64_t lo = ext.box.lo[3], hi = ext.box.hi[3];
    const int bits = st.layer->precision_bits;
    BlockWork w;
    auto words = [](const std::vector<StreamBlock>& blocks) {
      int64_t n = 0;
      for (const StreamBlock& b : blocks) n += b.words();
      return n;
    };
    std::vector<StreamBlock> moved;
    if (read) {
      moved = extents.read(lo, hi);
    } else {
      const StreamBlocks::Write written = extents.write(lo, hi);
      moved = {written.sealed};
      w.partial_blocks = static_cast<int64_t>(written.partial.size());
      w.partial_bytes = ceil_div(words(written.partial) * bits, 8);
      for (const StreamBlock& b : written.partial) {
        w.partial_messages.push_back(aes_blocks_of(b.words(), bits));
        w.partial_aes_blocks += w.partial_messages.back();
      }
    }
    w.blocks = static_cast<int64_t>(moved.size());
    w.bytes = ceil_div(words(moved) * bits, 8);
    for (const StreamBlock& b : moved) {
      w.messages.push_back(aes_blocks_of(b.words(), bits));
      w.aes_blocks += w.messages.back();
    }
    w.first_word = w.first_block = moved.empty() ? lo : moved.front().begin;
    return w;
  }

  // Tags live right after the layer's tensors, one area per tensor sized for the worst case: one
  // block per element, or one tile block per element of the tensor's GEMM view (an input element
  // is in several tiles when filters overlap), so areas never overlap. A compressed stream holds
  // at most 5 words per nonzero (a tile's 1 + 2R + 2 nnz words, R <= nnz), so 5 per element of
  // its matrix bound both its image and its blocks (numbered by their first word).
  [[nodiscard]] uint64_t tag_base(const Layer& layer, Tensor t) const {
    auto page = [](uint64_t bytes) { return (bytes + 4095) / 4096 * 4096; };
    uint64_t base = dram_data_end(layer);
    if (layer.sparse) {
      base = 0;
      for (int i = 0; i < kNumTensors; ++i) {
        base += page(static_cast<uint64_t>(stream_bound(layer, static_cast<Tensor>(i)) * 4));
      }
    }
    for (int i = 0; i < static_cast<int>(t); ++i) {
      const auto tensor = static_cast<Tensor>(i);
      const auto slots =
          static_cast<uint64_t>(layer.sparse ? stream_bound(layer, tensor)
                                             : std::max(whole_tensor(layer, tensor).volume(),
                                                        max_tile_blocks(layer, tensor)));
      base += page(slots * tag_bytes_);
    }
    return base;
  }

  static int64_t stream_bound(const Layer& layer, Tensor t) {
    return 5 * whole_tensor(layer, t).volume();
  }

  static uint64_t base_of(const tlm::tlm_generic_payload& p, const TileExtension& ext,
                          const StoredTensor& st) {
    return p.get_address() -
           static_cast<uint64_t>(ext.box.first_element() * st.layer->precision_bits / 8);
  }

  static int64_t words_of(const TileExtension& ext, const StoredTensor& st) {
    return st.layer->security
               ? st.layer->security->auth_block_words[static_cast<size_t>(ext.tensor)]
               : Security::kTileBlocks;
  }

  static uint64_t aes_blocks_of(int64_t elements, int bits) {
    return static_cast<uint64_t>(ceil_div(elements * bits, 128));
  }

  static BlockWork block_work(const TileExtension& ext, const StoredTensor& st, int64_t words) {
    const int bits = st.layer->precision_bits;
    BlockWork w;
    if (words == Security::kTileBlocks) {
      w.blocks = 1;
      w.bytes = ext.bytes;
      w.aes_blocks = w.full_message = w.last_message = aes_blocks_of(ext.box.volume(), bits);
      // Each tile's tag has its own slot (compressed streams take stream_work instead).
      w.first_block =
          static_cast<int64_t>(tile_block_number(*st.layer, ext.tensor, st.buffer_tile, ext.range));
      return w;
    }
    const BlockCount c = count_auth_blocks(ext.box, words);
    const int64_t total = tensor_elements(ext.box);
    const int64_t last = (total - 1) / words, tail = total - last * words;
    const bool short_tail = tail < words && c.last_block == last;
    const bool tail_full = short_tail && c.full_block_elements != c.full_blocks * words;
    w.blocks = c.blocks;
    w.partial_blocks = c.blocks - c.full_blocks;
    w.bytes = ceil_div(c.block_elements * bits, 8);
    w.partial_bytes = ceil_div((c.block_elements - c.full_block_elements) * bits, 8);
    const uint64_t full = aes_blocks_of(words, bits), short_one = aes_blocks_of(tail, bits);
    w.aes_blocks =
        static_cast<uint64_t>(c.blocks - short_tail) * full + (short_tail ? short_one : 0);
    const bool tail_partial = short_tail && !tail_full;
    w.partial_aes_blocks = static_cast<uint64_t>(w.partial_blocks - tail_partial) * full +
                           (tail_partial ? short_one : 0);
    w.full_message = full;
    w.last_message = short_tail ? short_one : full;
    w.last_partial_message = tail_partial ? short_one : full;
    w.first_block = c.first_block;
    return w;
  }

  // `messages` GCM messages (of `blocks` data blocks, the last of `last_blocks`) on the engines
  // of `pool`, as soon as both the data (`ready`) and the engines are there. Returns the cycle
  // they are done.
  uint64_t run_engines(size_t pool, uint64_t ready, int64_t messages, uint64_t blocks,
                       uint64_t last_blocks, const char* what) {
    if (messages == 0) return ready;
    return occupy(pool, ready, messages,
                  pool_cycles(kind_, engines_[pool], messages, blocks, last_blocks), what);
  }

  // A transfer's blocks (`partial`: only those it covers in part) on the engines of `pool`: of
  // uniform sizes, or of the sizes `w` lists (tile blocks of a compressed stream).
  uint64_t run_engines(size_t pool, uint64_t ready, const BlockWork& w, bool partial,
                       const char* what) {
    if (!w.messages.empty()) {
      const std::vector<uint64_t>& sizes = partial ? w.partial_messages : w.messages;
      if (sizes.empty()) return ready;
      return occupy(pool, ready, static_cast<int64_t>(sizes.size()),
                    pool_cycles(kind_, engines_[pool], sizes), what);
    }
    return partial ? run_engines(pool, ready, w.partial_blocks, w.full_message,
                                 w.last_partial_message, what)
                   : run_engines(pool, ready, w.blocks, w.full_message, w.last_message, what);
  }

  // The engines of `pool` busy for `work` cycles from when both the data (`ready`) and the
  // engines are there. Returns the cycle they are done.
  uint64_t occupy(size_t pool, uint64_t ready, int64_t messages, uint64_t work, const char* what) {
    const uint64_t start = std::max(ready, pool_free_[pool]);
    waits_ += start - ready;
    busy_ += work;
    if (Timeline* t = timeline()) {
      const std::string track =
          shared_ ? std::string(basename())
                  : std::string(basename()) + "." + to_string(static_cast<Tensor>(pool));
      t->span(t->track(track), what, start, start + work,
              {{"blocks", messages}, {"waited", static_cast<int64_t>(start - ready)}});
    }
    pool_free_[pool] = start + work;
    return start + work;
  }

  void count(int64_t messages, uint64_t data_blocks) {
    aes_ += data_blocks + static_cast<uint64_t>(messages);
    gf_ += data_blocks + static_cast<uint64_t>(messages);
  }

  // DRAM transfers that end at `done`; `time` is how the last one to end took its time.
  struct Fetched {
    uint64_t done = 0;
    TransferTime time;
  };

  // The blocks' bytes, then their tags, both issued at cycle `issue` and in flight together (a
  // DRAM that defers serves them as one stream). The order is fixed (a DRAM that serves in order
  // sees the same sequence on every compiler, which std::max over two calls would not
  // guarantee).
  using InFlight = std::array<Completion, 2>;
  InFlight in_flight(tlm::tlm_command cmd, const TileExtension& ext, uint64_t data_address,
                     int64_t bytes, uint64_t tag_address, int64_t tag_bytes, uint64_t issue) {
    InFlight both;
    both[0] = dram(cmd, ext, data_address, bytes, issue);
    both[1] = dram(cmd, ext, tag_address, tag_bytes, issue);
    return both;
  }
  // When both are done.
  static Fetched settled(InFlight& both) {
    const uint64_t data = both[0].settle(), tag = both[1].settle();
    return tag > data ? Fetched{tag, both[1].time} : Fetched{data, both[0].time};
  }
  Fetched blocks_and_tags(tlm::tlm_command cmd, const TileExtension& ext, uint64_t data_address,
                          int64_t bytes, uint64_t tag_address, int64_t tag_bytes, uint64_t issue) {
    InFlight both = in_flight(cmd, ext, data_address, bytes, tag_address, tag_bytes, issue);
    return settled(both);
  }

  // A DRAM transfer of `bytes` issued at cycle `issue`, perhaps still to be settled.
  Completion dram(tlm::tlm_command cmd, const TileExtension& ext, uint64_t address, int64_t bytes,
                  uint64_t issue) {
    Completion c;
    c.cycle = issue;
    if (bytes == 0) return c;
    Transaction tr;
    tr.ext = ext;
    tr.ext.command = Command::memory;
    tr.ext.bytes = bytes;
    tr.ext.may_defer = true;
    tr.ext.completion = Completion{};
    tr.prepare(cmd, address);
    sc_core::sc_time d = delay_until(issue);
    to_dram->b_transport(tr.payload, d);
    check_response(tr.payload, name());
    if (tr.ext.completion.pending()) return std::move(tr.ext.completion);
    c.cycle = cycle_at(d);
    c.time = tr.ext.transfer_time;
    return c;
  }

  const EngineKind& kind_;
  size_t tag_bytes_;
  bool shared_;
  std::vector<int64_t> engines_;     // engines per pool (one pool per tensor, or one shared)
  std::vector<uint64_t> pool_free_;  // cycle each pool is free again
  std::unique_ptr<ProtectedStore> store_;
  std::vector<Attack> attacks_;
  // Tile-block extents of compressed streams, per layer and tensor (the engine's timing).
  std::map<std::pair<const Layer*, Tensor>, StreamBlocks> streams_;
  uint64_t& aes_;
  uint64_t& gf_;
  uint64_t& verified_;
  uint64_t& encrypted_;
  uint64_t& redundant_read_;
  uint64_t& redundant_written_;
  uint64_t& rmw_;
  uint64_t& tag_read_;
  uint64_t& tag_written_;
  uint64_t& busy_;
  uint64_t& waits_;
};

}  // namespace

TESSERA_REGISTER_WITH_FACTS(
    CryptoEngine, aes_gcm, AesGcmEngine, CryptoEngine::Facts{true},
    "AES-GCM authenticated encryption with authentication blocks and tags in DRAM",
    {choice_param("engine", "pipelined", {"pipelined", "parallel", "serial"},
                  "AES-GCM engine kind (latency and energy per 128-bit block, 40 nm)"),
     choice_param("key_bits", "128", {"128", "256"}, "AES key size"),
     choice_param("tag_bits", "64", {"32", "64", "96", "104", "112", "120", "128"},
                  "tag length (GCM tags may be truncated to these)"),
     int_param("inputs_engines", 1, "engines", "engines serving input tensors"),
     int_param("weights_engines", 1, "engines", "engines serving weight tensors"),
     int_param("outputs_engines", 1, "engines", "engines serving output tensors"),
     bool_param("shared_engines", false, "all engines form one pool serving every tensor"),
     int_param("key_seed", 1, "", "seed the on-chip key is drawn from", 0)});

}  // namespace tessera
