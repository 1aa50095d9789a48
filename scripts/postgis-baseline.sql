-- The PostGIS baseline of the matching benchmark (docs/benchmarks.md): the
-- two questions asked as the straightforward PostGIS queries, over the data
-- the generator wrote and the places the in-process run queried, timed on
-- the server with clock_timestamp() around each query.
--
-- Run by scripts/postgis-baseline.sh, which feeds the places (CSV) on
-- standard input and sets :budget (seconds per question) and :keep.
-- Everything this file creates is named postgis_*; it reads the
-- application's tables and never writes them.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT set_config('baseline.budget_secs', :'budget', false) \g /dev/null

DROP TABLE IF EXISTS postgis_users, postgis_exchanges, postgis_places, postgis_timings;

\echo building postgis_users (geography home, text[] tags) and its GiST index
\timing on
CREATE TABLE postgis_users AS
SELECT u.id,
       ST_SetSRID(ST_MakePoint(u.home_lng, u.home_lat), 4326)::geography AS home,
       u.availability,
       u.visibility,
       u.deletion_requested_at,
       COALESCE(array_agg(t.value) FILTER (WHERE t.kind = 'skill'), '{}') AS skills,
       COALESCE(array_agg(t.value) FILTER (WHERE t.kind = 'interest'), '{}') AS interests,
       COALESCE(array_agg(t.value) FILTER (WHERE t.kind = 'language'), '{}') AS languages
FROM users u
LEFT JOIN user_tags t ON t.user_id = u.id
WHERE u.home_lat IS NOT NULL AND u.home_lng IS NOT NULL
GROUP BY u.id;
ALTER TABLE postgis_users ADD PRIMARY KEY (id);
CREATE INDEX postgis_users_home ON postgis_users USING gist (home);

\echo building postgis_exchanges (geography place) and its GiST index
CREATE TABLE postgis_exchanges AS
SELECT e.*, ST_SetSRID(ST_MakePoint(e.lng, e.lat), 4326)::geography AS place
FROM exchanges e;
ALTER TABLE postgis_exchanges ADD PRIMARY KEY (id);
CREATE INDEX postgis_exchanges_place ON postgis_exchanges USING gist (place);
VACUUM ANALYZE postgis_users;
VACUUM ANALYZE postgis_exchanges;
\timing off

CREATE TABLE postgis_places (
    question TEXT NOT NULL,
    seq INTEGER NOT NULL,
    warmup BOOLEAN NOT NULL,
    exchange_id BIGINT NOT NULL,
    owner_id BIGINT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lng DOUBLE PRECISION NOT NULL,
    category TEXT NOT NULL,
    skills TEXT[] NOT NULL,
    interests TEXT[] NOT NULL,
    languages TEXT[] NOT NULL,
    slots BIGINT NOT NULL
);
\copy postgis_places FROM pstdin WITH (FORMAT csv, HEADER true)
ALTER TABLE postgis_places ADD COLUMN place geography;
UPDATE postgis_places SET place = ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography;
CREATE TABLE postgis_timings (question TEXT, seq INTEGER, ms DOUBLE PRECISION, found BIGINT);

\echo 'timing: the 20 best helpers for a need within 3 km'
DO $$
DECLARE
    p postgis_places;
    t0 TIMESTAMPTZ;
    started TIMESTAMPTZ;
    found BIGINT;
    checksum DOUBLE PRECISION;
    since BIGINT := extract(epoch FROM now())::BIGINT - 30 * 24 * 3600;
    budget INTERVAL := make_interval(secs => current_setting('baseline.budget_secs')::INT);
