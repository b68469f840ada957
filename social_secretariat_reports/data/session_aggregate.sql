-- The maintained, exact aggregate of the sessions and contacts (social_secretariat_reports):
-- each session once, whatever its needs (sessions without needs too).
--
-- Run by social.report.contact's init() at every install and upgrade, after
-- data/session_need_aggregate.sql (whose view social_report_session_key and function
-- social_report_age_band it reuses): tables created once, the view, the functions and the
-- triggers replaced. How the figures are defined: readme/INDICATORS.md ("Contacts").
-- Dropped by the uninstall hook (hooks.py).
--
-- Two measures:
-- - sessions: the counted sessions (active, not cancelled);
-- - contacts: the same person at the same desk on the same local day is one contact, counted
--   under the keys of the first of those sessions (earliest time, then lowest id: the
--   "carrier"); an anonymous session (no person) is a contact of its own.
-- The sessions (and the anonymous contacts) are kept as the contacts by need are: BEFORE a
-- change the triggers take away what the touched sessions count, AFTER it they add what they
-- count now. A person's contact belongs to a group (person x desk x day), not to one session,
-- and the groups of a statement changing several rows would see each other half-changed
-- (BEFORE row triggers run row by row, AFTER row triggers at the end of the statement), so
-- the contacts are not taken away and added back but reconciled, AFTER the change only: the
-- table social_report_session_contact holds each group's carrier and keys as counted; the
-- triggers find the carrier of each touched group again from the person's sessions (index
-- on person_id: a person has a handful), and count the difference (the old keys -1, the new
-- +1, nothing when they are the same). Exact under concurrency: reconciling a group writes its
-- row there (also when nothing changed), so two transactions changing one group conflict
-- (REPEATABLE READ: the second fails with a serialization error and Odoo retries it); a
-- change of a session also writes its person's row (no value changes), so that it conflicts
-- with a change of the person's profile; the counts are UPSERT increments as in
-- session_need_aggregate.sql.

-- One row per local day of the desk x desk x keys x profile. Only the triggers below and
-- the rebuild write it.
CREATE TABLE IF NOT EXISTS social_report_session_daily (
    id bigserial PRIMARY KEY,
    day date NOT NULL,
    desk_id integer NOT NULL,
    state varchar NOT NULL,
    channel varchar NOT NULL,
    -- '' when the session has none: a unique key treats NULLs as distinct before PG 15
    outcome varchar NOT NULL,
    -- who turned up: the session's interlocutor_relation, 'person' when none (the person
    -- came themselves)
    relation varchar NOT NULL,
    sent_by varchar NOT NULL,
    age_band varchar NOT NULL,
    gender varchar NOT NULL,
    citizenship_group varchar NOT NULL,
    sessions integer NOT NULL,
    contacts integer NOT NULL,
    CONSTRAINT social_report_session_daily_key UNIQUE (
        day, desk_id, state, channel, outcome, relation, sent_by, age_band, gender,
        citizenship_group
    )
);

-- The same counts by month x desk: the pivots without profile or keys, and the desk
-- workload. daily_rows: how many daily rows it sums (a "count" is the same whichever table
-- answers). Contacts sum: a group is one day, so it lies in one month.
CREATE TABLE IF NOT EXISTS social_report_session_monthly (
    id bigserial PRIMARY KEY,
    month date NOT NULL,
    desk_id integer NOT NULL,
    sessions integer NOT NULL,
    contacts integer NOT NULL,
    daily_rows integer NOT NULL,
    CONSTRAINT social_report_session_monthly_key UNIQUE (month, desk_id)
);

-- The carrier of each person's contact (person x desk x local day) and the keys its contact
-- is counted under: what the daily table counts for the group now.
CREATE TABLE IF NOT EXISTS social_report_session_contact (
    person_id integer NOT NULL,
    desk_id integer NOT NULL,
    day date NOT NULL,
    session_id integer NOT NULL,
    state varchar NOT NULL,
    channel varchar NOT NULL,
    outcome varchar NOT NULL,
    relation varchar NOT NULL,
    sent_by varchar NOT NULL,
    age_band varchar NOT NULL,
    gender varchar NOT NULL,
    citizenship_group varchar NOT NULL,
    PRIMARY KEY (person_id, desk_id, day)
);
CREATE INDEX IF NOT EXISTS social_report_session_contact_session
    ON social_report_session_contact (session_id);

