// buffer: the slotted buffers (buffet, prescient, tailors) driven straight through their sockets:
// what a tile does to its slot, what goes to memory and when, and the errors a command sequence
// the buffer cannot serve gets. Each test runs in its own process (SystemC elaborates once per
// process).
#include <gtest/gtest.h>

#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/buffer/interface.h"
#include "sim/arch_config.h"
#include "sim/error.h"
#include "sim/registry.h"

namespace tessera {
namespace {

constexpr uint64_t kMemoryCycles = 10;

struct BufferInitiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<BufferInitiator> socket{"socket"};
  explicit BufferInitiator(const sc_core::sc_module_name& n) : sc_core::sc_module(n) {}
};

// Memory whose 32-bit word at byte address a holds a / 4; it records every transfer and answers
// after kMemoryCycles.
struct Memory : sc_core::sc_module {
  struct Transfer {
    tlm::tlm_command command;
    uint64_t address;
    int64_t bytes;
    Box box;
  };
  tlm_utils::simple_target_socket<Memory> socket{"socket"};
  std::vector<Transfer> transfers;

  explicit Memory(const sc_core::sc_module_name& n) : sc_core::sc_module(n) {
    socket.register_b_transport(this, &Memory::transport);
  }
  void transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    const TileExtension& ext = extension_of(p);
    transfers.push_back({p.get_command(), p.get_address(), ext.bytes, ext.box});
    if (p.is_read() && p.get_data_ptr() != nullptr) {
      auto* words = reinterpret_cast<int32_t*>(p.get_data_ptr());
      std::iota(words, words + p.get_data_length() / 4, static_cast<int32_t>(p.get_address() / 4));
    }
    delay += Component::cycles(kMemoryCycles);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

// `n` 32-bit words of a flat tensor, from word `first` on.
Box words(int64_t first, int64_t n) {
  Box b;
  b.shape = {1, 1, 1, 1 << 20};
  b.lo = {0, 0, 0, first};
  b.hi = {1, 1, 1, first + n};
  return b;
}

// One buffer of the built-in architecture with `overrides`, between a controller, a PE array (and
// a vector unit) and a memory.
struct BufferBench {
  std::unique_ptr<Buffer> buffer;
  BufferInitiator controller{"controller"};
  BufferInitiator pe{"pe"};
  BufferInitiator vector{"vector"};
  Memory memory{"memory"};
  Layer layer;  // 8-bit values

  BufferBench(const std::string& impl, const std::vector<std::string>& overrides) {
    Component::set_clock_mhz(1000);
    std::vector<std::string> all{"buffer.impl=" + impl};
    all.insert(all.end(), overrides.begin(), overrides.end());
    const ArchConfig arch = load_arch(default_arch_yaml(), "<built-in>", all);
    buffer =
        Registry<Buffer>::instance().find(impl, {}).create("buffer", arch.module("buffer").params);
    controller.socket.bind(buffer->from_controller);
    pe.socket.bind(buffer->from_pe);
    vector.socket.bind(buffer->from_vector);
    buffer->to_memory.bind(memory.socket);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);  // ends elaboration
  }

