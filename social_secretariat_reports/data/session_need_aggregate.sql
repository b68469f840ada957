-- The maintained, exact aggregate of the contacts by need (social_secretariat_reports).
--
-- Run by social.report.session.need's init() at every install and upgrade: tables created
-- once, the view, the functions and the triggers replaced. Why plain tables kept by triggers,
-- and how the counts are defined: models/social_report_session_need.py and
-- readme/INDICATORS.md. Dropped by the uninstall hook (hooks.py).

-- One row per local day of the desk x desk x need x profile: the number of counted sessions
-- (active, not cancelled) with that need. Only the triggers below and the rebuild write it.
CREATE TABLE IF NOT EXISTS social_report_session_need_daily (
    id bigserial PRIMARY KEY,
    day date NOT NULL,
    desk_id integer NOT NULL,
    need_id integer NOT NULL,
    state varchar NOT NULL,
    channel varchar NOT NULL,
    -- '' when the session has none: a unique key treats NULLs as distinct before PG 15
    outcome varchar NOT NULL,
    age_band varchar NOT NULL,
    gender varchar NOT NULL,
    citizenship_group varchar NOT NULL,
    contacts integer NOT NULL,
    CONSTRAINT social_report_session_need_daily_key UNIQUE (
        day, desk_id, need_id, state, channel, outcome, age_band, gender, citizenship_group
    )
);

-- The same counts by month x desk x need: what the pivots that need no profile read (a few
-- rows a desk and month instead of hundreds). daily_rows: how many daily rows it sums, so
-- that a "count" is the same whichever table answers.
CREATE TABLE IF NOT EXISTS social_report_session_need_monthly (
    id bigserial PRIMARY KEY,
    month date NOT NULL,
    desk_id integer NOT NULL,
    need_id integer NOT NULL,
    contacts integer NOT NULL,
    daily_rows integer NOT NULL,
    CONSTRAINT social_report_session_need_monthly_key UNIQUE (month, desk_id, need_id)
);

-- Age in whole years at `day` (the birthday reached; born on 29 February: on 1 March in
-- common years, as PostgreSQL's age() counts), in the bands of social_secretariat's AGE_BANDS. One
-- expression without FROM, so that PostgreSQL inlines it instead of calling it for each row
-- (EXPLAIN VERBOSE shows the expression, not the function).
CREATE OR REPLACE FUNCTION social_report_age_band(birth date, day date)
RETURNS varchar LANGUAGE sql IMMUTABLE AS $$
    SELECT (CASE WHEN birth IS NULL THEN 'unknown'
        ELSE (ARRAY['0_17', '18_29', '30_44', '45_64', '65_74', '75_plus'])[
            width_bucket(
                -- timestamps without zone: age() of dates would take the STABLE timestamptz
                -- variant, and an IMMUTABLE function with a STABLE body is not inlined
                date_part('year', age(day::timestamp, birth::timestamp)),
                ARRAY[18, 30, 45, 65, 75]::float8[]
            ) + 1]
    END)::varchar
$$;

-- Each counted session with the keys it is counted under (its needs apart). The profile is
-- the person's while the person has a file, else the session's own (anonymous sessions, and
-- persons anonymised: the anonymisation copies the profile onto the sessions). The day is the
-- local date in the desk's zone (social.desk._tz: its hours, else the Ambito's, else Rome).
-- CASCADE: social_report_contact_key (data/session_aggregate.sql, run after this file) is
-- built on it and made again right after
DROP VIEW IF EXISTS social_report_session_key CASCADE;
CREATE VIEW social_report_session_key AS
SELECT
    s.id AS session_id,
    s.desk_id,
    local.day,
    s.state,
    s.channel,
    coalesce(s.outcome, '') AS outcome,
    CASE WHEN who.known THEN social_report_age_band(p.birth_date, local.day)
         ELSE coalesce(s.anon_age_band, 'unknown') END AS age_band,
    coalesce(CASE WHEN who.known THEN p.gender ELSE s.anon_gender END, 'unknown') AS gender,
    coalesce(
        CASE WHEN who.known THEN p.citizenship_group ELSE s.anon_citizenship_group END,
        'unknown'
    ) AS citizenship_group