-- The local day at a desk of a UTC timestamp: the expression of social_report_session_key
-- (its zone: the desk's hours, else the Ambito's, else Rome), for a session row that is not
-- (or no longer) in the table. PL/pgSQL: its plan is kept for the connection (an SQL
-- function called on its own is planned at each call).
CREATE OR REPLACE FUNCTION social_report_local_day(desk integer, at timestamp)
RETURNS date LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT (at AT TIME ZONE 'UTC'
                AT TIME ZONE coalesce(nullif(dc.tz, ''), nullif(cc.tz, ''), 'Europe/Rome'))::date
        FROM social_desk d
        JOIN res_company c ON c.id = d.company_id
        LEFT JOIN resource_calendar dc ON dc.id = d.resource_calendar_id
        LEFT JOIN resource_calendar cc ON cc.id = c.resource_calendar_id
        WHERE d.id = desk
    );
END
$$;

-- Each counted session with its keys: those of social_report_session_key (day, state,
-- channel, outcome, profile) and the person, the time, who turned up and who sent them.
DROP VIEW IF EXISTS social_report_contact_key;
CREATE VIEW social_report_contact_key AS
SELECT
    k.session_id, s.person_id, s.date, k.desk_id, k.day, k.state, k.channel, k.outcome,
    coalesce(s.interlocutor_relation, 'person')::varchar AS relation,
    coalesce(s.sent_by, '')::varchar AS sent_by,
    k.age_band, k.gender, k.citizenship_group
FROM social_report_session_key k
JOIN social_listening_session s ON s.id = k.session_id;

-- Add (sign 1) or take away (sign -1) what the sessions `sids` count now (sessions; the
-- contact of each anonymous one); with reconcile, also count again the contact of each group
-- (persons[i], desks[i], days[i]) — persons NULL: the groups of `sids` as they are now and as
-- they were counted. touch: write the persons' rows (see the top of the file); not when the
-- person's own trigger calls.
-- Generic plans: the queries go through a view of many joins, whose planning (about 20 ms)
-- costs far more than running them for a few sessions; planned once per connection, they
-- are reused by every later change (on the 1M-session benchmark a session of a person
-- costs these triggers about 5-10 ms instead of 75).
DROP FUNCTION IF EXISTS social_report_contact_apply(
    integer[], integer[], integer[], date[], integer, boolean);
CREATE OR REPLACE FUNCTION social_report_contact_apply(
    sids integer[], sign integer, persons integer[], desks integer[], days date[],
    reconcile boolean, touch boolean
) RETURNS void LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    zero_daily bigint[];
    zero_monthly bigint[];
