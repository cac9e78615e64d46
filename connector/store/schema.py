"""The database schema, as forward migrations: version N is MIGRATIONS[N - 1].

A migration is only ever appended, never edited once released: a hotel's file may be at any
earlier version, and opening it with a newer connector brings it forward in one transaction.
"""

from __future__ import annotations

import sqlite3

from connector.store.connection import transaction
from connector.store.errors import SchemaTooNew

_VERSION_1 = (
    # Every event the PMS sent, before it is acknowledged. `seq` orders them (AUTOINCREMENT:
    # never reused, even after a prune); `event_id` is the idempotency key.
    """CREATE TABLE inbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        occurred_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        body TEXT NOT NULL
    )""",
    # Desired state per room (RoomState JSON) and how much of it Zoom is known to have.
    """CREATE TABLE rooms (
        room TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 0),
        confirmed_version INTEGER NOT NULL DEFAULT 0
            CHECK (confirmed_version BETWEEN 0 AND version)
    )""",
    # The reconciler asks for dirty rooms often; this keeps the answer off the state blobs.
    """CREATE INDEX rooms_dirty ON rooms (room, version, confirmed_version)
        WHERE version > confirmed_version""",
    # Which event produced which version of which room; a NULL event is a forced re-check.
    # `seq` orders dirty rooms (the inbox seq of the change, or the last one at a re-check).
    """CREATE TABLE room_changes (
        room TEXT NOT NULL REFERENCES rooms (room),
        version INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        event_id TEXT REFERENCES inbox (event_id),
        PRIMARY KEY (room, version)
    )""",
    "CREATE INDEX room_changes_by_event ON room_changes (event_id)",
    # What we know of each room's Zoom state (KnownZoom JSON); rooms need no desired state.
    """CREATE TABLE known (
        room TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        saved_at TEXT NOT NULL
    )""",
    # The latest failure to converge a room; `version` is the desired version it was at.
    """CREATE TABLE failures (
        room TEXT PRIMARY KEY,
        error TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        final INTEGER NOT NULL CHECK (final IN (0, 1)),
        at TEXT NOT NULL,
        version INTEGER NOT NULL
    )""",
    # The audit trail of what we changed in Zoom.
    """CREATE TABLE journal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        room TEXT NOT NULL,
        at TEXT NOT NULL,
        change TEXT NOT NULL,
        detail TEXT NOT NULL,
        event_ids TEXT NOT NULL
    )""",
    "CREATE INDEX journal_by_time ON journal (at, id)",
    "CREATE INDEX journal_by_room ON journal (room, at, id)",
    """CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
)

_VERSION_2 = (
    # Reports back to the PMS (wake-up answers, guest-set wake-ups, maid status, postings),
    # kept until delivered. `id` orders them (AUTOINCREMENT: never reused, so a webhook
    # report id stays unique for the life of the file). `payload` is channel-neutral JSON;
    # `channel` is NULL for a report made while no channel was configured. `sent_at` starts
    # the wait for a posting's answer; `p_number` is its FIAS P#.
    """CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT CHECK (channel IN ('fias', 'webhook')),
        kind TEXT NOT NULL CHECK (kind IN ('wakeup_answer', 'wakeup_set', 'wakeup_clear',
            'maid_status', 'posting')),
        room TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sent', 'answered', 'unknown', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at TEXT NOT NULL,
        sent_at TEXT,
        last_error TEXT,
        p_number INTEGER CHECK (p_number BETWEEN 1 AND 99999999),
        answer TEXT,
        CHECK ((kind = 'posting') = (p_number IS NOT NULL))
    )""",
    # The pumps read the pending head of one channel, in order.
    "CREATE INDEX outbox_pending ON outbox (channel, id) WHERE state = 'pending'",
    # A posting answer (PA) names its posting by P# only.
    "CREATE INDEX outbox_by_p_number ON outbox (p_number) WHERE p_number IS NOT NULL",
    # The last FIAS P# given out; one row. Allocated with its posting, in one transaction.
    """CREATE TABLE posting_numbers (
        only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
        last INTEGER NOT NULL CHECK (last BETWEEN 0 AND 99999999)
    )""",
    "INSERT INTO posting_numbers (only_row, last) VALUES (1, 0)",
)

_VERSION_3 = (
    # One row per requested wake-up (each day of a daily one is its own row), from the time
    # the PMS asks for it until its one answer is reported. `requested_at` is what the PMS
    # asked for (the answer carries it); `due_at` is when the next try is due. A try is
    # marked `calling` (with `started_at`) and committed before the room is dialled, so a
    # restart finds it and never places it twice. `tries` counts the tries of the current
    # sequence (a snooze starts a new one); `attempts` counts every try ever placed.
    """CREATE TABLE wakeup_jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        room TEXT NOT NULL,
        requested_at TEXT NOT NULL,
        set_by_event TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'calling', 'done', 'cancelled')),
        due_at TEXT NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0 CHECK (tries >= 0),
        snoozes INTEGER NOT NULL DEFAULT 0 CHECK (snoozes >= 0),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_outcome TEXT,
        started_at TEXT,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        answer TEXT,
        CHECK ((state = 'calling') = (started_at IS NOT NULL))
    )""",
    # The scheduler asks "what is due" often; only pending rows matter to it.
    "CREATE INDEX wakeup_jobs_due ON wakeup_jobs (due_at, tries, room) WHERE state = 'pending'",
    "CREATE INDEX wakeup_jobs_by_room ON wakeup_jobs (room, requested_at)",
    # What the front desk must act on (a wake-up nobody answered, one missed while the
    # connector was down), until someone acknowledges it. `operator_call` is how the call
    # to the operator went (NULL: none was placed, or not yet).
    """CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('wakeup_not_answered', 'wakeup_missed')),
        room TEXT NOT NULL,
        job_id INTEGER REFERENCES wakeup_jobs (id),
        requested_at TEXT,
        tries INTEGER,
        outcome TEXT,
        created_at TEXT NOT NULL,
        operator_call TEXT,
        acknowledged_at TEXT,
        acknowledged_by TEXT,
        CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL))
    )""",
    "CREATE INDEX alerts_open ON alerts (id) WHERE acknowledged_at IS NULL",
)

_VERSION_4 = (
    # Guest service status (RS 8 DND on, 9 make-up room, 10 all off) joins the report kinds.
    # SQLite cannot alter a CHECK: the outbox is copied into a table with the new one.
    """CREATE TABLE outbox_v4 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT CHECK (channel IN ('fias', 'webhook')),
        kind TEXT NOT NULL CHECK (kind IN ('wakeup_answer', 'wakeup_set', 'wakeup_clear',
            'maid_status', 'posting', 'guest_service')),
        room TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sent', 'answered', 'unknown', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at TEXT NOT NULL,
        sent_at TEXT,
        last_error TEXT,
        p_number INTEGER CHECK (p_number BETWEEN 1 AND 99999999),
        answer TEXT,
        CHECK ((kind = 'posting') = (p_number IS NOT NULL))
    )""",
    "INSERT INTO outbox_v4 SELECT * FROM outbox",
    "DROP TABLE outbox",
    "ALTER TABLE outbox_v4 RENAME TO outbox",
    "CREATE INDEX outbox_pending ON outbox (channel, id) WHERE state = 'pending'",
    "CREATE INDEX outbox_by_p_number ON outbox (p_number) WHERE p_number IS NOT NULL",
)

_VERSION_5 = (
    # What each PMS event did to each room it named or changed, in words without guest names
    # (`connector status --room`), written with the event in its ingest transaction. A
    # duplicate delivery gets its own row: IT wants to see that the PMS sent it again.
    # `outcome`: the room changed, was already so, or the event was a duplicate.
    """CREATE TABLE event_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        room TEXT NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        source TEXT NOT NULL,
        reservation TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('changed', 'no change', 'duplicate')),
        words TEXT NOT NULL,
        occurred_at TEXT NOT NULL,
        received_at TEXT NOT NULL
    )""",
    "CREATE INDEX event_log_by_room ON event_log (room, id)",
)

_VERSION_6 = (
    # Call accounting: one row per outside call Zoom told of, keyed by Zoom's call id, from
    # either door (`sources`: 'webhook', 'poll' or both). A later row for the same call only
    # fills in what was missing. `state` is where the call stands (connector.store.calls);
    # once `posted`, the posting's own row in the outbox (`outbox_id`, its P#) says whether
    # the PMS took it, so the two can never disagree. `reason` says why a call was not
    # posted (no rate, vacant room, ...). Money as integer minor units with its currency.
    """CREATE TABLE calls (
        call_id TEXT PRIMARY KEY,
        sources TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        connect_type TEXT NOT NULL CHECK (connect_type IN ('internal', 'external')),
        emergency INTEGER NOT NULL CHECK (emergency IN (0, 1)),
        result TEXT NOT NULL,
        caller_extension TEXT,
        caller_extension_type TEXT,
        dialled TEXT NOT NULL,
        callee_country TEXT,
        start_time TEXT NOT NULL,
        answer_time TEXT,
        end_time TEXT,
        talk_seconds INTEGER NOT NULL CHECK (talk_seconds >= 0),
        room TEXT,
        reservation TEXT,
        state TEXT NOT NULL CHECK (state IN ('new', 'not_chargeable', 'not_a_room', 'vacant',
            'no_rate', 'rated', 'posted', 'late')),
        reason TEXT,
        class_name TEXT,
        amount_minor INTEGER CHECK (amount_minor >= 0),
        currency TEXT,
        billed_seconds INTEGER,
        outbox_id INTEGER REFERENCES outbox (id),
        p_number INTEGER,
        first_seen_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK ((state = 'posted') = (outbox_id IS NOT NULL))
    )""",
    "CREATE INDEX calls_by_room ON calls (room, start_time)",
    "CREATE INDEX calls_by_reservation ON calls (reservation, start_time)",
    "CREATE INDEX calls_by_state ON calls (state, start_time)",
    "CREATE INDEX calls_by_p_number ON calls (p_number) WHERE p_number IS NOT NULL",
    "CREATE INDEX calls_by_outbox ON calls (outbox_id) WHERE outbox_id IS NOT NULL",
    # Postings not yet settled, counted at every metrics scrape: off the whole outbox.
    """CREATE INDEX outbox_open_postings ON outbox (state)
        WHERE kind = 'posting' AND state IN ('pending', 'sent', 'unknown')""",
    # Which stay held which room when, for attributing a call to the stay in the room at its
    # start: opened when a stay appears in a room's state, closed when it leaves (check-out,
    # move, a resync dropping it), written with the event that did it. `reservation` '' is
    # the room's own stay (a PMS keyed by room).
    """CREATE TABLE stays (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        room TEXT NOT NULL,
        reservation TEXT NOT NULL,
        since TEXT NOT NULL,
        until TEXT
    )""",
    "CREATE INDEX stays_by_room ON stays (room, since)",
    "CREATE UNIQUE INDEX stays_open ON stays (room, reservation) WHERE until IS NULL",
    # The stays in house when the file is brought to this version: their check-in time is
    # in the state's JSON in no fixed format, so they count from the beginning of time (no
    # call before this version was kept, so none can be misattributed by it).
    """INSERT INTO stays (room, reservation, since)
        SELECT DISTINCT rooms.room, coalesce(json_extract(stay.value, '$.reservation'), ''),
            '0001-01-01T00:00:00.000000+00:00'
        FROM rooms, json_each(rooms.state, '$.stays') AS stay""",
)

_VERSION_7 = (
    # Front-desk console accounts (`connector staff`); `password_hash` is an Argon2id PHC
    # string. `role` is 'desk' or 'admin'.
    """CREATE TABLE staff (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('desk', 'admin')),
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        password_changed_at TEXT NOT NULL
    )""",
    # Signed-in console sessions, server-side so that a password change, a removed account
    # or a sign-out ends them at once. `id_hash` is the SHA-256 of the cookie's random id (a
    # stolen copy of the file cannot be replayed as a cookie); `csrf` the session's token.
    """CREATE TABLE console_sessions (
        id_hash TEXT PRIMARY KEY,
        staff TEXT NOT NULL REFERENCES staff (name) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    )""",
    "CREATE INDEX console_sessions_by_staff ON console_sessions (staff)",
    # Failed sign-ins, for the lock-out (per account and per client address); pruned once
    # older than the lock-out window.
    """CREATE TABLE sign_in_failures (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        address TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX sign_in_failures_by_account ON sign_in_failures (account, at)",
    "CREATE INDEX sign_in_failures_by_address ON sign_in_failures (address, at)",
    # Who did what on the console, when, to which room: never a guest name. Kept apart from
    # `staff` (no foreign key) so a removed account's actions stay on record.
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        staff TEXT NOT NULL,
        action TEXT NOT NULL,
        room TEXT,
        detail TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX audit_by_time ON audit (at, id)",
    "CREATE INDEX audit_by_room ON audit (room, id) WHERE room IS NOT NULL",
)

