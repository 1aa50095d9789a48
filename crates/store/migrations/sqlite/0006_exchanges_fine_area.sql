-- A finer cell (H3 resolution 8, about 0.7 km²) for needs and offers, so a
-- search within a few kilometres reads little more than its circle.
ALTER TABLE exchanges ADD COLUMN fine_area BIGINT;
CREATE INDEX exchanges_fine_area ON exchanges(fine_area, state);
