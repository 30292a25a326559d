"""Seat checkout+release latency: 8 real processes on one key store (issue 5; target median < 5 ms).

Each process opens its own KeyManager (own SSH connection group) and repeats: acquire("HANDEL") then
release("HANDEL") — two BEGIN IMMEDIATE transactions. Last line:
seat median_ms=<checkout+release> p99_ms=<...> processes=8
"""
from __future__ import annotations

import multiprocessing as mp
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from keys.license_file import new_payload, sign_payload  # noqa: E402
from keys.manager import KeyManager  # noqa: E402
from keys.trust import trusted_from  # noqa: E402

PROCESSES = 8
ITERATIONS = 300
KEY = "5000000107"


def worker(path, trusted, i, barrier, out):
    km = KeyManager(path, trusted, None, f"OP{i}", key_number=KEY, connection=f"10.8.0.{i} 4{i} 10.0.0.1 22")
    km.acquire("HANDEL")  # warm up: license verification cache, connection
    km.release("HANDEL")
    barrier.wait()
    times = []
    for _ in range(ITERATIONS):
        t0 = time.perf_counter()
        km.acquire("HANDEL")
        km.release("HANDEL")
        times.append((time.perf_counter() - t0) * 1000)
    km.close()
    out.put(times)


def main() -> None:
    data = Path(__file__).resolve().parent / ".data" / "seat"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    path = data / "keystore.db"
    vendor = Ed25519PrivateKey.generate()
    trusted = trusted_from(vendor)
    text = sign_payload(new_payload(key_number=KEY, client_id="123456", pin="1234", activation_required=False,
                                    modules=[{"number": 2, "code": "HANDEL", "name": "Handel", "seats": PROCESSES,
                                              "expiry": "2099-12-31"}]), vendor)
    admin = KeyManager(path, trusted, None, "ADMIN", connection="bench-admin", is_admin=True)
    admin.add_license(text, client_id="123456", pin="1234", key_number=KEY)
    admin.close()
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [ctx.Process(target=worker, args=(path, trusted, i, barrier, out)) for i in range(PROCESSES)]
    for p in procs:
        p.start()
    samples = [t for _ in procs for t in out.get(timeout=600)]
    for p in procs:
        p.join()
    samples.sort()
    median = statistics.median(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(f"samples={len(samples)} mean_ms={statistics.fmean(samples):.3f} max_ms={samples[-1]:.3f}")
    print(f"seat median_ms={median:.3f} p99_ms={p99:.3f} processes={PROCESSES}")


if __name__ == "__main__":
    main()
