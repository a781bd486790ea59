#!/usr/bin/env bash
# Installs tessera's build and test dependencies from Debian packages. Idempotent: packages that
# are already installed are left alone, and apt is not touched when nothing is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libsystemc-dev            # SystemC 2.3 with TLM-2.0 (pkg-config: systemc)
  libboost-program-options-dev
  libssl-dev                # OpenSSL EVP (AES-GCM)
  libgtest-dev libbenchmark-dev
  libyaml-cpp-dev nlohmann-json3-dev
  libonnx-dev libprotobuf-dev  # ONNX protobuf classes and shape inference (import onnx)
  clang-format clang-tidy
  gnuplot-nox               # plots (PNG) of the experiment scripts
  jq                        # reading JSON reports in the experiment scripts
  parallel                  # tessera sweep --engine parallel (GNU parallel)
  slurm-wlm munge           # tessera sweep --engine slurm, and its single-node test cluster
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install_deps: all ${#packages[@]} packages present"
  exit 0
fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then as_root=(sudo); fi
echo "install_deps: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}"
