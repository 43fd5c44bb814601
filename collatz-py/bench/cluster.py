"""collatz_engine.distributed.summary on a LocalCluster against collatz_engine.summary in one
process, side by side on the same machine (alternating rounds, fresh engines and a fresh
cluster per round), with their equality checked. The issue's target: at most 1.15x.

    python bench/cluster.py [END] [ROUNDS] [CHUNK]

(defaults 10**10, 1 and 2**30; 2 workers of 1 thread each, as many threads as the one-process
call uses on two cores.)
"""

import sys
import time

from distributed import Client, LocalCluster

import collatz_engine as ce
from collatz_engine import distributed as cd


def main() -> None:
    end = int(float(sys.argv[1])) if len(sys.argv) > 1 else 10**10
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    chunk = int(float(sys.argv[3])) if len(sys.argv) > 3 else 1 << 30
    print(f"[1, {end}), chunk {chunk}, {rounds} round(s)")
    for r in range(1, rounds + 1):
        t = time.perf_counter()
        one = ce.summary(1, end, engine=ce.RangeEngine())
        single = time.perf_counter() - t
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=None, host="127.0.0.1") as cluster, \
                Client(cluster, set_as_default=False) as client:
            client.wait_for_workers(2)
            t = time.perf_counter()
            got = cd.summary(1, end, client=client, chunk=chunk, progress=False)
            dask = time.perf_counter() - t
        assert got == one, "the cluster's summary differs from the one-process summary"
        print(f"round {r}: one process {single:.2f} s, LocalCluster(2 x 1 thread) {dask:.2f} s, "
              f"ratio {dask / single:.3f}; equal: every field and record")


if __name__ == "__main__":
    main()
