"""The cache generation of the index's closed periods, renewed by every write to a past day."""

INDEX_GENERATION = "motcua:index:generation"