BEGIN
    IF reconcile AND persons IS NULL THEN
        SELECT array_agg(person_id), array_agg(desk_id), array_agg(day)
        INTO persons, desks, days
        FROM (
            SELECT person_id, desk_id, day FROM social_report_contact_key
            WHERE session_id = ANY(sids) AND person_id IS NOT NULL
            UNION
            SELECT person_id, desk_id, day FROM social_report_session_contact
            WHERE session_id = ANY(sids)
        ) AS g;
    END IF;
    IF touch AND persons IS NOT NULL
            AND current_setting('social_report.deleting_person', true) IS DISTINCT FROM 'on' THEN
        UPDATE social_person p SET write_date = p.write_date WHERE p.id = ANY(persons);
    END IF;
    WITH g AS (
        SELECT DISTINCT person_id, desk_id, day
        FROM unnest(persons, desks, days) AS g (person_id, desk_id, day)
        WHERE reconcile AND person_id IS NOT NULL
    ), now AS (
        SELECT DISTINCT ON (k.person_id, k.desk_id, k.day)
               k.person_id, k.desk_id, k.day, k.session_id, k.state, k.channel, k.outcome,
               k.relation, k.sent_by, k.age_band, k.gender, k.citizenship_group
        FROM g
        JOIN social_report_contact_key k
            ON k.person_id = g.person_id AND k.desk_id = g.desk_id AND k.day = g.day
        ORDER BY k.person_id, k.desk_id, k.day, k.date, k.session_id
    ), old AS (
        -- as counted until this statement (its own writes below are not seen here)
        SELECT t.*
        FROM g
        JOIN social_report_session_contact t
            ON t.person_id = g.person_id AND t.desk_id = g.desk_id AND t.day = g.day
    ), kept AS (
        INSERT INTO social_report_session_contact AS t
        SELECT * FROM now ORDER BY 1, 2, 3
        ON CONFLICT (person_id, desk_id, day) DO UPDATE SET
            session_id = EXCLUDED.session_id, state = EXCLUDED.state,
            channel = EXCLUDED.channel, outcome = EXCLUDED.outcome,
            relation = EXCLUDED.relation, sent_by = EXCLUDED.sent_by,
            age_band = EXCLUDED.age_band, gender = EXCLUDED.gender,
            citizenship_group = EXCLUDED.citizenship_group
        RETURNING 1
    ), gone AS (
        DELETE FROM social_report_session_contact t
        USING (SELECT person_id, desk_id, day FROM g
               EXCEPT SELECT person_id, desk_id, day FROM now) AS e
        WHERE t.person_id = e.person_id AND t.desk_id = e.desk_id AND t.day = e.day
        RETURNING 1
    ), c AS (
        SELECT day, desk_id, state, channel, outcome, relation, sent_by, age_band, gender,
               citizenship_group, sum(sessions)::integer AS sessions,
               sum(contacts)::integer AS contacts
        FROM (
            SELECT k.day, k.desk_id, k.state, k.channel, k.outcome, k.relation, k.sent_by,
                   k.age_band, k.gender, k.citizenship_group, sign AS sessions,
                   CASE WHEN k.person_id IS NULL THEN sign ELSE 0 END AS contacts
            FROM social_report_contact_key k
            WHERE k.session_id = ANY(sids)
            UNION ALL
            SELECT day, desk_id, state, channel, outcome, relation, sent_by, age_band, gender,
                   citizenship_group, 0, 1
            FROM now
            UNION ALL
            SELECT day, desk_id, state, channel, outcome, relation, sent_by, age_band, gender,
                   citizenship_group, 0, -1
            FROM old
        ) AS delta
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
        HAVING sum(sessions) <> 0 OR sum(contacts) <> 0
    ), daily AS (
        INSERT INTO social_report_session_daily AS t (
            day, desk_id, state, channel, outcome, relation, sent_by, age_band, gender,
            citizenship_group, sessions, contacts)
        SELECT * FROM c ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10  -- one lock order
        ON CONFLICT ON CONSTRAINT social_report_session_daily_key
        DO UPDATE SET sessions = t.sessions + EXCLUDED.sessions,
                      contacts = t.contacts + EXCLUDED.contacts
        -- xmax = 0: the row was inserted, not updated
        RETURNING t.id, t.day, t.desk_id, t.sessions, t.contacts, (t.xmax = 0) AS inserted
    ), monthly AS (
        INSERT INTO social_report_session_monthly AS t (
            month, desk_id, sessions, contacts, daily_rows)
        SELECT month, desk_id, sum(sessions), sum(contacts), sum(daily_rows)
        FROM (
            SELECT date_trunc('month', day)::date AS month, desk_id, sessions, contacts,
                   0 AS daily_rows
            FROM c
            UNION ALL
            SELECT date_trunc('month', day)::date, desk_id, 0, 0,
                   (CASE WHEN inserted THEN 1 ELSE 0 END)
                   - (CASE WHEN sessions = 0 AND contacts = 0 THEN 1 ELSE 0 END)
            FROM daily
        ) AS delta
        GROUP BY 1, 2
        ORDER BY 1, 2
        ON CONFLICT ON CONSTRAINT social_report_session_monthly_key
        DO UPDATE SET sessions = t.sessions + EXCLUDED.sessions,
                      contacts = t.contacts + EXCLUDED.contacts,
                      daily_rows = t.daily_rows + EXCLUDED.daily_rows
        RETURNING t.id, t.sessions, t.contacts
    )
    SELECT (SELECT array_agg(id) FROM daily WHERE sessions = 0 AND contacts = 0),
           (SELECT array_agg(id) FROM monthly WHERE sessions = 0 AND contacts = 0)
    INTO zero_daily, zero_monthly;
    -- a key nothing is counted under any more leaves no row behind (between the BEFORE and
    -- the AFTER trigger a row may hold a contact whose session is taken away: it stays)
    IF zero_daily IS NOT NULL THEN
        DELETE FROM social_report_session_daily
        WHERE id = ANY(zero_daily) AND sessions = 0 AND contacts = 0;
    END IF;
    IF zero_monthly IS NOT NULL THEN
        DELETE FROM social_report_session_monthly
        WHERE id = ANY(zero_monthly) AND sessions = 0 AND contacts = 0;
    END IF;