  // Sends one transaction to `to`; returns its delay in cycles. Functional mode carries values:
  // `values` (PE reads and writes) holds the box's.
  uint64_t send(BufferInitiator& to, Command command, tlm::tlm_command direction, Tensor tensor,
                int slot, const Box& box, int64_t bytes, uint64_t address = 0,
                std::vector<int32_t>* values = nullptr, bool functional = false) {
    Transaction t;
    t.prepare(direction, address, values != nullptr ? values->data() : nullptr,
              values != nullptr ? values->size() : 0);
    t.ext.command = command;
    t.ext.element_bits = layer.precision_bits;
    t.ext.tensor = tensor;
    t.ext.slot = slot;
    t.ext.box = box;
    t.ext.bytes = bytes;
    t.ext.functional = functional || values != nullptr;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    to.socket->b_transport(t.payload, delay);
    EXPECT_TRUE(t.payload.is_response_ok());
    return Component::to_cycles(delay);
  }
  uint64_t fetch(Tensor t, int slot, const Box& box, int64_t bytes, uint64_t address = 0,
                 bool functional = false) {
    return send(controller, Command::fetch, tlm::TLM_READ_COMMAND, t, slot, box, bytes, address,
                nullptr, functional);
  }
  uint64_t writeback(Tensor t, int slot, const Box& box, int64_t bytes, uint64_t address = 0) {
    return send(controller, Command::writeback, tlm::TLM_WRITE_COMMAND, t, slot, box, bytes,
                address);
  }
  void release(Tensor t, int slot) {
    (void)send(controller, Command::release, tlm::TLM_IGNORE_COMMAND, t, slot, Box{}, 0);
  }
  uint64_t read(Tensor t, int slot, const Box& box, int64_t bytes,
                std::vector<int32_t>* values = nullptr) {
    return send(pe, Command::operand, tlm::TLM_READ_COMMAND, t, slot, box, bytes, 0, values);
  }
  uint64_t write(Tensor t, int slot, const Box& box, int64_t bytes, uint64_t address = 0,
                 std::vector<int32_t>* values = nullptr) {
    return send(pe, Command::operand, tlm::TLM_WRITE_COMMAND, t, slot, box, bytes, address, values);
  }

