#!/usr/bin/env bash
# How long this machine takes to fault in fresh memory: a small C program touches 200 MB of
# anonymous memory, with MADV_HUGEPAGE (as the range engine's memo) and with 4 KiB pages, each
# run after a pause ("cold": on a VM with free-page reporting, memory freed seconds ago has gone
# back to the host) and back to back ("warm"). It explains the swings of one-thread runs in
# benches/compare.sh. Usage: bash benches/page-faults.sh [ROUNDS]   (default 3)
set -euo pipefail
ROUNDS=${1:-3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/touch.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
int main(int argc, char **argv) {
    size_t n = 200u << 20;
    int huge = argc > 1 && atoi(argv[1]);
    char *p = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 1;
#ifdef MADV_HUGEPAGE
    if (huge) madvise(p, n, MADV_HUGEPAGE);
#endif
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (size_t i = 0; i < n; i += 4096) p[i] = 1;
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%s %.3f s\n", huge ? "huge pages" : "4 KiB pages",
           (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) * 1e-9);
    return 0;
}
C
cc -O2 -o "$dir/touch" "$dir/touch.c"
for round in $(seq 1 "$ROUNDS"); do
    for huge in 1 0; do
        sleep 3
        echo "round $round cold: $("$dir/touch" "$huge")"
    done
    for huge in 1 1 0; do
        echo "round $round warm: $("$dir/touch" "$huge")"
    done
done
