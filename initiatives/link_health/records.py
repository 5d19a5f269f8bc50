"""What the link checker keeps and what it means: which addresses are checked,
when one counts as broken, since when, and when public pages mark it.

The one rule: an address is broken when it ends in a network error or an HTTP
status of 400 or more (after redirects); public pages mark it "may not work"
once it has been broken for ``MARK_AFTER`` (14 days), so one bad night of a
server never shows. A mark that appears or goes away bumps the content
version (the page cache), in the transaction that changes it; a check that
changes no mark touches no cached page.
"""

import datetime
import time

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from ..models import ContentVersion, Institution, Link, LinkCheck
from ..site_url import absolute_url
from . import fetch, runner

MARK_AFTER = datetime.timedelta(days=14)


def addresses():
    """Every initiative link and institution website, once each."""
    links = Link.objects.values_list("url", flat=True)
    websites = Institution.objects.exclude(website="").values_list("website", flat=True)
    return sorted(set(links) | set(websites))


def limits():
    return fetch.Limits(
        connect_timeout=settings.LINK_CHECK_CONNECT_TIMEOUT,
        read_timeout=settings.LINK_CHECK_READ_TIMEOUT,
        deadline=settings.LINK_CHECK_URL_SECONDS,
        max_redirects=settings.LINK_CHECK_MAX_REDIRECTS,
        body_bytes=settings.LINK_CHECK_BODY_BYTES,
        user_agent=(
            "ClusteringInTurkiye-LinkCheck/1.0 "
            f"(+{absolute_url('/about/')}; the registry's link checker)"
        ),
    )


def check_links(*, urls=None, now=None):
    """Check ``urls`` (every address by default), keep the answers and the
    public marks; a summary for the command."""
    every_address = urls is None
    urls = addresses() if every_address else list(urls)
    started = time.monotonic()
    results = runner.check_all(
        urls,
        limits=limits(),
        workers=settings.LINK_CHECK_WORKERS,
        host_pause=settings.LINK_CHECK_HOST_PAUSE,
        run_seconds=settings.LINK_CHECK_RUN_SECONDS,
    )
    now = now or timezone.now()
    with transaction.atomic():
        record(results.values(), now=now)
        marks_changed = refresh_marks(now=now)
        if every_address:
            forget_unused()
    return {
        "addresses": len(set(urls)),
        "checked": len(results),
        "broken": sum(1 for r in results.values() if not r.ok),
        "not_reached": len(set(urls)) - len(results),
        "marked": LinkCheck.objects.filter(marked_broken=True).count(),
        "marks_changed": marks_changed,
        "seconds": time.monotonic() - started,
    }


def record(results, *, now):
    """Keep each answer; ``broken_since`` is when an address started failing
    and stays until it answers well again."""
    results = list(results)
    existing = LinkCheck.objects.in_bulk([r.url for r in results], field_name="url")
    new, changed = [], []
    for result in results:
        row = existing.get(result.url) or LinkCheck(url=result.url)
        row.checked_at = now
        row.status = result.status
        row.error = result.error[:200]
        row.final_url = result.final_url[:2000]
        if result.ok:
            row.broken_since = None
        elif row.broken_since is None:
            row.broken_since = now
        (changed if row.pk else new).append(row)
    LinkCheck.objects.bulk_create(new)
    LinkCheck.objects.bulk_update(
        changed, ["checked_at", "status", "error", "final_url", "broken_since"]
    )


def refresh_marks(*, now):
    """Mark what has been broken for MARK_AFTER, unmark the rest; when any
    mark changed, the content version moves so cached pages show it."""
    due = LinkCheck.objects.filter(broken_since__lte=now - MARK_AFTER)
    added = due.filter(marked_broken=False).update(marked_broken=True)
    removed = (
        LinkCheck.objects.filter(marked_broken=True)
        .exclude(pk__in=due.values("pk"))
        .update(marked_broken=False)
    )
    if added or removed:
        ContentVersion.objects.filter(pk=1).update(number=F("number") + 1)
    return added + removed


def forget_unused():
    """Drop the checks of addresses no record uses any more."""
    used = set(addresses())
    unused = [
        pk for pk, url in LinkCheck.objects.values_list("pk", "url") if url not in used
    ]
    if unused:
        LinkCheck.objects.filter(pk__in=unused).delete()


def marked_broken(url_field="url"):
    """For annotations: whether the address in ``url_field`` is marked."""
    return Exists(LinkCheck.objects.filter(url=OuterRef(url_field), marked_broken=True))


def broken():
    """The checks of addresses broken now, longest broken first."""
    return LinkCheck.objects.exclude(broken_since=None).order_by("broken_since")
