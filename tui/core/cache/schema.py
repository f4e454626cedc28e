"""The cache's schema and its migrations, numbered by SQLite's user_version.

A migration is appended, never edited: a cache written by any earlier wirewatch opens with
every step it has not seen applied in order, inside one transaction.
"""

from __future__ import annotations

import sqlite3

# The full-text index over items. Its own constant because `wirewatch repair` recreates it
# when it is damaged beyond a rebuild. Triggers keep it in step with edits and deletions; new
# items are added by the code that inserts them (`store.index_items`, one statement per feed),
# which costs far less than a trigger per row (schema step 5 dropped the insert trigger; step
# 9 did the same for the stories' and mention counts' notes of new items).
_SEARCH_TABLE = """
    CREATE VIRTUAL TABLE items_fts USING fts5(
        title, summary, text, content='items', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
"""
# What the index holds for an item: its page text, else the feed's own content. The index
# reads its content through this view (schema step 6), so that a rebuild and SQLite's own
# integrity check see the same text the triggers and `store.index_items` put in; reading
# `items` directly, a rebuild dropped the feed content from search and the check called a
# sound index damaged.
_SEARCH_CONTENT = """
    CREATE VIEW items_search AS
        SELECT id, title, summary, coalesce(text, content) AS text FROM items;
"""
_SEARCH_TABLE_ON_VIEW = """
    CREATE VIRTUAL TABLE items_fts USING fts5(
        title, summary, text, content='items_search', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
"""
_SEARCH_INSERT_TRIGGER = """
    CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
        INSERT INTO items_fts(rowid, title, summary, text)
        VALUES (new.id, new.title, new.summary, coalesce(new.text, new.content));
    END;
"""
_SEARCH_TRIGGERS = """
    CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
        INSERT INTO items_fts(items_fts, rowid, title, summary, text)
        VALUES ('delete', old.id, old.title, old.summary, coalesce(old.text, old.content));
    END;
    CREATE TRIGGER items_fts_update AFTER UPDATE OF title, summary, text, content ON items BEGIN
        INSERT INTO items_fts(items_fts, rowid, title, summary, text)
        VALUES ('delete', old.id, old.title, old.summary, coalesce(old.text, old.content));
        INSERT INTO items_fts(rowid, title, summary, text)
        VALUES (new.id, new.title, new.summary, coalesce(new.text, new.content));
    END;
"""
SEARCH_INDEX = _SEARCH_TABLE_ON_VIEW + _SEARCH_TRIGGERS
SEARCH_INDEX_TABLES = ("items_fts_data", "items_fts_idx", "items_fts_docsize", "items_fts_config")
SEARCH_INDEX_TRIGGERS = ("items_fts_insert", "items_fts_delete", "items_fts_update")
# The triggers of step 4 that mark a match row's hour for the mention recount, one row at a
# time; a whole-cache re-match sets them aside and marks the hours in one statement.
MENTION_MATCH_TRIGGERS = ("mentions_match_insert", "mentions_match_delete")