_VERSION_8 = (
    # Guests' personal data (connector.store.erasure): when a check-in's or guest change's
    # body had its names blanked, and when a stay's personal data was erased (by the daily
    # retention or on request). A blanked body keeps its row: the event id stays the
    # idempotency key until the record itself is pruned.
    "ALTER TABLE inbox ADD COLUMN erased_at TEXT",
    "ALTER TABLE stays ADD COLUMN erased_at TEXT",
    # The retention walks bodies that may still hold names, and calls that still hold a
    # dialled number, in order: off the rows already blanked.
    """CREATE INDEX inbox_named ON inbox (seq)
        WHERE erased_at IS NULL AND type IN ('check_in', 'guest_change')""",
    "CREATE INDEX calls_dialled ON calls (start_time, call_id) WHERE dialled != ''",
    # Pruning old records walks them by time.
    "CREATE INDEX inbox_by_received ON inbox (received_at)",
    "CREATE INDEX event_log_by_received ON event_log (received_at)",
    "CREATE INDEX stays_by_until ON stays (until) WHERE until IS NOT NULL",
    # Whether a row's stay is still kept (in house, or gone for less than the retention).
    "CREATE INDEX stays_by_reservation ON stays (reservation, until)",
    "CREATE INDEX outbox_by_created ON outbox (created_at)",
    "CREATE INDEX calls_by_start ON calls (start_time)",
    "CREATE INDEX wakeup_jobs_by_created ON wakeup_jobs (created_at)",
    "CREATE INDEX room_changes_by_seq ON room_changes (seq)",
)

