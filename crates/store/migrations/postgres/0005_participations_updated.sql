-- Catching up with participations changed since a mark reads only those.
CREATE INDEX participations_updated ON participations(updated_at);
