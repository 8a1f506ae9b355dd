#!/usr/bin/env python3
"""Builds the seed corpus of the SQL fuzz target (tests/fuzz/fuzz_sql.c) from the differential
queries (tests/sqldiff/queries/*.sql), the captured psql/Grafana/JDBC statements and the
regression inputs of tests/sqldiff/fuzz-regressions/: one file per statement, named by its
SHA-1 as libFuzzer does, in the directory given (default build/fuzz/corpus/fuzz_sql,
where `make fuzz` keeps the target's corpus; tests/fuzz/run.sh calls this through
tests/fuzz/fuzz_sql.seed when that directory is empty).

    tests/sqldiff/fuzz_corpus.py [DIR]"""
import hashlib
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402 (plain Python: no client library needed)

# Seeds larger than this would slow every mutation down; the big shapes are covered by
# test_sqldiff.py's GENERATED and EXTREME statements instead.
MAX_SEED = 64 << 10


def seeds():
    for q in corpus.read_corpus(HERE / "queries"):
        yield q.sql
    for name in corpus.EXPECTED:
        path = corpus.CAPTURES / name
        if path.exists():
            for _, sql, _, _ in corpus.read_captures(path):
                yield sql
    for path in sorted((HERE / "fuzz-regressions").glob("*")):
        yield path.read_bytes().decode("utf-8", errors="replace")


def main(out):
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for sql in seeds():
        data = sql.encode()
        if len(data) > MAX_SEED:
            continue
        (out / hashlib.sha1(data).hexdigest()).write_bytes(data)
        n += 1
    print(f"{n} seeds in {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else corpus.REPO / "build" / "fuzz" / "corpus" / "fuzz_sql")
