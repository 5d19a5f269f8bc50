"""Many addresses at once, politely and within a time limit: a few worker
threads, a pause between two requests to the same host, and a deadline for
the whole run after which unanswered addresses are left for the next run."""

import dataclasses
import queue
import threading
import time

from . import fetch


class HostPauses:
    """Requests to one host start at least ``pause`` seconds apart, whichever
    worker sends them."""

    def __init__(self, pause):
        self.pause = pause
        self.lock = threading.Lock()
        self.next_start = {}

    def wait(self, host):
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start.get(host.lower(), now))
            self.next_start[host.lower()] = start + self.pause
        if start > now:
            time.sleep(start - now)


def check_all(urls, *, limits, workers, host_pause, run_seconds):
    """{url: fetch.Result} for the addresses answered within ``run_seconds``;
    those not reached by then are missing from it.

    Workers are daemon threads: one stuck past the deadline (which the
    per-address deadline makes short) never keeps the process alive.
    """
    pending = queue.Queue()
    for url in dict.fromkeys(urls):
        pending.put(url)
    results = {}
    lock = threading.Lock()
    pauses = HostPauses(host_pause)
    run_ends = time.monotonic() + run_seconds

    def work():
        while time.monotonic() < run_ends:
            try:
                url = pending.get_nowait()
            except queue.Empty:
                return
            left = run_ends - time.monotonic()
            if left <= 0:
                return
            # No address may outlast the run.
            cut_short = left < limits.deadline
            its_limits = dataclasses.replace(
                limits, deadline=min(limits.deadline, left)
            )
            result = fetch.check(url, its_limits, before_request=pauses.wait)
            if cut_short and result.error and time.monotonic() >= run_ends:
                return  # the run's end, not the address, stopped it: next run
            with lock:
                results[url] = result

    threads = [
        threading.Thread(target=work, name=f"check-links-{n}", daemon=True)
        for n in range(max(1, workers))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, run_ends - time.monotonic()) + 1.0)
    with lock:
        return dict(results)
