#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each with cargo fuzz (libFuzzer, AddressSanitizer,
# debug assertions and overflow checks on), on the nightly toolchain, and prints one line per target:
# seconds, executions, coverage (edges and features), corpus size, and crashes. Exits non-zero when a target
# crashed, hung (a single input over 10 s), leaked or ran out of memory; the input that did it is kept under
# fuzz/artifacts/<target>/ and the log under fuzz/logs/<target>.log.
#
# Usage: fuzz/run.sh SECONDS [TARGET...]
#   fuzz/run.sh 300            every target for 5 minutes
#   FUZZ_BUILD=dev fuzz/run.sh 5   the smoke run of .ci/run (an unoptimised build: quicker to build)
#   fuzz/run.sh 60 settings    one target
# Replay a crash: cargo +nightly fuzz run -a <target> fuzz/artifacts/<target>/<file>
#
# Installs cargo-fuzz (from crates.io) when it is missing; needs the nightly toolchain and a C++ compiler.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "$#" -lt 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
    echo "usage: fuzz/run.sh SECONDS [TARGET...]" >&2
    exit 2
fi
seconds="$1"
shift

if ! command -v cargo >/dev/null 2>&1 && [ -x "${HOME}/.cargo/bin/cargo" ]; then
    export PATH="${HOME}/.cargo/bin:${PATH}"
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz/run.sh: installing the nightly toolchain"
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz/run.sh: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

# The dictionary of each target: the settings' field names and choices, or the members of service answers.
dictionary() {
    case "$1" in
        session_options | settings) echo "fuzz/dictionaries/settings.dict" ;;
        *) echo "fuzz/dictionaries/answers.dict" ;;
    esac
}

# FUZZ_BUILD=dev builds without optimizations: much quicker to build, slower to run (the smoke run of .ci/run).
mode=()
if [ "${FUZZ_BUILD:-release}" = dev ]; then
    mode=(--dev)
fi

cargo +nightly fuzz build "${mode[@]}" --debug-assertions

mkdir -p fuzz/logs
failed=0
printf '%-16s %8s %12s %8s %8s %8s %8s\n' target seconds execs cov ft corpus crashes
for target in "${targets[@]}"; do
    corpus="fuzz/corpus/${target}"
    # Only this run's findings count (a replayed one is found again from the corpus).
    rm -rf "fuzz/artifacts/${target}"
    mkdir -p "${corpus}" "fuzz/artifacts/${target}"
    log="fuzz/logs/${target}.log"
    status=0
    cargo +nightly fuzz run "${mode[@]}" --debug-assertions "${target}" "${corpus}" "fuzz/seeds/${target}" -- \
        -max_total_time="${seconds}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -dict="$(dictionary "${target}")" -print_final_stats=1 >"${log}" 2>&1 || status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "${log}" | tail -n 1)
    done_line=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE|INITED)' "${log}" | tail -n 1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"${done_line}")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"${done_line}")
    corpus_size=$(find "${corpus}" -type f | wc -l)
    crashes=$(find "fuzz/artifacts/${target}" -type f | wc -l)
    printf '%-16s %8s %12s %8s %8s %8s %8s\n' "${target}" "${seconds}" "${execs:-?}" "${cov:-?}" "${ft:-?}" \
        "${corpus_size}" "${crashes}"
    if [ "${status}" -ne 0 ] || [ "${crashes}" -ne 0 ]; then
        failed=1
        echo "fuzz/run.sh: ${target} failed (exit ${status}); see ${log} and fuzz/artifacts/${target}/" >&2
        grep -E 'ERROR|panicked|SUMMARY|Test unit written' "${log}" | head -n 20 >&2 || true
    fi
done
exit "${failed}"