BEGIN
    FOR p IN SELECT * FROM postgis_places WHERE question = 'helpers' ORDER BY seq LOOP
        IF NOT p.warmup THEN
            started := COALESCE(started, clock_timestamp());
            EXIT WHEN clock_timestamp() - started > budget;
        END IF;
        t0 := clock_timestamp();
        -- The score of entraide_core::matching::score, written in SQL.
        SELECT count(*), sum(best.score) INTO found, checksum FROM (
            SELECT u.id, d.metres,
                   (40 * power(0.5, d.metres / 800)
                    + CASE WHEN u.skills && p.skills THEN 25.0 * (SELECT count(*)
                           FROM unnest(p.skills) s WHERE s = ANY (u.skills)) / cardinality(p.skills)
                      ELSE 0 END
                    + CASE WHEN u.interests && p.interests THEN 15.0 * least((SELECT count(*)
                           FROM unnest(p.interests) i WHERE i = ANY (u.interests)), 3) / 3
                      ELSE 0 END
                    + CASE WHEN p.slots <> 0 THEN 15.0 * bit_count((u.availability & p.slots)::BIT(64))
                           / bit_count(p.slots::BIT(64)) ELSE 0 END
                    + CASE WHEN cardinality(p.languages) = 0 OR u.languages && p.languages
                           THEN 10 ELSE 0 END
                    + 10.0 * (r.helped + 1) / (r.helped + r.no_shows + 2)
                   ) / (1 + 0.15 * r.recently_asked) AS score
            FROM postgis_users u
            CROSS JOIN LATERAL (SELECT ST_Distance(u.home, p.place) AS metres) d
            CROSS JOIN LATERAL (
                SELECT count(*) FILTER (WHERE pa.part = 'helped') AS helped,
                       count(*) FILTER (WHERE pa.part = 'no_show') AS no_shows,
                       count(*) FILTER (WHERE pa.invited_at >= since) AS recently_asked
                FROM participations pa WHERE pa.user_id = u.id) r
            WHERE ST_DWithin(u.home, p.place, 3000)
              AND u.id <> p.owner_id
              AND u.deletion_requested_at IS NULL
              AND (u.visibility = 'neighbours' OR (u.visibility = 'organisations' AND EXISTS (
                   SELECT 1 FROM memberships mine JOIN memberships theirs ON theirs.org_id = mine.org_id
                   WHERE mine.user_id = p.owner_id AND theirs.user_id = u.id)))
            ORDER BY score DESC, d.metres, u.id
            LIMIT 20) best;
        IF NOT p.warmup THEN
            INSERT INTO postgis_timings
            VALUES ('helpers', p.seq, 1000 * extract(epoch FROM clock_timestamp() - t0), found);
        END IF;
    END LOOP;
END $$;

\echo 'timing: needs near me, filtered, first page'
DO $$
DECLARE
    p postgis_places;
    t0 TIMESTAMPTZ;
    started TIMESTAMPTZ;
    found BIGINT;
    bytes BIGINT;
    budget INTERVAL := make_interval(secs => current_setting('baseline.budget_secs')::INT);
BEGIN
    FOR p IN SELECT * FROM postgis_places WHERE question = 'search' ORDER BY seq LOOP
        IF NOT p.warmup THEN
            started := COALESCE(started, clock_timestamp());
            EXIT WHEN clock_timestamp() - started > budget;
        END IF;
        t0 := clock_timestamp();
        -- Every column is turned into text, as a client would receive it.
        SELECT count(*), sum(length(page::TEXT)) INTO found, bytes FROM (
            SELECT e.*, o.display_name AS owner_name,
                   (SELECT count(*) FROM participations pa
                    WHERE pa.exchange_id = e.id AND pa.part = 'accepted') AS accepted
            FROM postgis_exchanges e
            JOIN users o ON o.id = e.owner_id
            WHERE e.state = 'open' AND e.kind = 'need' AND e.category = p.category
              AND ST_DWithin(e.place, p.place, 3000)
            ORDER BY ST_Distance(e.place, p.place), e.id DESC
            LIMIT 21) page;
        IF NOT p.warmup THEN
            INSERT INTO postgis_timings
            VALUES ('search', p.seq, 1000 * extract(epoch FROM clock_timestamp() - t0), found);
        END IF;
    END LOOP;
END $$;

\echo PostGIS baseline (nearest-rank percentiles, milliseconds)
SELECT t.question,
       count(*) AS queries,
       (SELECT count(*) FROM postgis_places pl WHERE pl.question = t.question AND NOT pl.warmup) AS planned,
       round(percentile_disc(0.5) WITHIN GROUP (ORDER BY t.ms)::NUMERIC, 2) AS p50_ms,
       round(percentile_disc(0.99) WITHIN GROUP (ORDER BY t.ms)::NUMERIC, 2) AS p99_ms,
       round(max(t.ms)::NUMERIC, 2) AS max_ms,
       round(avg(t.found), 1) AS rows_per_query
FROM postgis_timings t
GROUP BY t.question
ORDER BY t.question;

\if :keep
\echo kept postgis_users, postgis_exchanges, postgis_places, postgis_timings
\else
DROP TABLE postgis_users, postgis_exchanges, postgis_places, postgis_timings;
\endif