MIGRATIONS: tuple[str, ...] = (
    # 1: feeds, items, versions, full-text index, matches, alert hits
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE feeds (
        name TEXT PRIMARY KEY,
        config_url TEXT NOT NULL,          -- as written in feeds.toml
        url TEXT NOT NULL,                 -- after permanent redirects
        title TEXT, language TEXT,
        etag TEXT, last_modified TEXT,
        last_checked REAL, last_success REAL, next_due REAL,
        failures INTEGER NOT NULL DEFAULT 0,
        last_error TEXT, last_status INTEGER
    );
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,          -- the short stable id users see
        feed TEXT NOT NULL,
        key TEXT NOT NULL,                 -- guid, else link, else hash of title and date
        link TEXT,
        title TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '',
        content TEXT NOT NULL DEFAULT '',  -- the feed's own full content, when it has one
        text TEXT,                         -- the article page's extracted text
        text_source TEXT,                  -- 'page' or 'feed'
        text_checked REAL,                 -- when the page was last fetched
        published REAL,                    -- UTC epoch seconds; NULL when unknown
        published_raw TEXT,
        first_seen REAL NOT NULL,
        sort_time REAL NOT NULL,           -- published, else first seen
        updated REAL NOT NULL,
        versions INTEGER NOT NULL DEFAULT 1,
        changed INTEGER NOT NULL DEFAULT 0, -- has a major change since first seen
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        UNIQUE (feed, key)
    );
    CREATE INDEX items_by_time ON items (sort_time DESC, id DESC);
    CREATE INDEX items_by_feed ON items (feed, sort_time DESC);
    CREATE TABLE versions (
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        text TEXT,
        digest TEXT NOT NULL,
        seen REAL NOT NULL,
        minor INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (item_id, number)
    );
    """ + _SEARCH_TABLE + _SEARCH_INSERT_TRIGGER + _SEARCH_TRIGGERS + """
    CREATE TABLE matches (
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        field TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        name TEXT NOT NULL, category TEXT NOT NULL, text TEXT NOT NULL
    );
    CREATE INDEX matches_by_item ON matches (item_id);
    CREATE INDEX matches_by_name ON matches (name, item_id);
    CREATE INDEX matches_by_category ON matches (category, item_id);
    CREATE TABLE hits (
        alert TEXT NOT NULL,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        fired_at REAL NOT NULL,
        seen INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (alert, item_id)
    );
    CREATE INDEX hits_by_time ON hits (fired_at DESC);
    """,
    # 2: the alert outbox (a hit is announced once, by whichever watch or dashboard claims it;
    # hits recorded before this step count as announced), why an item's page text is not used,
    # and the hits' item column indexed (pruning and per-item alert marks).
    """
    ALTER TABLE hits ADD COLUMN delivered INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE hits ADD COLUMN claimed_at REAL;
    CREATE INDEX hits_undelivered ON hits (fired_at) WHERE delivered = 0;
    CREATE INDEX hits_by_item ON hits (item_id);
    ALTER TABLE items ADD COLUMN page_note TEXT;
    """,
    # 3: "new since you last looked" counts items by when they were first seen.
    """
    CREATE INDEX items_by_first_seen ON items (first_seen);
    """,
    # 4: how many items mention each watched name, per hour and language (trends,
    # sparklines). Triggers note which hours changed; tui.core.cache.mentions recounts them.
    """
    ALTER TABLE feeds ADD COLUMN config_language TEXT;   -- feeds.toml's, over the feed's own
    CREATE TABLE mention_hours (
        hour INTEGER NOT NULL,        -- UTC epoch hour of the item (published, else first seen)
        category TEXT NOT NULL,
        name TEXT NOT NULL,           -- a canonical name; '' counts the category as a whole
        language TEXT NOT NULL,       -- the feed's language tag ("en", "uk"), '' if unknown
        items INTEGER NOT NULL,       -- items mentioning it (an item counts once)
        PRIMARY KEY (hour, category, name, language)
    ) WITHOUT ROWID;
    CREATE TABLE mention_dirty (hour INTEGER PRIMARY KEY) WITHOUT ROWID;
    INSERT OR IGNORE INTO mention_dirty
        SELECT DISTINCT CAST(sort_time / 3600 AS INTEGER) FROM items;
    CREATE TRIGGER mentions_item_insert AFTER INSERT ON items BEGIN
        INSERT OR IGNORE INTO mention_dirty VALUES (CAST(new.sort_time / 3600 AS INTEGER));
    END;
    CREATE TRIGGER mentions_item_move AFTER UPDATE OF sort_time, feed ON items BEGIN
        INSERT OR IGNORE INTO mention_dirty VALUES (CAST(old.sort_time / 3600 AS INTEGER));
        INSERT OR IGNORE INTO mention_dirty VALUES (CAST(new.sort_time / 3600 AS INTEGER));
    END;
    CREATE TRIGGER mentions_item_delete AFTER DELETE ON items BEGIN
        INSERT OR IGNORE INTO mention_dirty VALUES (CAST(old.sort_time / 3600 AS INTEGER));
    END;
    CREATE TRIGGER mentions_match_insert AFTER INSERT ON matches BEGIN
        INSERT OR IGNORE INTO mention_dirty
            SELECT CAST(sort_time / 3600 AS INTEGER) FROM items WHERE id = new.item_id;
    END;
    CREATE TRIGGER mentions_match_delete AFTER DELETE ON matches BEGIN
        INSERT OR IGNORE INTO mention_dirty
            SELECT CAST(sort_time / 3600 AS INTEGER) FROM items WHERE id = old.item_id;
    END;
    CREATE TRIGGER mentions_feed_language AFTER UPDATE OF language, config_language ON feeds
    WHEN old.language IS NOT new.language OR old.config_language IS NOT new.config_language
    BEGIN
        INSERT OR IGNORE INTO mention_dirty
            SELECT DISTINCT CAST(sort_time / 3600 AS INTEGER) FROM items WHERE feed = new.name;
    END;
    """,
    # 5: new items enter the full-text index through `store.index_items`, one statement per
    # feed, instead of a trigger per row (a second of a 15,000-item refresh).
    """
    DROP TRIGGER IF EXISTS items_fts_insert;
    """,
    # 6: the search index reads the text it holds (page text, else feed content) through the
    # items_search view, and is rebuilt from it once.
    _SEARCH_CONTENT + """
    DROP TABLE items_fts;
    """ + _SEARCH_TABLE_ON_VIEW + """
    INSERT INTO items_fts(items_fts) VALUES ('rebuild');
    """,
    # 7: reading a million items: the starred ones newest first without walking the cache
    # (the `s` filter), and the feeds pane's per-feed counts of items and unread ones from an
    # index instead of the whole table (1.5 s at 1M).
    """
    CREATE INDEX IF NOT EXISTS items_starred ON items (sort_time DESC, id DESC) WHERE starred = 1;
    CREATE INDEX IF NOT EXISTS items_by_feed_read ON items (feed, read);
    """,
    # 8 (stories): every item's story and the evidence keys it was grouped by; triggers note
    # the items to (re)group (new, edited, moved in time) and the stories that lost an item
    # (pruned), so tui.core.stories.grouping settles only those. An older cache gets every
    # item noted: its first settle groups them all.
    """
    CREATE TABLE IF NOT EXISTS story_items (
        item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
        story TEXT,                   -- the story's id; NULL while not grouped
        keys TEXT NOT NULL DEFAULT '' -- evidence: one "kind key<TAB>shown" per line
    );
    CREATE INDEX IF NOT EXISTS story_items_by_story ON story_items (story);
    CREATE TABLE IF NOT EXISTS stories (
        id TEXT PRIMARY KEY,          -- the uid of its first stored item
        first REAL NOT NULL,          -- sort_time of its earliest and latest item
        last REAL NOT NULL,
        size INTEGER NOT NULL,
        outlets INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS stories_by_last ON stories (last DESC);
    CREATE TABLE IF NOT EXISTS story_dirty (
        item_id INTEGER PRIMARY KEY,
        rekey INTEGER NOT NULL DEFAULT 1  -- 0: its stored evidence still holds, regroup only
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS story_stale (story TEXT PRIMARY KEY) WITHOUT ROWID;
    INSERT OR IGNORE INTO story_dirty (item_id) SELECT id FROM items;
    CREATE TRIGGER IF NOT EXISTS stories_item_insert AFTER INSERT ON items BEGIN
        INSERT OR REPLACE INTO story_dirty (item_id) VALUES (new.id);
    END;
    CREATE TRIGGER IF NOT EXISTS stories_item_edit AFTER UPDATE OF title, summary, sort_time, feed ON items
    WHEN old.title IS NOT new.title OR old.summary IS NOT new.summary
      OR old.sort_time IS NOT new.sort_time OR old.feed IS NOT new.feed
    BEGIN
        INSERT OR REPLACE INTO story_dirty (item_id) VALUES (new.id);
    END;
    CREATE TRIGGER IF NOT EXISTS stories_member_delete AFTER DELETE ON story_items
    WHEN old.story IS NOT NULL BEGIN
        INSERT OR IGNORE INTO story_stale VALUES (old.story);
    END;
    """,
    # 9: new items are noted for their stories and their hours' mention counts by the code
    # that inserts them (`store.index_items`, one statement per feed beside the search
    # index) instead of by two triggers per row, a fifth of a 15,000-item refresh's storing.
    # Edits, moves and deletions keep their triggers.
    """
    DROP TRIGGER IF EXISTS stories_item_insert;
    DROP TRIGGER IF EXISTS mentions_item_insert;
    """,
    # 10: the items whose article page is tracked (read before, re-checked as they age), found
    # at every refresh without walking every item of the last `keep_days` (`pages.tracked_pages`:
    # 20 ms a refresh at 15,000 items, and growing with the cache, for what is usually none).
    """
    CREATE INDEX IF NOT EXISTS items_page_tracked ON items (sort_time DESC)
        WHERE text_checked IS NOT NULL;
    """,
    # 11: the stories told by two reports or more, latest first, without walking the lone
    # reports (every grouped item has a story; most stand alone): the Stories view's list of
    # 162 stories among 38,748 read in 22 ms through stories_by_last (`story_size_at_least`).
    """
    CREATE INDEX IF NOT EXISTS stories_told ON stories (last DESC) WHERE size >= 2;
    """,
    # 12: which items are unread, in a narrow table of their own. Marking 250,000 items read at
    # a million items rewrote every page of the wide item rows (400 MB of log, 3 s); here it
    # deletes 250,000 short rows (12 MB, 0.2 s), and the feeds pane counts each feed's unread
    # from it (10 ms instead of a 78 ms walk of every item). Absent: read. The old column is
    # renamed so that nothing reads or writes it by mistake (dropping it would rewrite the
    # whole table).
    """
    CREATE TABLE IF NOT EXISTS unread (
        item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
        feed TEXT NOT NULL            -- the item's feed: per-feed counts without the items
    );
    INSERT OR IGNORE INTO unread (item_id, feed) SELECT id, feed FROM items WHERE read = 0;
    CREATE INDEX IF NOT EXISTS unread_by_feed ON unread (feed);
    DROP INDEX IF EXISTS items_by_feed_read;
    ALTER TABLE items RENAME COLUMN read TO read_before_schema_12;
    CREATE TRIGGER IF NOT EXISTS unread_item_moved AFTER UPDATE OF feed ON items
    WHEN old.feed IS NOT new.feed BEGIN
        UPDATE unread SET feed = new.feed WHERE item_id = new.id;
    END;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)

# Whether the item `i` is read, in a query over `items i`: not in `unread` (step 12).
ITEM_READ = "NOT EXISTS (SELECT 1 FROM unread u WHERE u.item_id = i.id)"


def language_tag(configured: str | None, declared: str | None) -> str:
    """The language a feed's items count under: feeds.toml's, else the feed's own, cut to
    its primary tag ("en-US" -> "en", "uk_UA" -> "uk"); '' when neither says."""
    raw = (configured or "").strip() or (declared or "").strip()
    return raw.replace("_", "-").split("-")[0].lower()[:8]


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the schema's queries call (mentions.settle), on every connection."""
    conn.create_function("language_tag", 2, language_tag, deterministic=True)


class SchemaTooNew(Exception):
    """The cache was written by a newer wirewatch; refuse rather than damage it."""


def migrate(connection: sqlite3.Connection) -> None:
    """Bring the schema to SCHEMA_VERSION, all-or-nothing."""
    current = connection.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(f"cache schema {current} is newer than this wirewatch "
                           f"({SCHEMA_VERSION}); upgrade wirewatch or use another --cache")
    if current == SCHEMA_VERSION:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Re-read inside the write lock: another process may have migrated meanwhile.
        current = connection.execute("PRAGMA user_version").fetchone()[0]
        for number in range(current, SCHEMA_VERSION):
            for statement in statements(MIGRATIONS[number]):
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def statements(script: str) -> list[str]:
    """Split a migration into statements (sqlite3.complete_statement knows about triggers)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
