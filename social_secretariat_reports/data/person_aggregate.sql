-- The maintained, exact aggregate of the distinct persons (social_secretariat_reports).
--
-- Run by social.report.person's init() at every install and upgrade: tables created once,
-- the view, the functions and the triggers replaced. How persons are counted:
-- readme/INDICATORS.md ("Persons"). Dropped by the uninstall hook (hooks.py). Uses
-- social_report_age_band() of data/session_need_aggregate.sql (loaded first).
--
-- Unlike the contacts, distinct persons cannot be summed (one person seen in two months is
-- one person in the year), and "new" depends on the person's whole history in the Ambito: a
-- change of one session can move another month's row. So the triggers do not add increments:
-- they count again, from the live tables, all the rows of the persons a change touches (a
-- few sessions each, by the index on the sessions' person).

-- One row per person with a file x local month at the desk x desk: the person's counted
-- sessions (active, not cancelled) there. person_id is never shown: the analysis model reads
-- it only inside COUNT(DISTINCT ...). Only the functions below write it.
CREATE TABLE IF NOT EXISTS social_report_person_monthly (
    id bigserial PRIMARY KEY,
    month date NOT NULL,
    desk_id integer NOT NULL,
    person_id integer NOT NULL,
    -- the desk's Ambito when counted: "new" is per Ambito (a desk moved to another Ambito
    -- counts its persons again, see the desk trigger)
    company_id integer NOT NULL,
    -- the month is the person's first with a counted session in the Ambito
    is_new boolean NOT NULL,
    -- the person's profile at their first counted session of the month in the Ambito (the
    -- same on all the desks' rows of that month, so that a profile never splits a person
    -- within a month)
    age_band varchar NOT NULL,
    gender varchar NOT NULL,
    citizenship_group varchar NOT NULL,
    residence_municipality_id integer,
    sessions integer NOT NULL,
    -- the desk's municipality when counted (the desk trigger counts again when it changes)
    municipality_id integer,
    -- the row of the person's first desk (lowest id) of the month in this municipality and
    -- Ambito: the sum of this flag over municipality x month is the distinct persons, read
    -- without a COUNT(DISTINCT) (social.report.person._fits_municipality_month)
    first_in_municipality boolean NOT NULL DEFAULT false,
    -- the same for the month in the Ambito, whatever the municipality
    first_in_month boolean NOT NULL DEFAULT false,
    CONSTRAINT social_report_person_monthly_key UNIQUE (person_id, month, desk_id)
);
-- tables made before the two columns above
ALTER TABLE social_report_person_monthly
    ADD COLUMN IF NOT EXISTS municipality_id integer,
    ADD COLUMN IF NOT EXISTS first_in_municipality boolean NOT NULL DEFAULT false,
    ADD COLUMN IF NOT EXISTS first_in_month boolean NOT NULL DEFAULT false;
CREATE INDEX IF NOT EXISTS social_report_person_monthly_month_idx
    ON social_report_person_monthly (month);

-- The persons by municipality of the desk (0: a desk without one) x month x Ambito x new or
-- returning: the rows flagged first_in_municipality above, and all the rows (`rows`, the
-- pivot's count). What the pivot of persons by municipality and month reads (a few rows a
-- month instead of one per person). Kept by increments, as the contacts' monthly table: two
-- transactions changing persons of one municipality in one month meet on its row (one waits,
-- and under REPEATABLE READ is retried).
CREATE TABLE IF NOT EXISTS social_report_person_municipality (
    id bigserial PRIMARY KEY,
    month date NOT NULL,
    municipality_id integer NOT NULL,
    company_id integer NOT NULL,
    is_new boolean NOT NULL,
    persons integer NOT NULL,
    rows integer NOT NULL,
    CONSTRAINT social_report_person_municipality_key UNIQUE (
        month, municipality_id, company_id, is_new)
);

