"""Seat checkout+release latency: 8 real processes on one key store (issue 5; target median < 5 ms), and the
cost of a full evaluation that verifies every signature again (issue 15; target evaluate_ms < 5).

Each process opens its own KeyManager (own SSH connection group) and repeats: acquire("HANDEL") then
release("HANDEL") — two BEGIN IMMEDIATE transactions, the license verified again in each checkout.
evaluate_ms: median of one full evaluation (registry.key_views: idle purge, 5 license files and 5
activation codes verified, states computed) of a store with 5 activated keys. Last line:
seat median_ms=<checkout+release> p99_ms=<...> processes=8 evaluate_ms=<...>
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

from keys import activation as act  # noqa: E402
from keys import registry  # noqa: E402
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


def evaluate_ms(data: Path, vendor, trusted, runs: int = 300) -> float:
    """Median ms of a full evaluation of a store holding 5 keys, each with a signed activation."""
    path = data / "evaluate.db"
    admin = KeyManager(path, trusted, None, "ADMIN", connection="bench-admin", is_admin=True)
    for i in range(5):
        number = f"500000020{i}"
        text = sign_payload(new_payload(key_number=number, client_id="123456", pin="1234", activation_required=True,
                                        modules=[{"number": n, "code": f"M{n}", "name": f"Moduł {n}", "seats": 5,
                                                  "expiry": "2099-12-31"} for n in range(1, 8)]), vendor)
        admin.add_license(text, client_id="123456", pin="1234", key_number=number)
        request = admin.activation_request(number)
        admin.apply_code(number, act.answer(act.parse_request(request), vendor, now=time.time(), valid_hours=None))
    views = registry.key_views(admin.store)
    assert len(views) == 5 and all(v.state_label == "Aktywny" for v in views), views
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        registry.key_views(admin.store)
        times.append((time.perf_counter() - t0) * 1000)
    admin.close()
    return statistics.median(times)


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
    evaluate = evaluate_ms(data, vendor, trusted)
    print(f"samples={len(samples)} mean_ms={statistics.fmean(samples):.3f} max_ms={samples[-1]:.3f}")
    print(f"seat median_ms={median:.3f} p99_ms={p99:.3f} processes={PROCESSES} evaluate_ms={evaluate:.3f}")


if __name__ == "__main__":
    main()
