"""Stories: one story told by many outlets, in several languages, at different times.

Every item belongs to at most one story. Stories are grouped in the cache, incrementally after each
refresh (the engine calls `settle_after_refresh`; a backlog of thousands of items is grouped in idle
time by `settle_step`, which `watch` and the dashboard run), from evidence that carries across
languages and scripts: names, places and numbers keyed alike in every language, words of one
language, and closeness in time, each weighed by its rarity in the time window. One thread of
one process groups at a time (a thread lock, and the cache's "stories" lease across processes:
see grouping.py); the others skip grouping and read the stories as they are.

The API both faces use (import from the modules named):

- tui.core.stories.facts: `Fact(kind, key, shown, weak)`, `FactMention(fact, start, end)`,
  `find_facts(text, language) -> list[FactMention]` (offsets into `text`).
- tui.core.stories.model: `Story(id, title, items, outlets, languages, first, last, names,
  unread, alerted)` with `to_json()`; `StoryItem(uid, row_id, feed, title, language,
  published, versions, read, alerted)`; `StoryFact(kind, value, items, key)`.
- tui.core.stories.catalog: `list_stories(store, *, days=None, match=None, limit=None,
  min_items=2, settle_limit=READ_LIMIT)`, `get_story(store, story_id, *, settle_limit=..)`
  (an item's uid works too), `story_id_of(store, row_id, *, settle_limit=..)`,
  `story_facts(store, story)`.
- tui.core.stories.related: `find_related(store, row_id, *, limit=20, settle_limit=..) ->
  list[RelatedItem]`,
  `RelatedItem(uid, feed, title, score, wire_copy, published, reasons)`.
- tui.core.stories.grouping: `settle(store, *, limit=None, seconds=None) -> SettleReport`;
  `settle_after_refresh(store)` (the engine, after each refresh: a refresh's worth of items,
  `REFRESH_LIMIT`), `settle_step(store)` (one idle-time slice; its report's `more` says
  whether items still wait), `has_waiting(store)`; the catalog's reads settle up to
  `READ_LIMIT` items first (`settle_limit=None`: everything waiting; 0: nothing). The
  dashboard's Stories view (tui.core.stories.view) groups nothing on its own thread: it reads
  what is grouped and has the backlog grouped in the background, shown as it goes. A
  report's `busy` says another thread or process was grouping.
- tui.core.stories.links: how two reports are weighed (`link`, `Rarity`, `reasons`).
"""
