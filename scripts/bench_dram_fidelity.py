#!/usr/bin/env python3
"""Compares `tessera dram` with DRAMSim3 on the reference cases of tests/data/dram_reference/.

Makes each case's trace with gen_traces.py, replays it with the case's .ini, and prints row hits,
ACTs and average read latency against DRAMSim3's (results.json), with the relative difference.
Usage: scripts/bench_dram_fidelity.py [--controller ini|single-queue] [CASE ...]
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.path.join(ROOT, "tests", "data", "dram_reference")


def main(argv):
    controller = "ini"
    if argv[:1] == ["--controller"]:
        controller, argv = argv[1], argv[2:]
    cases = json.load(open(os.path.join(REF, "results.json")))
    names = argv or list(cases)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, os.path.join(REF, "gen_traces.py"), tmp] + names,
                       check=True, stdout=subprocess.DEVNULL)
        print(f"controller: {controller}")
        print("| case | saturated | row hits (tessera / DRAMSim3) | ACT | avg read latency |")
        print("|---|---|---|---|---|")
        for name in names:
            c = cases[name]
            out = os.path.join(tmp, name + ".json")
            subprocess.run([os.path.join(ROOT, "build", "tessera"), "dram", "--ini",
                            os.path.join(ROOT, "data", "dram", c["ini"]), "--controller",
                            controller, "--trace", os.path.join(tmp, name + ".trace"), "--json",
                            out], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            t = json.load(open(out))
            pairs = [(t["read_row_hits"] + t["write_row_hits"],
                      c["num_read_row_hits"] + c["num_write_row_hits"]),
                     (t["activates"], c["num_act_cmds"]),
                     (t["avg_read_latency_cycles"], c["average_read_latency"])]
            cells = [f"{a:.2f} / {b:.2f} ({100 * (a - b) / max(b, 1):+.1f} %)" if isinstance(a, float)
                     else f"{a} / {b} ({100 * (a - b) / max(b, 1):+.1f} %)" for a, b in pairs]
            print(f"| {name} | {'yes' if c['saturated'] else 'no'} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
