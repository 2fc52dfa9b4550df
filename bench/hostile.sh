#!/usr/bin/env bash
# Hostile and large inputs (issue 20): peak memory and time of `spbe` on each, release build.
#
#   bench/hostile.sh            # generate into a temp folder, build, measure, print a table
#   KEEP=1 bench/hostile.sh     # keep the generated inputs (path printed)
#
# Needs GNU time (Debian package `time`; installed if missing). About 2 GB in $TMPDIR while it
# runs (the 1M-row CSV of bench/run.sh, the 1M-row workbook, 100 000 small sheets). Expected:
# every hostile file refused with exit 2 (or read) under 256 MB; the large valid inputs read
# under 256 MB; the folder of 100 000 sheets well under 10 s.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/time ]; then
    echo "installing time" >&2
    apt-get install -y time >/dev/null
fi

cargo build --release --quiet --bin spbe --example hostile_gen --example bench_gen
spbe=$PWD/target/release/spbe

dir=$(mktemp -d "${TMPDIR:-/tmp}/spbe-hostile.XXXXXX")
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$dir"' EXIT; else echo "inputs kept in $dir"; fi
target/release/examples/hostile_gen "$dir" 2>/dev/null
target/release/examples/bench_gen "$dir" 2>/dev/null
cd "$dir"

echo "machine: $(nproc) cores, $(uname -sm); $("$spbe" --version)"
printf '%-44s %5s %9s %8s %8s\n' "command" "exit" "peak MiB" "wall s" "cpu s"
run() { # prints: command, exit code, peak RSS, wall and CPU seconds
    local code=0
    /usr/bin/time -o t.txt -f '%M %e %U %S' "$spbe" "$@" >/dev/null 2>/dev/null || code=$?
    awk -v cmd="$*" -v code="$code" 'END { printf "%-44s %5s %9.1f %8.2f %8.2f\n", cmd, code, $1 / 1024, $2, $3 + $4 }' t.txt
}
for f in inflate.xlsx inflate.ods sst-bomb.xlsx spaces.ods grid.ods cell-240mib.xlsx; do
    run score "$f"
done
run score rows-1m.xlsx --format json
run opd rows-1m.xlsx --format json
run report rows-1m.xlsx -o r.html
run report rows-1m.xlsx -o r.xlsx
run score answers-1m.csv --format json
run opd answers-1m.csv
run opd answers-1m.csv --format json
run report answers-1m.csv -o r.html
run report answers-1m.csv -o r.xlsx
run report answers-1m.csv --format markdown
run score sheets-100k --format json
run score sheets-100k
