"""Load generators for bench/serve.py: wrk (Debian's package) and, when it is
missing, a bounded Python one; the request scripts of the distinct-visitor
and junk-parameter modes."""

import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request

# Another port when several benchmarks share a machine.
PORT = int(os.environ.get("BENCH_PORT", "8765"))


def base(port):
    return f"http://127.0.0.1:{port}"


WRK_VISITORS = """
counter = 0
request = function()
  counter = counter + 1
  local ip = string.format("10.%d.%d.%d", (counter / 65536) % 256, (counter / 256) % 256, counter % 256)
  return wrk.format("GET", "{path}", {["X-Forwarded-For"] = ip .. "." .. id, ["User-Agent"] = "bench " .. id .. " " .. counter})
end
setup = function(thread)
  thread:set("id", tostring(math.random(1, 1000000000)))
end
"""


WRK_JUNK = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "{path}{sep}junk" .. id .. "x" .. counter .. "=1")
end
setup = function(thread)
  thread:set("id", tostring(math.random(1, 1000000000)))
end
"""


def parse_latency(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(path, duration, connections, script=None, port=PORT):
    args = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script or "")
    if script:
        args += ["-s", lua.name]
    output = subprocess.run(
        [*args, base(port) + path], capture_output=True, text=True, check=True
    ).stdout
    os.unlink(lua.name)
    if "Latency Distribution" not in output:
        raise SystemExit(f"wrk printed no latencies for {path}:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = parse_latency(re.search(r"^\s*50%\s+(\S+)", output, re.M).group(1))
    p99 = parse_latency(re.search(r"^\s*99%\s+(\S+)", output, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    total = int(re.search(r"(\d+) requests in", output).group(1))
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
        "requests": total,
    }


def run_python_load(path, duration, connections, visitors=False, junk=False, port=PORT):
    """A bounded Python load generator (used when wrk is not installed)."""
    import http.client

    latencies, failures = [], []
    stop_at = time.time() + duration
    lock = threading.Lock()

    def worker(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        i = 0
        while time.time() < stop_at:
            i += 1
            headers = {}
            if visitors:
                headers = {"X-Forwarded-For": f"10.{n}.{i // 256 % 256}.{i % 256}"}
            started = time.perf_counter()
            sent = path
            if junk:
                sent += ("&" if "?" in path else "?") + f"junk{n}x{i}=1"
            conn.request("GET", sent, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status >= 400:
                    failures.append(response.status)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    started = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.time() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
        "non_2xx": len(failures),
        "socket_errors": "",
        "requests": len(latencies),
    }


def load(path, args, visitors=False, junk=False, port=PORT):
    """Requests per second and latencies of ``path`` under load."""
    if shutil.which("wrk") and not args.python_load:
        script = None
        if visitors:
            script = WRK_VISITORS.replace("{path}", path)
        elif junk:
            sep = "&" if "?" in path else "?"
            script = WRK_JUNK.replace("{path}", path).replace("{sep}", sep)
        return run_wrk(path, args.duration, args.connections, script, port)
    return run_python_load(path, args.duration, args.connections, visitors, junk, port)


def warm_up(paths, args, port=PORT):
    """Every worker imports, connects and fills its caches before measuring."""
    for path in paths:
        if shutil.which("wrk") and not args.python_load:
            subprocess.run(
                ["wrk", "-t2", "-c8", "-d1s", base(port) + path],
                capture_output=True,
                check=False,
            )
        else:
            for _ in range(20):
                with urllib.request.urlopen(base(port) + path, timeout=10) as answer:
                    answer.read()
