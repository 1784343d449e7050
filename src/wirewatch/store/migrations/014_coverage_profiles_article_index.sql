-- Issue 10/12: an update reads the profiles of its coverage candidates (a few hundred of the store's) by
-- article id.  Joined with a list of ids, DuckDB read every stored profile's JSON (~90 ms CPU at 20,000
-- stored, growing with the store); a constant IN list over this index looks each one up instead.
CREATE INDEX IF NOT EXISTS coverage_profiles_article ON coverage_profiles (article_id);
