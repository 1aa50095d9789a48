-- The search near a place reads every open exchange of the cells covering
-- its circle (some 14,600 at 3 km in the centre of Paris) to keep a few
-- hundred. With the kind and the category in the index they become index
-- conditions, so rows of another kind or category are not read from the
-- table; the position is there for SQLite, which tests the distance on the
-- index entry, and for index-only scans.
DROP INDEX exchanges_fine_area;
CREATE INDEX exchanges_fine_area ON exchanges(fine_area, state, kind, category, lat, lng);
