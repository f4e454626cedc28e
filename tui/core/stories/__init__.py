"""Stories: one story told by many outlets, in several languages, at different times."""