-- The first month of each person in each Ambito. Also where two transactions changing the
-- sessions of one person meet: each writes the person's rows here (even with the same
-- month), so that the second one fails with a serialization error and Odoo retries it,
-- instead of both counting "new" from a snapshot without the other's session.
CREATE TABLE IF NOT EXISTS social_report_person_first (
    person_id integer NOT NULL,
    company_id integer NOT NULL,
    month date NOT NULL,
    PRIMARY KEY (person_id, company_id)
);

-- Each counted session of a person with a file, with the keys it is counted under. The local
-- day as in social_report_session_key (the desk's zone: its hours, else its Ambito's, else
-- Rome). The profile is the file's while the person is not anonymised, else the one the
-- anonymisation copied onto each session (the age band at the session's date): the figures
-- do not move when a person is anonymised.
DROP VIEW IF EXISTS social_report_person_session_key;
CREATE VIEW social_report_person_session_key AS
SELECT
    s.id AS session_id,
    s.person_id,
    s.desk_id,
    d.company_id,
    d.municipality_id,
    s.date,
    date_trunc('month', local.day)::date AS month,
    CASE WHEN who.known THEN social_report_age_band(p.birth_date, local.day)
         ELSE coalesce(s.anon_age_band, 'unknown') END AS age_band,
    coalesce(CASE WHEN who.known THEN p.gender ELSE s.anon_gender END, 'unknown') AS gender,
    coalesce(
        CASE WHEN who.known THEN p.citizenship_group ELSE s.anon_citizenship_group END,
        'unknown'
    ) AS citizenship_group,
    CASE WHEN who.known THEN p.residence_municipality_id
         ELSE s.anon_municipality_id END AS residence_municipality_id
FROM social_listening_session s
JOIN social_person p ON p.id = s.person_id
JOIN social_desk d ON d.id = s.desk_id
JOIN res_company c ON c.id = d.company_id
LEFT JOIN resource_calendar dc ON dc.id = d.resource_calendar_id
LEFT JOIN resource_calendar cc ON cc.id = c.resource_calendar_id
CROSS JOIN LATERAL (
    SELECT (s.date AT TIME ZONE 'UTC'
            AT TIME ZONE coalesce(nullif(dc.tz, ''), nullif(cc.tz, ''), 'Europe/Rome'))::date AS day
) AS local
CROSS JOIN LATERAL (SELECT NOT coalesce(p.is_anonymised, false) AS known) AS who
WHERE s.active AND s.state <> 'cancelled';

-- Count again all the rows of the persons `pids` from the live tables: rows that are no
-- longer counted go, changed ones are updated, new ones inserted; the same for their first
-- months. Under READ COMMITTED (SQL scripts) a lock per person orders two writers of one
-- person, and each statement below then sees the other's committed sessions; under Odoo's
-- REPEATABLE READ the write of social_report_person_first makes the later one retry. Many
-- persons at once (a desk's zone, the rebuild) lock the whole table instead: one lock per
-- person would fill PostgreSQL's lock table.
CREATE OR REPLACE FUNCTION social_report_persons_apply(pids integer[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    pid integer;
    zero bigint[];
BEGIN
    pids := ARRAY(SELECT DISTINCT p FROM unnest(pids) AS p WHERE p IS NOT NULL ORDER BY p);
    IF cardinality(pids) = 0 THEN
        RETURN;
    END IF;
    IF cardinality(pids) > 64 THEN
        LOCK TABLE social_report_person_first IN SHARE ROW EXCLUSIVE MODE;
    ELSE
        FOREACH pid IN ARRAY pids LOOP
            -- 7311: this aggregate's class of advisory locks
            PERFORM pg_advisory_xact_lock(7311, pid);
        END LOOP;
    END IF;
    WITH rows AS (
        SELECT DISTINCT ON (k.person_id, k.month, k.desk_id)
            k.person_id, k.company_id, k.month, k.desk_id, k.municipality_id,
            count(*) OVER desk AS sessions,
            k.desk_id = min(k.desk_id) OVER (
                PARTITION BY k.person_id, k.company_id, k.month, k.municipality_id
            ) AS first_in_municipality,
            k.desk_id = min(k.desk_id) OVER (PARTITION BY k.person_id, k.company_id, k.month)
                AS first_in_month,
            first_value(k.age_band) OVER month AS age_band,
            first_value(k.gender) OVER month AS gender,
            first_value(k.citizenship_group) OVER month AS citizenship_group,
            first_value(k.residence_municipality_id) OVER month AS residence_municipality_id
        FROM social_report_person_session_key k
        WHERE k.person_id = ANY(pids)
        WINDOW desk AS (PARTITION BY k.person_id, k.month, k.desk_id),
               month AS (PARTITION BY k.person_id, k.company_id, k.month
                         ORDER BY k.date, k.session_id
                         ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
        ORDER BY k.person_id, k.month, k.desk_id
    ), firsts AS (
        SELECT person_id, company_id, min(month) AS month FROM rows GROUP BY 1, 2
    ), fresh AS (
        SELECT r.month, r.desk_id, r.person_id, r.company_id, r.month = f.month AS is_new,
               r.age_band, r.gender, r.citizenship_group, r.residence_municipality_id,
               r.sessions::integer AS sessions, r.municipality_id, r.first_in_municipality,
               r.first_in_month
        FROM rows r JOIN firsts f USING (person_id, company_id)
    ), gone AS (
        DELETE FROM social_report_person_monthly t
        WHERE t.person_id = ANY(pids) AND NOT EXISTS (
            SELECT 1 FROM fresh f
            WHERE f.person_id = t.person_id AND f.month = t.month AND f.desk_id = t.desk_id)
    ), kept AS (
        INSERT INTO social_report_person_monthly AS t (
            month, desk_id, person_id, company_id, is_new, age_band, gender,
            citizenship_group, residence_municipality_id, sessions, municipality_id,
            first_in_municipality, first_in_month)
        SELECT * FROM fresh ORDER BY person_id, month, desk_id  -- one lock order
        ON CONFLICT ON CONSTRAINT social_report_person_monthly_key DO UPDATE SET
            company_id = EXCLUDED.company_id, is_new = EXCLUDED.is_new,
            age_band = EXCLUDED.age_band, gender = EXCLUDED.gender,
            citizenship_group = EXCLUDED.citizenship_group,
            residence_municipality_id = EXCLUDED.residence_municipality_id,
            sessions = EXCLUDED.sessions, municipality_id = EXCLUDED.municipality_id,
            first_in_municipality = EXCLUDED.first_in_municipality,
            first_in_month = EXCLUDED.first_in_month
        WHERE (t.company_id, t.is_new, t.age_band, t.gender, t.citizenship_group,
               t.residence_municipality_id, t.sessions, t.municipality_id,
               t.first_in_municipality, t.first_in_month)
              IS DISTINCT FROM
              (EXCLUDED.company_id, EXCLUDED.is_new, EXCLUDED.age_band, EXCLUDED.gender,
               EXCLUDED.citizenship_group, EXCLUDED.residence_municipality_id,
               EXCLUDED.sessions, EXCLUDED.municipality_id, EXCLUDED.first_in_municipality,
               EXCLUDED.first_in_month)
    ), first_gone AS (
        DELETE FROM social_report_person_first t
        WHERE t.person_id = ANY(pids) AND NOT EXISTS (
            SELECT 1 FROM firsts f
            WHERE f.person_id = t.person_id AND f.company_id = t.company_id)
    ), first_kept AS (
        INSERT INTO social_report_person_first AS t (person_id, company_id, month)
        SELECT person_id, company_id, month FROM firsts ORDER BY 1, 2
        -- always written, also unchanged: the meeting point of two writers (see the table)
        ON CONFLICT (person_id, company_id) DO UPDATE SET month = EXCLUDED.month
    ), delta AS (
        -- the rows as they are now (every CTE sees the table before this statement) taken
        -- away, the fresh ones added
        SELECT month, municipality_id, company_id, is_new,
               sum(persons)::integer AS persons, sum(rows)::integer AS rows
        FROM (
            SELECT month, coalesce(municipality_id, 0) AS municipality_id, company_id, is_new,
                   -count(*) FILTER (WHERE first_in_municipality) AS persons, -count(*) AS rows
            FROM social_report_person_monthly
            WHERE person_id = ANY(pids)
            GROUP BY 1, 2, 3, 4
            UNION ALL
            SELECT month, coalesce(municipality_id, 0), company_id, is_new,
                   count(*) FILTER (WHERE first_in_municipality), count(*)
            FROM fresh
            GROUP BY 1, 2, 3, 4
        ) AS change
        GROUP BY 1, 2, 3, 4
        HAVING sum(persons) <> 0 OR sum(rows) <> 0
    ), summed AS (
        INSERT INTO social_report_person_municipality AS t (
            month, municipality_id, company_id, is_new, persons, rows)
        SELECT * FROM delta ORDER BY 1, 2, 3, 4
        ON CONFLICT ON CONSTRAINT social_report_person_municipality_key DO UPDATE SET
            persons = t.persons + EXCLUDED.persons, rows = t.rows + EXCLUDED.rows
        RETURNING t.id, t.rows
    )
    SELECT array_agg(id) FROM summed WHERE rows = 0 INTO zero;
    -- a key nobody is counted under any more leaves no row behind
    IF zero IS NOT NULL THEN
        DELETE FROM social_report_person_municipality WHERE id = ANY(zero) AND rows = 0;
    END IF;
END
$$;

-- Everything again from the live tables (install, upgrade of this file, the coordinator's
-- rebuild).
CREATE OR REPLACE FUNCTION social_report_persons_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    memory text := current_setting('work_mem');
BEGIN
    PERFORM set_config('work_mem', '256MB', true);
    LOCK TABLE social_report_person_first IN SHARE ROW EXCLUSIVE MODE;
    TRUNCATE social_report_person_monthly, social_report_person_first,
        social_report_person_municipality RESTART IDENTITY;
    PERFORM social_report_persons_apply(
        ARRAY(SELECT DISTINCT person_id FROM social_listening_session
              WHERE person_id IS NOT NULL));
    ANALYZE social_report_person_monthly, social_report_person_first,
        social_report_person_municipality;
    PERFORM set_config('work_mem', memory, true);
END
$$;

-- The triggers: after the change, count the touched persons again. No BEFORE triggers: the
-- rows of a person are counted whole, from what is there after the change.

-- A session created, deleted, or changed in what it is counted under: its person before and
-- after. A person deleted: the foreign key sets the sessions' person to NULL (an UPDATE,
-- which fires this trigger), and the person's rows go.
CREATE OR REPLACE FUNCTION social_report_persons_session_trg() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM social_report_persons_apply(ARRAY[NEW.person_id]);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM social_report_persons_apply(ARRAY[OLD.person_id]);
    ELSE
        PERFORM social_report_persons_apply(ARRAY[OLD.person_id, NEW.person_id]);
    END IF;
    RETURN NULL;
END
$$;

-- A person's profile (a correction of the file corrects the past figures; the anonymisation
-- switches to the profile copied onto the sessions).
CREATE OR REPLACE FUNCTION social_report_persons_person_trg() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM social_report_persons_apply(ARRAY[NEW.id]);
    RETURN NULL;
END
$$;

-- The desk's zone decides the local month; its Ambito decides "new"; its municipality is
-- stored. See
-- social_report_zone_trg (data/session_need_aggregate.sql) for a change racing a session.
CREATE OR REPLACE FUNCTION social_report_persons_zone_trg() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    desks integer[];
BEGIN
    IF TG_TABLE_NAME = 'social_desk' THEN
        desks := ARRAY[NEW.id];
    ELSIF TG_TABLE_NAME = 'res_company' THEN
        desks := ARRAY(SELECT id FROM social_desk WHERE company_id = NEW.id);
    ELSE  -- resource_calendar: the desks on it, and those of the Ambiti working on it
        desks := ARRAY(
            SELECT d.id FROM social_desk d JOIN res_company c ON c.id = d.company_id
            WHERE d.resource_calendar_id = NEW.id OR c.resource_calendar_id = NEW.id);
    END IF;
    PERFORM social_report_persons_apply(ARRAY(
        SELECT DISTINCT person_id FROM social_listening_session
        WHERE desk_id = ANY(desks) AND person_id IS NOT NULL));
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS social_report_persons_session_insert ON social_listening_session;
CREATE TRIGGER social_report_persons_session_insert
    AFTER INSERT ON social_listening_session FOR EACH ROW
    WHEN (NEW.person_id IS NOT NULL)
    EXECUTE FUNCTION social_report_persons_session_trg();
DROP TRIGGER IF EXISTS social_report_persons_session_update ON social_listening_session;
CREATE TRIGGER social_report_persons_session_update
    AFTER UPDATE OF date, desk_id, state, active, person_id, anon_age_band, anon_gender,
        anon_citizenship_group, anon_municipality_id
    ON social_listening_session FOR EACH ROW
    WHEN ((OLD.person_id IS NOT NULL OR NEW.person_id IS NOT NULL)
          AND (OLD.date, OLD.desk_id, OLD.state, OLD.active, OLD.person_id, OLD.anon_age_band,
               OLD.anon_gender, OLD.anon_citizenship_group, OLD.anon_municipality_id)
          IS DISTINCT FROM
          (NEW.date, NEW.desk_id, NEW.state, NEW.active, NEW.person_id, NEW.anon_age_band,
           NEW.anon_gender, NEW.anon_citizenship_group, NEW.anon_municipality_id))
    EXECUTE FUNCTION social_report_persons_session_trg();
DROP TRIGGER IF EXISTS social_report_persons_session_delete ON social_listening_session;
CREATE TRIGGER social_report_persons_session_delete
    AFTER DELETE ON social_listening_session FOR EACH ROW
    WHEN (OLD.person_id IS NOT NULL)
    EXECUTE FUNCTION social_report_persons_session_trg();

DROP TRIGGER IF EXISTS social_report_persons_person_update ON social_person;
CREATE TRIGGER social_report_persons_person_update
    AFTER UPDATE OF birth_date, gender, citizenship_group, residence_municipality_id,
        is_anonymised
    ON social_person FOR EACH ROW
    WHEN ((OLD.birth_date, OLD.gender, OLD.citizenship_group, OLD.residence_municipality_id,
           OLD.is_anonymised)
          IS DISTINCT FROM (NEW.birth_date, NEW.gender, NEW.citizenship_group,
                            NEW.residence_municipality_id, NEW.is_anonymised))
    EXECUTE FUNCTION social_report_persons_person_trg();

DROP TRIGGER IF EXISTS social_report_persons_desk_update ON social_desk;
CREATE TRIGGER social_report_persons_desk_update
    AFTER UPDATE OF resource_calendar_id, company_id, municipality_id ON social_desk FOR EACH ROW
    WHEN ((OLD.resource_calendar_id, OLD.company_id, OLD.municipality_id)
          IS DISTINCT FROM (NEW.resource_calendar_id, NEW.company_id, NEW.municipality_id))
    EXECUTE FUNCTION social_report_persons_zone_trg();
DROP TRIGGER IF EXISTS social_report_persons_company_update ON res_company;
CREATE TRIGGER social_report_persons_company_update
    AFTER UPDATE OF resource_calendar_id ON res_company FOR EACH ROW
    WHEN (OLD.resource_calendar_id IS DISTINCT FROM NEW.resource_calendar_id)
    EXECUTE FUNCTION social_report_persons_zone_trg();
DROP TRIGGER IF EXISTS social_report_persons_calendar_update ON resource_calendar;
CREATE TRIGGER social_report_persons_calendar_update
    AFTER UPDATE OF tz ON resource_calendar FOR EACH ROW
    WHEN (OLD.tz IS DISTINCT FROM NEW.tz)
    EXECUTE FUNCTION social_report_persons_zone_trg();