END
$$;

-- Everything again from the live tables (install, the coordinator's rebuild).
CREATE OR REPLACE FUNCTION social_report_session_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    memory text := current_setting('work_mem');
BEGIN
    PERFORM set_config('work_mem', '256MB', true);
    TRUNCATE social_report_session_daily, social_report_session_monthly,
        social_report_session_contact RESTART IDENTITY;
    -- the view once: read twice below
    CREATE TEMPORARY TABLE social_report_contact_rebuild ON COMMIT DROP AS
    SELECT * FROM social_report_contact_key;
    INSERT INTO social_report_session_contact
    SELECT DISTINCT ON (person_id, desk_id, day)
           person_id, desk_id, day, session_id, state, channel, outcome, relation, sent_by,
           age_band, gender, citizenship_group
    FROM social_report_contact_rebuild
    WHERE person_id IS NOT NULL
    ORDER BY person_id, desk_id, day, date, session_id;
    INSERT INTO social_report_session_daily (
        day, desk_id, state, channel, outcome, relation, sent_by, age_band, gender,
        citizenship_group, sessions, contacts)
    SELECT day, desk_id, state, channel, outcome, relation, sent_by, age_band, gender,
           citizenship_group, sum(sessions), sum(contacts)
    FROM (
        SELECT day, desk_id, state, channel, outcome, relation, sent_by, age_band, gender,
               citizenship_group, 1 AS sessions,
               CASE WHEN person_id IS NULL THEN 1 ELSE 0 END AS contacts
        FROM social_report_contact_rebuild
        UNION ALL
        SELECT day, desk_id, state, channel, outcome, relation, sent_by, age_band, gender,
               citizenship_group, 0, 1
        FROM social_report_session_contact
    ) AS k
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
    DROP TABLE social_report_contact_rebuild;
    INSERT INTO social_report_session_monthly (month, desk_id, sessions, contacts, daily_rows)
    SELECT date_trunc('month', day)::date, desk_id, sum(sessions), sum(contacts), count(*)
    FROM social_report_session_daily
    GROUP BY 1, 2;
    ANALYZE social_report_session_daily, social_report_session_monthly,
        social_report_session_contact;
    PERFORM set_config('work_mem', memory, true);
END
$$;

-- The triggers: BEFORE the change take away the sessions, AFTER it add them and reconcile
-- the groups (see the top of the file).

-- A session: its own counts, and the groups it leaves and joins.
CREATE OR REPLACE FUNCTION social_report_contact_session_trg() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    persons integer[] := ARRAY[]::integer[];
    desks integer[] := ARRAY[]::integer[];
    days date[] := ARRAY[]::date[];
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.person_id IS NOT NULL THEN
        persons := persons || OLD.person_id;
        desks := desks || OLD.desk_id;
        days := days || social_report_local_day(OLD.desk_id, OLD.date);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.person_id IS NOT NULL THEN
        persons := persons || NEW.person_id;
        desks := desks || NEW.desk_id;
        days := days || social_report_local_day(NEW.desk_id, NEW.date);
    END IF;
    IF TG_WHEN = 'BEFORE' THEN
        PERFORM social_report_contact_apply(
            ARRAY[OLD.id], -1, persons, desks, days, false, true);
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM social_report_contact_apply(
            ARRAY[]::integer[], 1, persons, desks, days, true, true);
    ELSE
        PERFORM social_report_contact_apply(ARRAY[NEW.id], 1, persons, desks, days, true, true);
    END IF;
    RETURN NULL;
END
$$;

-- A person's profile: all their sessions move, groups unchanged. (A person deleted: the
-- trigger of session_need_aggregate.sql makes their sessions anonymous first, which the
-- session triggers above count.)
CREATE OR REPLACE FUNCTION social_report_contact_person_trg() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM social_report_contact_apply(
        ARRAY(SELECT id FROM social_listening_session WHERE person_id = OLD.id),
        CASE WHEN TG_WHEN = 'BEFORE' THEN -1 ELSE 1 END, NULL, NULL, NULL,
        TG_WHEN = 'AFTER', false);
    IF TG_WHEN = 'BEFORE' THEN
        RETURN NEW;
    END IF;
    RETURN NULL;
