"""carework: check school committee records against the city's yearly work points."""

__version__ = "0.1.0"
