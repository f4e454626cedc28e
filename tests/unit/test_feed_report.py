"""`fetch --json`'s per-feed object: every field of the report but the item ids."""

from dataclasses import fields

from tui.core.engine import FeedReport


def test_the_json_of_a_feed_report_has_every_field_but_the_ids():
    report = FeedReport(name="Harbor Wire", url="http://127.0.0.1:9/a.xml", status="ok",
                        http_status=200, new=3, updated=1, seconds=0.12345, warning="guessed",
                        new_ids=[1, 2, 3], updated_ids=[4])
    data = report.to_json()
    assert set(data) == {f.name for f in fields(FeedReport)} - {"new_ids", "updated_ids"}
    assert data == {"name": "Harbor Wire", "url": "http://127.0.0.1:9/a.xml", "status": "ok",
                    "http_status": 200, "new": 3, "updated": 1, "error": None,
                    "seconds": 0.123, "warning": "guessed"}