END
$$;

-- The desk's zone decides the local day of all its sessions (and so their groups, which
-- hold sessions of one desk only: all of them are among the desks' sessions).
CREATE OR REPLACE FUNCTION social_report_contact_zone_trg() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    desks integer[];
BEGIN
    IF TG_TABLE_NAME = 'social_desk' THEN
        desks := ARRAY[OLD.id];
    ELSIF TG_TABLE_NAME = 'res_company' THEN
        desks := ARRAY(SELECT id FROM social_desk WHERE company_id = OLD.id);
    ELSE
        desks := ARRAY(
            SELECT d.id FROM social_desk d JOIN res_company c ON c.id = d.company_id
            WHERE d.resource_calendar_id = OLD.id OR c.resource_calendar_id = OLD.id);
    END IF;
    PERFORM social_report_contact_apply(
        ARRAY(SELECT id FROM social_listening_session WHERE desk_id = ANY(desks)),
        CASE WHEN TG_WHEN = 'BEFORE' THEN -1 ELSE 1 END, NULL, NULL, NULL,
        TG_WHEN = 'AFTER', false);
    IF TG_WHEN = 'BEFORE' THEN
        RETURN NEW;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS social_report_contact_session_before ON social_listening_session;
CREATE TRIGGER social_report_contact_session_before
    BEFORE UPDATE OF date, desk_id, state, active, person_id, channel, outcome,
        interlocutor_relation, sent_by, anon_age_band, anon_gender, anon_citizenship_group
    ON social_listening_session FOR EACH ROW
    WHEN ((OLD.date, OLD.desk_id, OLD.state, OLD.active, OLD.person_id, OLD.channel,
           OLD.outcome, OLD.interlocutor_relation, OLD.sent_by, OLD.anon_age_band,
           OLD.anon_gender, OLD.anon_citizenship_group)
          IS DISTINCT FROM
          (NEW.date, NEW.desk_id, NEW.state, NEW.active, NEW.person_id, NEW.channel,
           NEW.outcome, NEW.interlocutor_relation, NEW.sent_by, NEW.anon_age_band,
           NEW.anon_gender, NEW.anon_citizenship_group))
    EXECUTE FUNCTION social_report_contact_session_trg();
DROP TRIGGER IF EXISTS social_report_contact_session_after ON social_listening_session;
CREATE TRIGGER social_report_contact_session_after
    AFTER UPDATE OF date, desk_id, state, active, person_id, channel, outcome,
        interlocutor_relation, sent_by, anon_age_band, anon_gender, anon_citizenship_group
    ON social_listening_session FOR EACH ROW
    WHEN ((OLD.date, OLD.desk_id, OLD.state, OLD.active, OLD.person_id, OLD.channel,
           OLD.outcome, OLD.interlocutor_relation, OLD.sent_by, OLD.anon_age_band,
           OLD.anon_gender, OLD.anon_citizenship_group)
          IS DISTINCT FROM
          (NEW.date, NEW.desk_id, NEW.state, NEW.active, NEW.person_id, NEW.channel,
           NEW.outcome, NEW.interlocutor_relation, NEW.sent_by, NEW.anon_age_band,
           NEW.anon_gender, NEW.anon_citizenship_group))
    EXECUTE FUNCTION social_report_contact_session_trg();
-- dropped: the groups are reconciled after the change only
DROP TRIGGER IF EXISTS social_report_contact_session_new ON social_listening_session;
DROP TRIGGER IF EXISTS social_report_contact_session_insert ON social_listening_session;
CREATE TRIGGER social_report_contact_session_insert
    AFTER INSERT ON social_listening_session FOR EACH ROW
    EXECUTE FUNCTION social_report_contact_session_trg();