_VERSION_9 = (
    # Each try of a wake-up, so the desk sees every call, not only a count and the last one.
    # A row is added when the try starts (`ended_at` and `outcome` NULL while it rings) and
    # completed when it ends, in the same transaction as the job's own change. No guest
    # name or number: it goes with its job (prune), not with the guest (erasure).
    """CREATE TABLE wakeup_attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id INTEGER NOT NULL REFERENCES wakeup_jobs (id),
        attempt INTEGER NOT NULL CHECK (attempt >= 1),
        started_at TEXT NOT NULL,
        ended_at TEXT,
        outcome TEXT,
        CHECK ((ended_at IS NULL) = (outcome IS NULL))
    )""",
    "CREATE INDEX wakeup_attempts_by_job ON wakeup_attempts (job_id, attempt)",
)

_VERSION_10 = (
    # What a cloud PMS (OHIP, Cloudbeds) told us, stored before anything acts on it
    # (connector.store.cloud_notices). `key` is the notice's idempotency key; the rowid orders
    # the pending ones. `body` may hold guest names: blanked ('{}') once applied, and once a
    # failed one is older than the personal-data retention. `last_error` never holds guest
    # data.
    """CREATE TABLE cloud_notices (
        key TEXT PRIMARY KEY,
        vendor TEXT NOT NULL,
        name TEXT NOT NULL,
        received_at TEXT NOT NULL,
        body TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'applied', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error TEXT,
        applied_at TEXT
    )""",
    "CREATE INDEX cloud_notices_pending ON cloud_notices (state) WHERE state = 'pending'",
    "CREATE INDEX cloud_notices_by_received ON cloud_notices (received_at)",
    # Reports to a cloud PMS join the outbox's channels. SQLite cannot alter a CHECK: the
    # outbox is copied into a table with the new one (foreign keys are off while migrating,
    # so `calls.outbox_id` keeps pointing at the same ids; `migrate` checks them after).
    """CREATE TABLE outbox_v10 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT CHECK (channel IN ('fias', 'webhook', 'cloud')),
        kind TEXT NOT NULL CHECK (kind IN ('wakeup_answer', 'wakeup_set', 'wakeup_clear',
            'maid_status', 'posting', 'guest_service')),
        room TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sent', 'answered', 'unknown', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at TEXT NOT NULL,
        sent_at TEXT,
        last_error TEXT,
        p_number INTEGER CHECK (p_number BETWEEN 1 AND 99999999),
        answer TEXT,
        CHECK ((kind = 'posting') = (p_number IS NOT NULL))
    )""",
    "INSERT INTO outbox_v10 SELECT * FROM outbox",
    "DROP TABLE outbox",
    "ALTER TABLE outbox_v10 RENAME TO outbox",
    "CREATE INDEX outbox_pending ON outbox (channel, id) WHERE state = 'pending'",
    "CREATE INDEX outbox_by_p_number ON outbox (p_number) WHERE p_number IS NOT NULL",
    """CREATE INDEX outbox_open_postings ON outbox (state)
        WHERE kind = 'posting' AND state IN ('pending', 'sent', 'unknown')""",
    "CREATE INDEX outbox_by_created ON outbox (created_at)",
)

