"""wirewatch: a terminal news monitor for the places and people a user follows."""

__version__ = "0.1.0"
