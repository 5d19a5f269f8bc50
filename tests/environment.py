"""Loaded by pytest before Django (``-p tests.environment`` in pyproject.toml).

The settings refuse to start without a secret outside DEBUG; tests run with
production settings (DEBUG off) and a throwaway key.
"""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
# The test client speaks plain HTTP; test_security.py checks the redirect.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# One SQLite test database per pytest process, so two runs at once (a
# developer's and an editor hook's, say) never share a file.
os.environ.setdefault(
    "DJANGO_SQLITE_TEST_PATH",
    os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        "var",
        f"test-{os.getpid()}.sqlite3",
    ),
)
# The production cache (files), in a directory of this run's own: no page
# cached by a server or another run answers here.
if "DJANGO_CACHE_DIR" not in os.environ:
    os.environ["DJANGO_CACHE_DIR"] = tempfile.mkdtemp(prefix="clusters-test-cache-")
    atexit.register(shutil.rmtree, os.environ["DJANGO_CACHE_DIR"], True)