_VERSION_11 = (
    # Zoom's voicemails, as its voicemail webhooks and the nightly sweep tell of them
    # (connector.store.voicemail_index), so a check-out purge needs no listing. Only ids,
    # the owner and times: no caller number or name (personal data). A row with
    # `deleted_at` is a tombstone: a retried `phone.voicemail_received` must not bring a
    # deleted voicemail back. A deletion of a voicemail never indexed is a tombstone with no
    # owner.
    """CREATE TABLE voicemail_index (
        voicemail_id TEXT PRIMARY KEY,
        owner_id TEXT,
        owner_type TEXT CHECK (owner_type IN ('user', 'common_area')),
        extension TEXT,
        received_at TEXT,
        indexed_at TEXT NOT NULL,
        deleted_at TEXT,
        CHECK (deleted_at IS NOT NULL OR (owner_id IS NOT NULL AND owner_type IS NOT NULL
                                          AND received_at IS NOT NULL))
    )""",
    """CREATE INDEX voicemail_index_live ON voicemail_index (owner_id, received_at)
        WHERE deleted_at IS NULL""",
    "CREATE INDEX voicemail_index_by_received ON voicemail_index (received_at)",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    _VERSION_1, _VERSION_2, _VERSION_3, _VERSION_4, _VERSION_5, _VERSION_6, _VERSION_7,
    _VERSION_8, _VERSION_9, _VERSION_10, _VERSION_11)
LATEST = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, *, path: str, now: str) -> int:
    """Bring the database to LATEST; returns the version it was at before.

    Foreign keys are off while migrating (SQLite's way to rebuild a table others point at;
    the pragma is a no-op inside a transaction, so it is set around it) and checked whole
    before the commit."""
    enforced = bool(conn.execute("PRAGMA foreign_keys").fetchone()[0])
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        return _migrate(conn, path=path, now=now)
    finally:
        if enforced:
            conn.execute("PRAGMA foreign_keys=ON")


def _migrate(conn: sqlite3.Connection, *, path: str, now: str) -> int:
    with transaction(conn):
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        found = current_version(conn)
        if found > LATEST:
            raise SchemaTooNew(path, found, LATEST)
        for version in range(found + 1, LATEST + 1):
            for statement in MIGRATIONS[version - 1]:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", (version, now)
            )
        if found < LATEST and conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise sqlite3.IntegrityError("a migration left a row pointing at nothing")
    return found


def current_version(conn: sqlite3.Connection) -> int:
    """The schema version the database is at."""
    return int(conn.execute("SELECT coalesce(max(version), 0) FROM schema_version")
               .fetchone()[0])