  [[nodiscard]] uint64_t counter(const std::string& name) const {
    for (const auto& c : buffer->stats().snapshot()) {
      if (c.name == name) return c.value;
    }
    ADD_FAILURE() << "no counter " << name;
    return 0;
  }
};

// The message of the SimulationError `f` throws ("" when it throws none).
template <typename F>
std::string simulation_error(F&& f) {
  try {
    f();
  } catch (const SimulationError& e) {
    return e.what();
  }
  return "";
}

TEST(SlottedBuffer, BuffetFetchReadWritebackMoveTheTileAndCountItsWords) {
  BufferBench b("buffet", {});
  const Box tile = words(0, 128);
  EXPECT_EQ(b.fetch(Tensor::inputs, 0, tile, 512, 0x4000), kMemoryCycles);
  ASSERT_EQ(b.memory.transfers.size(), 1u);
  EXPECT_EQ(b.memory.transfers[0].command, tlm::TLM_READ_COMMAND);
  EXPECT_EQ(b.memory.transfers[0].address, 0x4000u);
  EXPECT_EQ(b.memory.transfers[0].bytes, 512);
  // The PE port moves banks x bank_width = 16 x 8 bytes per cycle.
  EXPECT_EQ(b.read(Tensor::inputs, 0, tile, 512), 512u / 128u);
  EXPECT_EQ(b.writeback(Tensor::inputs, 0, tile, 512, 0x4000), kMemoryCycles);
  ASSERT_EQ(b.memory.transfers.size(), 2u);
  EXPECT_EQ(b.memory.transfers[1].command, tlm::TLM_WRITE_COMMAND);
  EXPECT_EQ(b.memory.transfers[1].bytes, 512);
  EXPECT_EQ(b.counter("fills"), 1u);
  EXPECT_EQ(b.counter("drains"), 1u);
  EXPECT_EQ(b.counter("write_word"), 512u / 8u);      // the fill
  EXPECT_EQ(b.counter("read_word"), 2u * 512u / 8u);  // the PE read and the writeback
  EXPECT_EQ(b.counter("peak_occupancy"), 512u);
}

TEST(SlottedBuffer, AReadOfATileNotFetchedIsAnError) {
  BufferBench b("buffet", {});
  b.fetch(Tensor::weights, 0, words(0, 16), 16);
  EXPECT_EQ(simulation_error([&] { b.read(Tensor::weights, 0, words(16, 16), 16); }),
            "buffer: weights tile requested but not resident (the controller did not fetch it)");
  b.release(Tensor::weights, 0);
  EXPECT_NE(simulation_error([&] { b.read(Tensor::weights, 0, words(0, 16), 16); }), "");
}

TEST(SlottedBuffer, DoubleBufferingKeepsTwoTilesPerTensorAndSingleBufferingOne) {
  BufferBench twice("buffet", {"buffer.double_buffered=true"});
  twice.fetch(Tensor::inputs, 0, words(0, 16), 16);
  twice.fetch(Tensor::inputs, 1, words(16, 16), 16);
  EXPECT_EQ(simulation_error([&] { twice.read(Tensor::inputs, 0, words(0, 16), 16); }), "");
  EXPECT_EQ(twice.counter("peak_occupancy"), 32u);
}

TEST(SlottedBuffer, SingleBufferingHasOneSlotPerTensor) {
  BufferBench once("buffet", {"buffer.double_buffered=false"});
  once.fetch(Tensor::inputs, 0, words(0, 16), 16);
  once.fetch(Tensor::inputs, 1, words(16, 16), 16);  // takes the same slot
  EXPECT_NE(simulation_error([&] { once.read(Tensor::inputs, 0, words(0, 16), 16); }), "");
  EXPECT_EQ(once.counter("peak_occupancy"), 16u);
}

TEST(SlottedBuffer, ResidentTilesBeyondTheCapacityAreAnError) {
  BufferBench b("buffet", {"buffer.capacity_kib=1"});
  b.fetch(Tensor::inputs, 0, words(0, 600), 600);
  EXPECT_EQ(simulation_error([&] { b.fetch(Tensor::weights, 0, words(0, 600), 600); }),
            "buffer: resident tiles need 1200 bytes, more than the capacity 1024");
  EXPECT_EQ(b.counter("peak_occupancy"), 600u);
  b.release(Tensor::inputs, 0);
  b.fetch(Tensor::weights, 0, words(0, 1024), 1024);  // a released slot frees its bytes
  EXPECT_EQ(b.counter("peak_occupancy"), 1024u);
}

TEST(SlottedBuffer, BuffetOutputTileWrittenByThePeTakesItsSlotAtTheLayersPrecision) {
  BufferBench b("buffet", {});
  const Box tile = words(0, 100);
  EXPECT_EQ(b.write(Tensor::outputs, 0, tile, 400), 400u / 128u + 1);
  EXPECT_TRUE(b.memory.transfers.empty());
  EXPECT_EQ(b.counter("peak_occupancy"), 100u);  // 100 values of 8 bits
  EXPECT_EQ(b.counter("write_word"), 400u / 8u);
  EXPECT_EQ(b.writeback(Tensor::outputs, 0, tile, 400), kMemoryCycles);
}

// 1 KiB, double-buffered: a slot holds 128 words; regions A 32, B 64, outputs 32 words.
TEST(SlottedBuffer, PrescientRejectsATileLargerThanItsRegion) {
  BufferBench b("prescient", {"buffer.capacity_kib=1"});
  b.fetch(Tensor::inputs, 0, words(0, 32), 128);
  EXPECT_EQ(simulation_error([&] { b.fetch(Tensor::inputs, 1, words(32, 33), 132); }),
            "buffer: a inputs tile of 33 words does not fit its region of 32 words");
}

TEST(SlottedBuffer, TailorsKeepsTheHeadOfAnOverbookedTileAndRefetchesItsTailOnReuse) {
  BufferBench b("tailors", {"buffer.capacity_kib=1"});
  const Box tile = words(0, 100);  // B's region is 64 words; the head 64 - 64/16 = 60
  b.fetch(Tensor::weights, 0, tile, 400, 0x1000, true);
  EXPECT_EQ(b.counter("overbooked_tiles"), 1u);
  EXPECT_EQ(b.counter("bumped_words"), 40u);
  EXPECT_EQ(b.counter("peak_occupancy"), 60u * 4u);

  // The first pass consumes the tail as it arrives with the fill: no memory traffic.
  std::vector<int32_t> first(100);
  EXPECT_EQ(b.read(Tensor::weights, 0, tile, 400, &first), 400u / 128u + 1);
  EXPECT_EQ(b.memory.transfers.size(), 1u);

  // A reuse pass streams the 40-word tail from memory again and waits for it.
  std::vector<int32_t> second(100);
  EXPECT_EQ(b.read(Tensor::weights, 0, tile, 400, &second), kMemoryCycles);
  ASSERT_EQ(b.memory.transfers.size(), 2u);
  const Memory::Transfer& tail = b.memory.transfers[1];
  EXPECT_EQ(tail.command, tlm::TLM_READ_COMMAND);
  EXPECT_EQ(tail.address, 0x1000u + 60u * 4u);
  EXPECT_EQ(tail.bytes, 40 * 4);
  EXPECT_EQ(tail.box.lo[3], 60);
  EXPECT_EQ(tail.box.hi[3], 100);
  EXPECT_EQ(b.counter("refetched_bytes"), 160u);
  EXPECT_EQ(b.counter("write_word"), (400u + 160u) / 8u);

  std::vector<int32_t> expected(100);
  std::iota(expected.begin(), expected.end(), 0x1000 / 4);
  EXPECT_EQ(first, expected);
  EXPECT_EQ(second, expected);  // the resident head, then the re-fetched tail
}

TEST(SlottedBuffer, TailorsSpillsTheTailOfAnOverbookedOutputAndWritesBackOnlyTheHead) {
  BufferBench b("tailors", {"buffer.capacity_kib=1"});
  const Box tile = words(0, 50);  // the outputs' region is 32 words; the head 30
  EXPECT_EQ(b.write(Tensor::outputs, 0, tile, 200, 0x2000), kMemoryCycles);
  ASSERT_EQ(b.memory.transfers.size(), 1u);
  EXPECT_EQ(b.memory.transfers[0].command, tlm::TLM_WRITE_COMMAND);
  EXPECT_EQ(b.memory.transfers[0].address, 0x2000u + 30u * 4u);
  EXPECT_EQ(b.memory.transfers[0].bytes, 20 * 4);

  // The tail has left: a read re-fetches it.
  EXPECT_EQ(b.read(Tensor::outputs, 0, tile, 200), kMemoryCycles);
  ASSERT_EQ(b.memory.transfers.size(), 2u);
  EXPECT_EQ(b.memory.transfers[1].command, tlm::TLM_READ_COMMAND);

  b.writeback(Tensor::outputs, 0, tile, 200, 0x2000);
  ASSERT_EQ(b.memory.transfers.size(), 3u);
  const Memory::Transfer& head = b.memory.transfers[2];
  EXPECT_EQ(head.command, tlm::TLM_WRITE_COMMAND);
  EXPECT_EQ(head.address, 0x2000u);
  EXPECT_EQ(head.bytes, 30 * 4);
  EXPECT_EQ(head.box.lo[3], 0);
  EXPECT_EQ(head.box.hi[3], 30);
  EXPECT_EQ(b.counter("read_word"), (200u + 120u) / 8u);
}

TEST(SlottedBuffer, TailorsTileThatFitsIsNeverRefetched) {
  BufferBench b("tailors", {"buffer.capacity_kib=1"});
  const Box tile = words(0, 64);
  b.fetch(Tensor::weights, 0, tile, 256);
  for (int pass = 0; pass < 3; ++pass) EXPECT_EQ(b.read(Tensor::weights, 0, tile, 256), 2u);
  EXPECT_EQ(b.memory.transfers.size(), 1u);
  EXPECT_EQ(b.counter("overbooked_tiles"), 0u);
  EXPECT_EQ(b.counter("refetched_bytes"), 0u);
}

}  // namespace
}  // namespace tessera
