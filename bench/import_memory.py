"""Peak memory of ``import_initiatives --dry-run`` on hostile files (issue 11).

    .venv/bin/python bench/import_memory.py                # every file
    .venv/bin/python bench/import_memory.py json_deep csv  # names containing these

Each file of tests/hostile_files.py, and a valid 20,000-row file (the
synthetic registry of bench/dataset.py exported as XLSX, and as CSV with the
upload limit raised to 64 MB since that CSV is larger than 5 MB), is imported
by its own ``manage.py import_initiatives --dry-run`` process against a fresh
SQLite registry, so the peak resident set size (``ru_maxrss`` of that child) is
the file's own. The budget is 300 MB; a file over it is flagged. Children run
with a 3 GB address-space limit and a 180 s timeout, so that a file the import
cannot bound fails instead of taking the machine down.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MB = 300
ADDRESS_SPACE_LIMIT = 3 * 1024**3
TIMEOUT = 180
VALID_ROWS = 20_000


def django_env(workdir, **extra):
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="clusters_site.settings",
        DJANGO_SECRET_KEY="bench-only-not-a-secret-" + "x" * 40,
        DJANGO_SQLITE_PATH=str(Path(workdir) / "bench.sqlite3"),
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def prepare(workdir, valid=True):
    """A registry with the synthetic sectors and institutions; the 20,000-row
    files hold initiatives that are then deleted, so every row is new."""
    sys.path[0] = str(ROOT)
    os.environ.update(django_env(workdir))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    for database in settings.DATABASES:  # on SQLite also the hits database
        call_command("migrate", database=database, verbosity=0)
    sys.path.insert(0, str(ROOT / "bench"))
    import dataset

    dataset.generate(VALID_ROWS if valid else 0)
    from initiatives.models import Initiative
    from initiatives.transfer import export_file

    for file_format in ("xlsx", "csv") if valid else ():
        path = Path(workdir) / f"valid-{VALID_ROWS}.{file_format}"
        path.write_bytes(export_file(file_format=file_format))
    Initiative.objects.all().delete()

    from tests.hostile_files import HOSTILE_FILES

    for name, build in HOSTILE_FILES.items():
        file_name, data = build()
        folder = Path(workdir) / name
        folder.mkdir()
        (folder / file_name).write_bytes(data)


def measure(path, env):
    def limit():
        resource.setrlimit(
            resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT)
        )

    command = [sys.executable, str(ROOT / "manage.py"), "import_initiatives"]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(
            [*command, "--dry-run", str(path)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=limit,
        )
        deadline = started + TIMEOUT
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                child.kill()
                pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        out.seek(0)
        lines = [
            line
            for line in out.read().decode("utf-8", "replace").strip().splitlines()
            if "Warning" not in line and not line.startswith("  warn(")
        ]
    code = os.waitstatus_to_exitcode(status)
    if seconds > TIMEOUT:
        outcome = f"killed after {TIMEOUT} s"
    elif code < 0:
        outcome = f"killed by signal {-code}"
    elif any("Traceback" in line for line in lines):
        outcome = "TRACEBACK: " + (lines[-1] if lines else "")
    elif code == 0:
        outcome = "valid: " + lines[-1]
    else:
        messages = [line for line in lines if not line.startswith("CommandError")]
        outcome = " / ".join(messages[:2])
        if len(messages) > 3:
            outcome += f" / … ({len(messages) - 1} lines)"
    return usage.ru_maxrss / 1024, seconds, outcome


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--prepare":
        prepare(sys.argv[2], valid=sys.argv[3] == "valid")
        return
    wanted = sys.argv[1:]
    # The 20,000-row files take minutes to make: only when they are measured.
    valid = not wanted or any(w in "valid" for w in wanted)
    with tempfile.TemporaryDirectory() as workdir:
        subprocess.run(
            [sys.executable, __file__, "--prepare", workdir, "valid" * valid or "-"],
            check=True,
            env=django_env(workdir),
        )
        cases = [
            (f"valid {VALID_ROWS:,} rows (xlsx)", f"valid-{VALID_ROWS}.xlsx", {}),
            (
                f"valid {VALID_ROWS:,} rows (csv, 64 MB limit)",
                f"valid-{VALID_ROWS}.csv",
                {"IMPORT_MAX_UPLOAD_BYTES": str(64 * 1024**2)},
            ),
        ]
        for folder in sorted(Path(workdir).iterdir()):
            if folder.is_dir():
                (path,) = folder.iterdir()
                cases.append((folder.name, f"{folder.name}/{path.name}", {}))
        over = 0
        print(f"{'file':<38} {'size':>9} {'peak RSS':>9} {'time':>7}  outcome")
        for label, relative, extra in cases:
            path = Path(workdir) / relative
            if (wanted and not any(w in label for w in wanted)) or not path.exists():
                continue
            peak, seconds, outcome = measure(path, django_env(workdir, **extra))
            flag = "  OVER BUDGET" if peak > BUDGET_MB else ""
            over += bool(flag)
            size = path.stat().st_size
            print(
                f"{label:<38} {size / 1024:7,.0f} K {peak:6,.0f} MB {seconds:5.1f} s"
                f"  {outcome[:150]}{flag}",
                flush=True,
            )
        print(f"budget {BUDGET_MB} MB: {over or 'no'} file(s) over it")


if __name__ == "__main__":
    main()
