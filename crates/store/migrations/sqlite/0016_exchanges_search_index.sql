-- The search near a place reads every open exchange of the cells covering
-- its circle (some 14,600 at 3 km in the centre of Paris) to keep a few
-- hundred. With the kind, the category and the position in the index,
-- those that fail are set aside from the index alone, and only the rows
-- kept are read from the table.
DROP INDEX exchanges_fine_area;
CREATE INDEX exchanges_fine_area ON exchanges(fine_area, state, kind, category, lat, lng);
