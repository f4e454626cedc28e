"""Caches as an older wirewatch left them, made from a current one: a test of an upgrade
undoes the later schema steps, then lets the store migrate it again."""

from __future__ import annotations

import sqlite3


def before_unread_table(conn: sqlite3.Connection) -> None:
    """Undo schema step 12: the items' own read column back, filled from `unread`."""
    conn.execute("DROP TRIGGER IF EXISTS unread_item_moved")
    conn.execute("ALTER TABLE items RENAME COLUMN read_before_schema_12 TO read")
    conn.execute("UPDATE items SET read = (id NOT IN (SELECT item_id FROM unread))")
    conn.execute("DROP TABLE unread")
    conn.execute("CREATE INDEX IF NOT EXISTS items_by_feed_read ON items (feed, read)")
