#!/bin/sh
# Runs each fuzz target for $1 seconds (default 300) on its corpus, one after the other.
cd "$(dirname "$0")"
T=${1:-300}
for t in ${TARGETS:-csv_loader xlsx_loader ods_loader model_loader side_files}; do
  mkdir -p corpus/$t artifacts/$t
  ./target/x86_64-unknown-linux-gnu/release/$t corpus/$t -max_total_time=$T -rss_limit_mb=2048 \
    -timeout=30 -max_len=65536 -artifact_prefix=artifacts/$t/ -print_final_stats=1 2>&1 | tail -25 > artifacts/$t.log
done
