"""Reading the environment: every deployment difference is a variable
(README.md lists them); the places on disk that settings start from."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Local state (SQLite database, the development secret): git-ignored.
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def beside(path, suffix):
    """``var/db.sqlite3`` -> ``var/db-hits.sqlite3``."""
    path = Path(path)
    return str(path.with_name(f"{path.stem}{suffix}{path.suffix}"))
