"""What Python's cyclic garbage collector costs a render, with and without
gc.freeze() (which gunicorn.conf.py calls in each worker after its first
requests).

    DATABASE_URL=... DJANGO_SECRET_KEY=... python bench/gc_cost.py [--renders 40] [path ...]

Each page is rendered through Django's test client with the page cache off,
``--renders`` times after a first render, in two child processes: one as the
collector is by default, one after gc.collect() and gc.freeze(). Per page it
prints the wall time per render and, per render, how many collections of
each generation ran and the milliseconds they took (timed by gc.callbacks).
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = ["/", "/initiatives/", "/initiatives/?q=izmir&sector=makine&ordering=title"]

CHILD = r"""
import gc, json, os, sys, time
sys.path[0] = sys.argv[1]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusters_site.settings")
os.environ["PAGE_CACHE_SECONDS"] = "0"
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
import django
django.setup()
from django.test import Client
path, renders, freeze = sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
client = Client(HTTP_HOST="127.0.0.1")
assert client.get(path).status_code == 200
if freeze:
    gc.collect()
    gc.freeze()
counts, spent, started = [0, 0, 0], [0.0, 0.0, 0.0], [0.0]
def timed(phase, info):
    if phase == "start":
        started[0] = time.perf_counter()
    else:
        counts[info["generation"]] += 1
        spent[info["generation"]] += time.perf_counter() - started[0]
gc.callbacks.append(timed)
begun = time.perf_counter()
for _ in range(renders):
    client.get(path)
total = time.perf_counter() - begun
gc.callbacks.remove(timed)
print(json.dumps({"render": total / renders * 1000, "counts": counts,
                  "ms": [s * 1000 for s in spent], "tracked": len(gc.get_objects())}))
"""


def measure(path, renders, freeze):
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), path, str(renders), str(int(freeze))],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "clusters_site.settings"},
    )
    if result.returncode:
        raise SystemExit(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=40)
    parser.add_argument("paths", nargs="*", default=PATHS)
    args = parser.parse_args()
    print(
        f"{'page':<52} {'collector':<9} {'ms/render':>9} "
        f"{'gen0/1/2 per render':>22} {'gc ms per render':>17} {'tracked':>8}"
    )
    for path in args.paths:
        for freeze in (False, True):
            r = measure(path, args.renders, freeze)
            per = "/".join(f"{n / args.renders:.2f}" for n in r["counts"])
            print(
                f"{path:<52} {'frozen' if freeze else 'default':<9} "
                f"{r['render']:>9.1f} {per:>22} "
                f"{sum(r['ms']) / args.renders:>17.2f} {r['tracked']:>8}"
            )


if __name__ == "__main__":
    main()