FROM social_listening_session s
JOIN social_desk d ON d.id = s.desk_id
JOIN res_company c ON c.id = d.company_id
LEFT JOIN resource_calendar dc ON dc.id = d.resource_calendar_id
LEFT JOIN resource_calendar cc ON cc.id = c.resource_calendar_id
LEFT JOIN social_person p ON p.id = s.person_id
CROSS JOIN LATERAL (
    SELECT (s.date AT TIME ZONE 'UTC'
            AT TIME ZONE coalesce(nullif(dc.tz, ''), nullif(cc.tz, ''), 'Europe/Rome'))::date AS day
) AS local
CROSS JOIN LATERAL (
    SELECT p.id IS NOT NULL AND NOT coalesce(p.is_anonymised, false) AS known
) AS who
WHERE s.active AND s.state <> 'cancelled';

-- Add (sign 1) or take away (sign -1) what the sessions `sids` count now, for all their needs
-- or for `one_need` only. The triggers call it before a change with -1 and after it with +1:
-- the difference is the change, applied as increments (UPSERT), which stay exact when two
-- transactions change the same row (the row lock orders them; under Odoo's REPEATABLE READ
-- the second one fails with a serialization error and Odoo retries the request).
-- touch_persons: write the sessions' person rows (no value changes), so that a transaction
-- changing a person's profile at the same time conflicts with this one instead of missing
-- the sessions it cannot see yet (write skew); not when the person's own trigger calls.
CREATE OR REPLACE FUNCTION social_report_session_need_apply(
    sids integer[], one_need integer, sign integer, touch_persons boolean
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    zero_daily bigint[];
    zero_monthly bigint[];
BEGIN
    IF touch_persons AND current_setting('social_report.deleting_person', true) IS DISTINCT FROM 'on' THEN
        UPDATE social_person p SET write_date = p.write_date
        FROM social_listening_session s
        WHERE s.id = ANY(sids) AND p.id = s.person_id;
    END IF;
    WITH c AS (
        SELECT k.day, k.desk_id, r.need_id, k.state, k.channel, k.outcome, k.age_band,
               k.gender, k.citizenship_group, sign * count(*)::integer AS n
        FROM social_report_session_key k
        JOIN social_session_need_rel r ON r.session_id = k.session_id
        WHERE k.session_id = ANY(sids) AND (one_need IS NULL OR r.need_id = one_need)
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ), daily AS (
        INSERT INTO social_report_session_need_daily AS t (
            day, desk_id, need_id, state, channel, outcome, age_band, gender,
            citizenship_group, contacts)
        SELECT * FROM c ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9  -- one lock order: fewer deadlocks
        ON CONFLICT ON CONSTRAINT social_report_session_need_daily_key
        DO UPDATE SET contacts = t.contacts + EXCLUDED.contacts
        -- xmax = 0: the row was inserted, not updated
        RETURNING t.id, t.day, t.desk_id, t.need_id, t.contacts, (t.xmax = 0) AS inserted
    ), monthly AS (
        INSERT INTO social_report_session_need_monthly AS t (
            month, desk_id, need_id, contacts, daily_rows)
        SELECT month, desk_id, need_id, sum(contacts), sum(daily_rows)
        FROM (
            SELECT date_trunc('month', day)::date AS month, desk_id, need_id,
                   n AS contacts, 0 AS daily_rows
            FROM c
            UNION ALL
            SELECT date_trunc('month', day)::date, desk_id, need_id, 0,
                   (CASE WHEN inserted THEN 1 ELSE 0 END) - (CASE WHEN contacts = 0 THEN 1 ELSE 0 END)
            FROM daily
        ) AS delta
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3
        ON CONFLICT ON CONSTRAINT social_report_session_need_monthly_key
        DO UPDATE SET contacts = t.contacts + EXCLUDED.contacts,
                      daily_rows = t.daily_rows + EXCLUDED.daily_rows
        RETURNING t.id, t.contacts
    )
    SELECT (SELECT array_agg(id) FROM daily WHERE contacts = 0),
           (SELECT array_agg(id) FROM monthly WHERE contacts = 0)
    INTO zero_daily, zero_monthly;
    -- a key nobody is counted under any more leaves no row behind
    IF zero_daily IS NOT NULL THEN
        DELETE FROM social_report_session_need_daily WHERE id = ANY(zero_daily) AND contacts = 0;
    END IF;
    IF zero_monthly IS NOT NULL THEN
        DELETE FROM social_report_session_need_monthly WHERE id = ANY(zero_monthly) AND contacts = 0;
    END IF;
END
$$;

-- Everything again from the live tables (install, the coordinator's rebuild).
CREATE OR REPLACE FUNCTION social_report_session_need_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    memory text := current_setting('work_mem');
BEGIN
    -- the grouping of every session-need row: in memory rather than in batches on disk
    PERFORM set_config('work_mem', '256MB', true);
    TRUNCATE social_report_session_need_daily, social_report_session_need_monthly
        RESTART IDENTITY;
    INSERT INTO social_report_session_need_daily (
        day, desk_id, need_id, state, channel, outcome, age_band, gender, citizenship_group,
        contacts)
    SELECT k.day, k.desk_id, r.need_id, k.state, k.channel, k.outcome, k.age_band, k.gender,
           k.citizenship_group, count(*)
    FROM social_report_session_key k
    JOIN social_session_need_rel r ON r.session_id = k.session_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
    INSERT INTO social_report_session_need_monthly (month, desk_id, need_id, contacts, daily_rows)
    SELECT date_trunc('month', day)::date, desk_id, need_id, sum(contacts), count(*)
    FROM social_report_session_need_daily
    GROUP BY 1, 2, 3;
    ANALYZE social_report_session_need_daily, social_report_session_need_monthly;
    PERFORM set_config('work_mem', memory, true);
END
$$;

-- The triggers. The pattern everywhere: BEFORE the change, take away what the touched
-- sessions count; AFTER it, add what they count now.

-- A session's own fields. No INSERT trigger: a new session has no needs yet (the relation
-- rows come after it, and their trigger counts them).
CREATE OR REPLACE FUNCTION social_report_session_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_WHEN = 'BEFORE' THEN
        PERFORM social_report_session_need_apply(ARRAY[OLD.id], NULL, -1, true);
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    PERFORM social_report_session_need_apply(ARRAY[NEW.id], NULL, 1, true);
    RETURN NULL;
END
$$;

-- A session's needs. The relation rows of a deleted session go by cascade after the session
-- row: it is no longer found then, and its needs were taken away by the session's trigger.
-- The session row is written (no value changes) so that a concurrent change of the session
-- conflicts with this one (see touch_persons above).
CREATE OR REPLACE FUNCTION social_report_session_need_rel_trg() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_WHEN = 'BEFORE' THEN
        PERFORM social_report_session_need_apply(ARRAY[OLD.session_id], OLD.need_id, -1, true);
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    UPDATE social_listening_session SET write_date = write_date WHERE id = NEW.session_id;
    PERFORM social_report_session_need_apply(ARRAY[NEW.session_id], NEW.need_id, 1, true);
    RETURN NULL;
END
$$;

-- A person's profile: all their sessions move. A person deleted: their sessions become
-- anonymous first (what the foreign key's SET NULL would do after the row is gone, when the
-- person's profile can no longer be taken away).
CREATE OR REPLACE FUNCTION social_report_person_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        -- the person's row cannot be written (touched) while it is being deleted
        PERFORM set_config('social_report.deleting_person', 'on', true);
        UPDATE social_listening_session SET person_id = NULL WHERE person_id = OLD.id;
        PERFORM set_config('social_report.deleting_person', '', true);
        RETURN OLD;
    END IF;
    PERFORM social_report_session_need_apply(
        ARRAY(SELECT id FROM social_listening_session WHERE person_id = OLD.id),
        NULL, CASE WHEN TG_WHEN = 'BEFORE' THEN -1 ELSE 1 END, false);
    IF TG_WHEN = 'BEFORE' THEN
        RETURN NEW;
    END IF;
    RETURN NULL;
END
$$;

-- The desk's zone (its hours, its Ambito) decides the local day of all its sessions.
-- Configuration, rarely changed; see readme/INDICATORS.md for a change racing a session.
CREATE OR REPLACE FUNCTION social_report_zone_trg() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    desks integer[];
BEGIN
    IF TG_TABLE_NAME = 'social_desk' THEN
        desks := ARRAY[OLD.id];
    ELSIF TG_TABLE_NAME = 'res_company' THEN
        desks := ARRAY(SELECT id FROM social_desk WHERE company_id = OLD.id);
    ELSE  -- resource_calendar: the desks on it, and those of the Ambiti working on it
        desks := ARRAY(
            SELECT d.id FROM social_desk d JOIN res_company c ON c.id = d.company_id
            WHERE d.resource_calendar_id = OLD.id OR c.resource_calendar_id = OLD.id);
    END IF;
    PERFORM social_report_session_need_apply(
        ARRAY(SELECT id FROM social_listening_session WHERE desk_id = ANY(desks)),
        NULL, CASE WHEN TG_WHEN = 'BEFORE' THEN -1 ELSE 1 END, false);
    IF TG_WHEN = 'BEFORE' THEN
        RETURN NEW;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS social_report_session_before ON social_listening_session;
CREATE TRIGGER social_report_session_before
    BEFORE UPDATE OF date, desk_id, state, active, person_id, channel, outcome, anon_age_band,
        anon_gender, anon_citizenship_group
    ON social_listening_session FOR EACH ROW
    WHEN ((OLD.date, OLD.desk_id, OLD.state, OLD.active, OLD.person_id, OLD.channel,
           OLD.outcome, OLD.anon_age_band, OLD.anon_gender, OLD.anon_citizenship_group)
          IS DISTINCT FROM
          (NEW.date, NEW.desk_id, NEW.state, NEW.active, NEW.person_id, NEW.channel,
           NEW.outcome, NEW.anon_age_band, NEW.anon_gender, NEW.anon_citizenship_group))
    EXECUTE FUNCTION social_report_session_trg();
DROP TRIGGER IF EXISTS social_report_session_after ON social_listening_session;
CREATE TRIGGER social_report_session_after
    AFTER UPDATE OF date, desk_id, state, active, person_id, channel, outcome, anon_age_band,
        anon_gender, anon_citizenship_group
    ON social_listening_session FOR EACH ROW
    WHEN ((OLD.date, OLD.desk_id, OLD.state, OLD.active, OLD.person_id, OLD.channel,
           OLD.outcome, OLD.anon_age_band, OLD.anon_gender, OLD.anon_citizenship_group)
          IS DISTINCT FROM
          (NEW.date, NEW.desk_id, NEW.state, NEW.active, NEW.person_id, NEW.channel,
           NEW.outcome, NEW.anon_age_band, NEW.anon_gender, NEW.anon_citizenship_group))
    EXECUTE FUNCTION social_report_session_trg();
DROP TRIGGER IF EXISTS social_report_session_delete ON social_listening_session;
CREATE TRIGGER social_report_session_delete
    BEFORE DELETE ON social_listening_session FOR EACH ROW
    EXECUTE FUNCTION social_report_session_trg();

DROP TRIGGER IF EXISTS social_report_session_need_before ON social_session_need_rel;
CREATE TRIGGER social_report_session_need_before
    BEFORE UPDATE OR DELETE ON social_session_need_rel FOR EACH ROW
    EXECUTE FUNCTION social_report_session_need_rel_trg();
DROP TRIGGER IF EXISTS social_report_session_need_after ON social_session_need_rel;
CREATE TRIGGER social_report_session_need_after
    AFTER INSERT OR UPDATE ON social_session_need_rel FOR EACH ROW
    EXECUTE FUNCTION social_report_session_need_rel_trg();

DROP TRIGGER IF EXISTS social_report_person_before ON social_person;
CREATE TRIGGER social_report_person_before
    BEFORE UPDATE OF birth_date, gender, citizenship_group, is_anonymised
    ON social_person FOR EACH ROW
    WHEN ((OLD.birth_date, OLD.gender, OLD.citizenship_group, OLD.is_anonymised)
          IS DISTINCT FROM (NEW.birth_date, NEW.gender, NEW.citizenship_group, NEW.is_anonymised))
    EXECUTE FUNCTION social_report_person_trg();
DROP TRIGGER IF EXISTS social_report_person_after ON social_person;
CREATE TRIGGER social_report_person_after
    AFTER UPDATE OF birth_date, gender, citizenship_group, is_anonymised
    ON social_person FOR EACH ROW
    WHEN ((OLD.birth_date, OLD.gender, OLD.citizenship_group, OLD.is_anonymised)
          IS DISTINCT FROM (NEW.birth_date, NEW.gender, NEW.citizenship_group, NEW.is_anonymised))
    EXECUTE FUNCTION social_report_person_trg();
DROP TRIGGER IF EXISTS social_report_person_delete ON social_person;
CREATE TRIGGER social_report_person_delete
    BEFORE DELETE ON social_person FOR EACH ROW
    EXECUTE FUNCTION social_report_person_trg();

DROP TRIGGER IF EXISTS social_report_desk_before ON social_desk;
CREATE TRIGGER social_report_desk_before
    BEFORE UPDATE OF resource_calendar_id, company_id ON social_desk FOR EACH ROW
    WHEN ((OLD.resource_calendar_id, OLD.company_id)
          IS DISTINCT FROM (NEW.resource_calendar_id, NEW.company_id))
    EXECUTE FUNCTION social_report_zone_trg();
DROP TRIGGER IF EXISTS social_report_desk_after ON social_desk;
CREATE TRIGGER social_report_desk_after
    AFTER UPDATE OF resource_calendar_id, company_id ON social_desk FOR EACH ROW
    WHEN ((OLD.resource_calendar_id, OLD.company_id)
          IS DISTINCT FROM (NEW.resource_calendar_id, NEW.company_id))
    EXECUTE FUNCTION social_report_zone_trg();
DROP TRIGGER IF EXISTS social_report_company_before ON res_company;
CREATE TRIGGER social_report_company_before
    BEFORE UPDATE OF resource_calendar_id ON res_company FOR EACH ROW
    WHEN (OLD.resource_calendar_id IS DISTINCT FROM NEW.resource_calendar_id)
    EXECUTE FUNCTION social_report_zone_trg();
DROP TRIGGER IF EXISTS social_report_company_after ON res_company;
CREATE TRIGGER social_report_company_after
    AFTER UPDATE OF resource_calendar_id ON res_company FOR EACH ROW
    WHEN (OLD.resource_calendar_id IS DISTINCT FROM NEW.resource_calendar_id)
    EXECUTE FUNCTION social_report_zone_trg();
DROP TRIGGER IF EXISTS social_report_calendar_before ON resource_calendar;
CREATE TRIGGER social_report_calendar_before
    BEFORE UPDATE OF tz ON resource_calendar FOR EACH ROW
    WHEN (OLD.tz IS DISTINCT FROM NEW.tz)
    EXECUTE FUNCTION social_report_zone_trg();
DROP TRIGGER IF EXISTS social_report_calendar_after ON resource_calendar;
CREATE TRIGGER social_report_calendar_after
    AFTER UPDATE OF tz ON resource_calendar FOR EACH ROW
    WHEN (OLD.tz IS DISTINCT FROM NEW.tz)
    EXECUTE FUNCTION social_report_zone_trg();
