#!/usr/bin/env bash
# Benchmarks against a bare csv pass: `spbe score FILE --format json` (issue 7) and
# `spbe compare FILE --format json` on a national long file (issue 17).
#
#   bench/run.sh                 # generate inputs into a temp folder, build, measure, print figures
#   ONLY=compare bench/run.sh    # only the national file (ONLY=score: only spbe score)
#   KEEP=1 bench/run.sh          # keep the temp folder (its path is printed)
#
# Needs hyperfine and GNU time (Debian packages `hyperfine` and `time`; installed if missing
# and apt-get is available). Inputs are generated with a fixed seed (examples/bench_gen.rs).
set -euo pipefail
cd "$(dirname "$0")/.."

need() {
    if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$2" ]; then
        echo "installing $3" >&2
        apt-get install -y "$3" >/dev/null
    fi
}
need hyperfine /usr/bin/hyperfine hyperfine
need /usr/bin/time /usr/bin/time time

cargo build --release --quiet --bin spbe --example csv_pass --example reader_pass --example bench_gen
spbe=target/release/spbe
pass=target/release/examples/csv_pass
reader=target/release/examples/reader_pass

dir=$(mktemp -d "${TMPDIR:-/tmp}/spbe-bench.XXXXXX")
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$dir"' EXIT; else echo "inputs kept in $dir"; fi
if [ "${ONLY:-}" = compare ]; then
    target/release/examples/bench_gen "$dir" national
else
    target/release/examples/bench_gen "$dir"
fi
one="$dir/answers-1m.csv"

echo "machine: $(nproc) cores, $(uname -sm); $("$spbe" --version); load average $(cut -d' ' -f1-3 /proc/loadavg)"

peak() { # peak RSS in MiB of a command
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk '/Maximum resident/ { printf "%.1f MiB", $6 / 1024 }'
}

peaks() { # median, lowest and highest peak RSS of 9 runs (a two-thread read varies by ~0.3 MiB)
    for _ in 1 2 3 4 5 6 7 8 9; do
        /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n1
    done | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f MiB (%.1f to %.1f)", v[5] / 1024, v[1] / 1024, v[9] / 1024 }'
}

if [ "${ONLY:-}" != compare ]; then
echo "1M-row file: $(wc -l <"$one") lines, $(($(stat -c %s "$one") / 1048576)) MiB"

hyperfine --warmup 2 --runs 10 --style basic --export-json "$dir/big.json" \
    -n csv-pass "$pass $one" \
    -n spbe-reader-pass "$reader $one" \
    -n spbe-score "$spbe score $one --format json"
python3 - "$dir/big.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
p, s = r["csv-pass"]["median"], r["spbe-score"]["median"]
q = r["spbe-reader-pass"]["median"]
print(f"ratio spbe-score / csv-pass (median): {s / p:.2f}x  ({s * 1000:.0f} ms vs {p * 1000:.0f} ms)")
print(f"spbe's reader alone (read, hash, parse; no checks): {q * 1000:.0f} ms ({q / p:.2f}x)")
PY

hyperfine --warmup 3 --runs 30 --style basic -N --export-json "$dir/small.json" \
    -n sheet-47 "$spbe score $dir/sheet-47.csv --format json"
hyperfine --warmup 1 --runs 5 --style basic --export-json "$dir/folder.json" \
    -n sheets-5000 "$spbe score $dir/sheets-5000 --format json"
python3 - "$dir/small.json" "$dir/folder.json" <<'PY'
import json, sys
for f in sys.argv[1:]:
    for x in json.load(open(f))["results"]:
        print(f"median {x['command']}: {x['median'] * 1000:.1f} ms")
PY

echo "peak RSS csv-pass 1M:        $(peak "$pass" "$one")"
echo "peak RSS spbe score 1M:      $(peak "$spbe" score "$one" --format json)"
echo "peak RSS spbe score 10x1M:   $(peak "$spbe" score "$dir/answers-10m" --format json)"
echo "peak RSS spbe score 47 rows: $(peak "$spbe" score "$dir/sheet-47.csv" --format json)"
echo "peak RSS spbe score 5000x47: $(peak "$spbe" score "$dir/sheets-5000" --format json)"
fi

if [ "${ONLY:-}" != score ]; then
# The national long file (examples/bench_gen.rs): 1,250 institutions x 17 OPD x 47 indicators,
# `instansi,opd,indicator,level`, grouped by institution; and one with 12,500 institutions.
nat="$dir/national-1m.csv"
nat10="$dir/national-10m.csv"
echo "national file: $(wc -l <"$nat") lines, $(($(stat -c %s "$nat") / 1048576)) MiB; ten times longer: $(($(stat -c %s "$nat10") / 1048576)) MiB"
# 40 runs without a shell: one run in ten is slowed by something else on a shared machine.
hyperfine -N --warmup 3 --runs 40 --style basic --export-json "$dir/national.json" \
    -n csv-pass "$pass $nat" \
    -n spbe-compare "$spbe compare $nat --format json" \
    -n spbe-compare-sha256 "$spbe compare $nat --format json --sha256"
python3 - "$dir/national.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
p, c, h = (r[k]["median"] for k in ("csv-pass", "spbe-compare", "spbe-compare-sha256"))
print(f"ratio spbe-compare / csv-pass (median): {c / p:.2f}x  ({c * 1000:.0f} ms vs {p * 1000:.0f} ms)")
print(f"with --sha256: {h * 1000:.0f} ms ({h / p:.2f}x)")
PY
echo "peak RSS csv-pass national:       $(peak "$pass" "$nat")"
echo "peak RSS spbe compare national:   $(peaks "$spbe" compare "$nat" --format json)"
echo "peak RSS spbe compare 10x:        $(peaks "$spbe" compare "$nat10" --format json)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