DROP TRIGGER IF EXISTS social_report_contact_session_delete ON social_listening_session;
CREATE TRIGGER social_report_contact_session_delete
    BEFORE DELETE ON social_listening_session FOR EACH ROW
    EXECUTE FUNCTION social_report_contact_session_trg();
DROP TRIGGER IF EXISTS social_report_contact_session_deleted ON social_listening_session;
CREATE TRIGGER social_report_contact_session_deleted
    AFTER DELETE ON social_listening_session FOR EACH ROW
    WHEN (OLD.person_id IS NOT NULL)
    EXECUTE FUNCTION social_report_contact_session_trg();

DROP TRIGGER IF EXISTS social_report_contact_person_before ON social_person;
CREATE TRIGGER social_report_contact_person_before
    BEFORE UPDATE OF birth_date, gender, citizenship_group, is_anonymised
    ON social_person FOR EACH ROW
    WHEN ((OLD.birth_date, OLD.gender, OLD.citizenship_group, OLD.is_anonymised)
          IS DISTINCT FROM (NEW.birth_date, NEW.gender, NEW.citizenship_group, NEW.is_anonymised))
    EXECUTE FUNCTION social_report_contact_person_trg();
DROP TRIGGER IF EXISTS social_report_contact_person_after ON social_person;
CREATE TRIGGER social_report_contact_person_after
    AFTER UPDATE OF birth_date, gender, citizenship_group, is_anonymised
    ON social_person FOR EACH ROW
    WHEN ((OLD.birth_date, OLD.gender, OLD.citizenship_group, OLD.is_anonymised)
          IS DISTINCT FROM (NEW.birth_date, NEW.gender, NEW.citizenship_group, NEW.is_anonymised))
    EXECUTE FUNCTION social_report_contact_person_trg();

DROP TRIGGER IF EXISTS social_report_contact_desk_before ON social_desk;
CREATE TRIGGER social_report_contact_desk_before
    BEFORE UPDATE OF resource_calendar_id, company_id ON social_desk FOR EACH ROW
    WHEN ((OLD.resource_calendar_id, OLD.company_id)
          IS DISTINCT FROM (NEW.resource_calendar_id, NEW.company_id))
    EXECUTE FUNCTION social_report_contact_zone_trg();
DROP TRIGGER IF EXISTS social_report_contact_desk_after ON social_desk;
CREATE TRIGGER social_report_contact_desk_after
    AFTER UPDATE OF resource_calendar_id, company_id ON social_desk FOR EACH ROW
    WHEN ((OLD.resource_calendar_id, OLD.company_id)
          IS DISTINCT FROM (NEW.resource_calendar_id, NEW.company_id))
    EXECUTE FUNCTION social_report_contact_zone_trg();
DROP TRIGGER IF EXISTS social_report_contact_company_before ON res_company;
CREATE TRIGGER social_report_contact_company_before
    BEFORE UPDATE OF resource_calendar_id ON res_company FOR EACH ROW
    WHEN (OLD.resource_calendar_id IS DISTINCT FROM NEW.resource_calendar_id)
    EXECUTE FUNCTION social_report_contact_zone_trg();
DROP TRIGGER IF EXISTS social_report_contact_company_after ON res_company;
CREATE TRIGGER social_report_contact_company_after
    AFTER UPDATE OF resource_calendar_id ON res_company FOR EACH ROW
    WHEN (OLD.resource_calendar_id IS DISTINCT FROM NEW.resource_calendar_id)
    EXECUTE FUNCTION social_report_contact_zone_trg();
DROP TRIGGER IF EXISTS social_report_contact_calendar_before ON resource_calendar;
CREATE TRIGGER social_report_contact_calendar_before
    BEFORE UPDATE OF tz ON resource_calendar FOR EACH ROW
    WHEN (OLD.tz IS DISTINCT FROM NEW.tz)
    EXECUTE FUNCTION social_report_contact_zone_trg();
DROP TRIGGER IF EXISTS social_report_contact_calendar_after ON resource_calendar;
CREATE TRIGGER social_report_contact_calendar_after
    AFTER UPDATE OF tz ON resource_calendar FOR EACH ROW
    WHEN (OLD.tz IS DISTINCT FROM NEW.tz)
    EXECUTE FUNCTION social_report_contact_zone_trg();
