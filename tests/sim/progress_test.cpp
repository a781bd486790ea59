// The progress line: its text (count, rate, time left), that it waits about a second before it
// draws, and that the tessera program draws it on a terminal only. The terminal is a
// pseudo-terminal the test opens (forkpty); TESSERA_PROGRESS_AFTER=0 draws it at once.
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <sstream>
#include <string>

#include "sim/progress.h"
#include "tests/support/files.h"
#include "tests/support/program.h"

namespace {

using tessera::ProgressLine;

using tessera::test::kBinary;

ProgressLine::Options options(std::ostream& out, const double& now) {
  ProgressLine::Options o;
  o.enabled = true;
  o.out = &out;
  o.clock = [&now] { return now; };
  return o;
}

TEST(ProgressLine, SaysCountRateAndTimeLeft) {
  std::ostringstream out;
  double now = 0;
  const ProgressLine line("layers", 54, options(out, now));
  EXPECT_EQ(line.text(12, "3.10e+08 cycles", 4.0),
            "12/54 layers  3.10e+08 cycles  3.00 layers/s  ETA 14 s");
  EXPECT_EQ(line.text(1, "", 100.0), "1/54 layers  0.01 layers/s  ETA 1 h 28 min");
  EXPECT_EQ(line.text(54, "", 2.0), "54/54 layers  27.0 layers/s");
}

TEST(ProgressLine, WaitsASecondThenDrawsAndErasesItself) {
  std::ostringstream out;
  double now = 0;
  {
    ProgressLine line("tiles", 10, options(out, now));
    now = 0.5;
    line.update(3);
    EXPECT_EQ(out.str(), "");  // short work shows nothing
    now = 1.5;
    line.update(5);
    EXPECT_EQ(out.str(), "\r\x1b[K5/10 tiles  3.33 tiles/s  ETA 2 s");
    now = 1.55;
    line.update(6);  // redrawn at most ten times a second
    EXPECT_EQ(out.str(), "\r\x1b[K5/10 tiles  3.33 tiles/s  ETA 2 s");
  }
  EXPECT_EQ(out.str().substr(out.str().size() - 4), "\r\x1b[K");
}

TEST(ProgressLine, DisabledDrawsNothing) {
  std::ostringstream out;
  double now = 5;
  ProgressLine::Options o = options(out, now);
  o.enabled = false;
  {
    ProgressLine line("layers", 2, o);
    now = 10;
    line.update(1);
  }
  EXPECT_EQ(out.str(), "");
}

// Runs `args` with stdout and stderr on a pseudo-terminal; returns what it showed there.
std::string on_terminal(const std::string& args, int& status) {
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid == 0) {
    setenv("TESSERA_PROGRESS_AFTER", "0", 1);
    execl("/bin/sh", "sh", "-c", (kBinary + " " + args).c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string shown;
  std::array<char, 4096> buf{};
  for (ssize_t n = 0; (n = read(master, buf.data(), buf.size())) > 0;) {
    shown.append(buf.data(), static_cast<size_t>(n));
  }
  close(master);
  waitpid(pid, &status, 0);
  return shown;
}

TEST(ProgressOnTheCommandLine, DrawnOnATerminal) {
  int status = 0;
  const std::string shown = on_terminal("run > /dev/null", status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(shown.find("54/54 layers"), std::string::npos) << shown;
  EXPECT_NE(shown.find("cycles"), std::string::npos) << shown;
}

TEST(ProgressOnTheCommandLine, NotWithQuiet) {
  int status = 0;
  const std::string shown = on_terminal("run --quiet", status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(shown, "");
}

TEST(ProgressOnTheCommandLine, NeverWhenStderrIsNotATerminal) {
  std::string err;
  ASSERT_EQ(tessera::test::run_stderr("TESSERA_PROGRESS_AFTER=0 " + kBinary + " run", err), 0);
  EXPECT_EQ(err, "");
}

}  // namespace
