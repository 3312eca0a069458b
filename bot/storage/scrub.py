"""The cleanup a deletion owes: until a checkpoint of the write-ahead log gets through, the WAL
(and the database file) may still hold old copies of what was deleted."""

from __future__ import annotations

#: Written in the same commit as a deletion, so a crash or a restart cannot lose it; cleared by
#: the checkpoint that moves the deletion into the database file and truncates the WAL.
OWE_SCRUB = "INSERT OR IGNORE INTO scrub_owed (id) VALUES (1)"
