"""Numbered schema migrations. Each runs once, inside a transaction, in order. Never edit a
released migration: add a new one."""

from __future__ import annotations

import aiosqlite

MIGRATIONS: list[str] = [
    # 1: questionnaire versions, sessions, responses and answers
    """
    CREATE TABLE flow_versions (
        hash TEXT PRIMARY KEY,
        flow_id TEXT NOT NULL,
        version TEXT NOT NULL,
        source TEXT NOT NULL,
        first_seen TEXT NOT NULL            -- YYYY-MM-DD
    );
    CREATE TABLE responses (
        id INTEGER PRIMARY KEY,
        respondent TEXT,                    -- keyed pseudonym, NULL once unlinked (anonymous)
        flow_id TEXT NOT NULL,
        flow_hash TEXT NOT NULL REFERENCES flow_versions(hash),
        status TEXT NOT NULL CHECK (status IN ('partial', 'complete')),
        language TEXT NOT NULL,
        source TEXT,
        started TEXT NOT NULL,              -- YYYY-MM
        finished TEXT,                      -- YYYY-MM
        unlink_on TEXT                      -- YYYY-MM-DD, NULL once unlinked
    );
    CREATE INDEX responses_respondent ON responses(respondent);
    CREATE INDEX responses_flow ON responses(flow_id, status);
    CREATE TABLE answers (
        response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        value TEXT NOT NULL,                -- JSON
        PRIMARY KEY (response_id, question_id)
    ) WITHOUT ROWID;
    CREATE TABLE sessions (
        respondent TEXT PRIMARY KEY,
        state TEXT NOT NULL,                -- JSON of bot.session.Session
        response_id INTEGER REFERENCES responses(id) ON DELETE SET NULL,
        active_on TEXT NOT NULL             -- YYYY-MM-DD of the last message
    );
    """,
    # 2: Telegram updates already processed, so a redelivered update is processed once
    """
    CREATE TABLE processed_updates (
        update_id INTEGER PRIMARY KEY,
        day TEXT NOT NULL                   -- YYYY-MM-DD, for pruning
    );
    """,
    # 3: contact details waiting to go to the engagement agency, and a log of counts only
    """
    CREATE TABLE outbox (
        id TEXT PRIMARY KEY,                -- random: says nothing about order or time
        erasure_tag TEXT NOT NULL,          -- keyed hash, lets /delete find it, links to nothing
        sealed BLOB NOT NULL,               -- Fernet token of the contact details
        queued TEXT NOT NULL,               -- YYYY-MM
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt REAL NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE TABLE delivery_log (
        day TEXT PRIMARY KEY,               -- YYYY-MM-DD
        delivered INTEGER NOT NULL DEFAULT 0,
        failed_attempts INTEGER NOT NULL DEFAULT 0
    );
    """,
    # 4: replies owed to parents whose stored update Telegram was told to forget before the reply
    #    went out (more than a batch in flight); a row lives until that reply is sent
    """
    CREATE TABLE owed_replies (
        update_id INTEGER PRIMARY KEY,
        sealed BLOB NOT NULL                -- Fernet token of the chat to answer, under a key
    );                                      -- derived from the pseudonym key
    """,
    # 5: the Telegram inbox (each update kept from receipt until its reply went out), updates
    #    told apart by a mark as well as their id (Telegram restarts its numbering after a long
    #    quiet spell), and the reply a stored update still owes
    """
    CREATE TABLE processed_new (
        update_id INTEGER NOT NULL,
        mark TEXT NOT NULL DEFAULT '',      -- keyed hash of the chat and message (or tap)
        day TEXT NOT NULL,                  -- YYYY-MM-DD, for pruning
        reply BLOB,                         -- sealed reply still owed, NULL once it went out
        shown INTEGER NOT NULL DEFAULT 0,   -- how much of it was shown
        PRIMARY KEY (update_id, mark)
    ) WITHOUT ROWID;
    INSERT INTO processed_new (update_id, day) SELECT update_id, day FROM processed_updates;
    DROP TABLE processed_updates;
    ALTER TABLE processed_new RENAME TO processed_updates;
    CREATE TABLE inbox (
        id INTEGER PRIMARY KEY,             -- order of arrival
        update_id INTEGER NOT NULL,
        mark TEXT NOT NULL,
        sealed BLOB NOT NULL,               -- Fernet token of the update, under a key derived
        UNIQUE (update_id, mark)            -- from the pseudonym key, deleted once answered
    );
    """,
    # 6: contact details the bot holds until they are gathered into the outbox, in random
    #    order, once the WAL holds no trace of the steps that wrote them (storage/outbox.py)
    """
    CREATE TABLE held_contacts (
        id TEXT PRIMARY KEY,                -- random: says nothing about order or time
        erasure_tag TEXT NOT NULL,          -- keyed hash (both keys), lets /delete find it
        sealed BLOB NOT NULL                -- Fernet token under both keys
    ) WITHOUT ROWID;
    """,
    # 7: deleted means gone whoever reads: a cleanup of the write-ahead log still owed, written in
    #    the same commit as the deletion, so a crash or a restart cannot lose it
    """
    CREATE TABLE scrub_owed (
        id INTEGER PRIMARY KEY CHECK (id = 1)
    );
    """,
    # 8: a stored update known only by a keyed hash of its id and mark, as its session row is
    #    written in the same commit (the plain rows kept below are rehashed at the first start
    #    with the keys); the highest update id answered kept apart from every step
    """
    CREATE TABLE update_numbering (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        highest INTEGER NOT NULL            -- the highest Telegram update id answered
    );
    INSERT INTO update_numbering (id, highest)
        SELECT 1, max(update_id) FROM processed_updates HAVING max(update_id) IS NOT NULL;
    CREATE TABLE receipts (
        receipt TEXT PRIMARY KEY,           -- keyed hash of the update's id and mark
        day TEXT NOT NULL,                  -- YYYY-MM-DD, for pruning
        reply BLOB,                         -- sealed reply still owed, NULL once it went out
        shown INTEGER NOT NULL DEFAULT 0    -- how much of it was shown
    ) WITHOUT ROWID;
    INSERT INTO receipts (receipt, day, reply, shown)
        SELECT 'plain ' || update_id || ' ' || mark, day, reply, shown FROM processed_updates;
    DROP TABLE processed_updates;
    ALTER TABLE receipts RENAME TO processed_updates;
    INSERT OR IGNORE INTO scrub_owed (id) VALUES (1);
    """,
    # 9: the day a completed response is unlinked worked out from its month alone (one shift for
    #    every row, at least what each row was promised), and a finished session's last day the
    #    last day of its month
    """
    CREATE TEMP TABLE unlink_shift AS
        SELECT max(0, CAST(max(julianday(unlink_on)
            - julianday(date(finished || '-01', '+1 month'))) AS INTEGER)) AS days
        FROM responses WHERE unlink_on IS NOT NULL AND finished IS NOT NULL;
    UPDATE responses SET unlink_on = date(finished || '-01', '+1 month',
        '+' || (SELECT coalesce(days, 0) FROM unlink_shift) || ' days')
        WHERE unlink_on IS NOT NULL AND finished IS NOT NULL;
    DROP TABLE temp.unlink_shift;
    UPDATE sessions SET active_on = date(active_on, 'start of month', '+1 month', '-1 day'),
        state = json_set(state, '$.active', date(active_on, 'start of month', '+1 month', '-1 day'))
        WHERE json_extract(state, '$.stage') = 'complete';
    INSERT OR IGNORE INTO scrub_owed (id) VALUES (1);
    """,
    # 10: the themes and sentiment of each typed answer, from the theme codebook (bot/themes),
    #     written with the answer; gone with it (a deletion, a changed answer, retention)
    """
    CREATE TABLE answer_themes (
        response_id INTEGER NOT NULL,
        question_id TEXT NOT NULL,
        codebook TEXT NOT NULL,             -- content hash of the codebook that coded it
        themes TEXT NOT NULL,               -- theme ids, space-separated
        phrases TEXT NOT NULL,              -- JSON: theme id -> the codebook's phrase that matched
        sentiment TEXT NOT NULL,            -- positive, negative, mixed or neutral
        PRIMARY KEY (response_id, question_id),
        FOREIGN KEY (response_id, question_id)
            REFERENCES answers (response_id, question_id) ON DELETE CASCADE
    ) WITHOUT ROWID;
    """,
]


async def migrate(db: aiosqlite.Connection) -> int:
    """Bring the schema up to date. Returns the schema version."""
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    current = int(row[0]) if row else 0
    for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
        statements = [s.strip() for s in script.split(";") if s.strip()]
        await db.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            await db.execute("ROLLBACK")
            raise
        await db.execute("COMMIT")
    return len(MIGRATIONS)
