"""Each app tells the page cache what the public pages read of it (``sammachip.cache.watch`` and
friends, called from its ``AppConfig.ready()``); the cache module itself names no app."""

import datetime

import pytest
from django.db.models.signals import post_save
from django.dispatch import Signal
from django.utils import timezone

from sammachip import cache as public_cache
from tests.articles.factories import make_category
from tests.factories import make_village
from tests.programs.factories import make_occupation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: make_village(), id="villages.Village"),
        pytest.param(lambda: make_occupation("ทอผ้าไหม"), id="programs.Occupation"),
        pytest.param(lambda: make_category(), id="articles.Category"),
    ],
)
def test_each_app_watches_its_own_models(geography, make, django_capture_on_commit_callbacks):
    before = public_cache.content_version()
    with django_capture_on_commit_callbacks(execute=True):
        make()
    assert public_cache.content_version() > before


def test_watch_connects_save_and_delete_once(geography):
    from villages.models import Village

    public_cache.watch(Village)  # a second registration (e.g. ready() run again) adds nothing
    receivers = [r for r in post_save._live_receivers(Village)[0] if r.__name__.startswith("_bump")]
    assert len(receivers) == 1


def test_an_apps_own_signal_bumps_the_version(db):
    changed = Signal()
    public_cache.watch_signal(changed, "test-signal")
    before = public_cache.content_version()
    changed.send(sender=None)
    assert public_cache.content_version() > before


def test_the_next_publication_is_the_earliest_of_every_watched_schedule(db, monkeypatch):
    now = timezone.now()
    soon, later = now + datetime.timedelta(minutes=5), now + datetime.timedelta(hours=1)
    monkeypatch.setattr(public_cache, "_schedules", [])
    public_cache.watch_schedule(lambda at: later)
    public_cache.watch_schedule(lambda at: None)
    public_cache.watch_schedule(lambda at: soon)
    public_cache.bump_content_version()
    assert public_cache.next_publication(now) == soon


def test_articles_watch_their_schedule():
    from articles.apps import next_scheduled_article

    assert next_scheduled_article in public_cache._schedules
