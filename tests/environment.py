"""Loaded by pytest before Django (``-p tests.environment`` in pyproject.toml).

The settings refuse to start without a secret outside DEBUG; tests run with
production settings (DEBUG off) and a throwaway key.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
